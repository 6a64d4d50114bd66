"""What ``up`` remembers about the running lab (``<state>/lab.json``), and the lab's lock.

``status``, ``latency``, ``run`` and ``down`` use the recorded config, so they reach the lab
that is running even if the environment changed since ``up``. ``up`` and ``down`` run one
at a time per state dir: ``exclusive`` holds ``<state>/lock`` (``fcntl.flock``) meanwhile.

Labs started by the test suite live under ``test_labs_root()``, in a folder per pytest
process (``<pid>-<start time>``): ``orphaned_test_labs`` lists those whose process is gone,
so the next test session or ``make lab-down`` can stop what they left running.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from lab import atomic, processes, wait
from lab.config import REPO_ROOT, LabConfig, field_names
from lab.errors import LabError, warn
from lab.i18n import t

LOCK_TIMEOUT_S = 180.0  # longer than the slowest `up` (the Docker backend's 90 s health wait)


def _file(cfg: LabConfig) -> Path:
    return cfg.state_path / "lab.json"


def save(cfg: LabConfig, backend: str) -> None:
    atomic.write_json(_file(cfg), {"backend": backend, "config": asdict(cfg)})


def load(cfg: LabConfig) -> tuple[LabConfig, str] | None:
    """(recorded config, backend name) of the lab started from ``cfg``'s state dir, if any.

    An unreadable ``lab.json`` counts as missing, with a one-line warning.
    """
    path = _file(cfg)
    try:
        data = json.loads(path.read_text())
        known = {k: v for k, v in data["config"].items() if k in field_names()}
        recorded = LabConfig(**known).with_(state_dir=cfg.state_dir)
        if data["backend"] not in ("local", "docker") or not _typed(recorded):
            raise TypeError("unexpected values")
        return recorded, data["backend"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        warn(t("err.unreadable", path=path, error=type(e).__name__))
        return None


def active(cfg: LabConfig) -> tuple[LabConfig, str | None]:
    """The config of the lab recorded in ``cfg``'s state dir (else ``cfg``) and its backend."""
    recorded = load(cfg)
    return recorded if recorded else (cfg, None)


def _typed(cfg: LabConfig) -> bool:
    """True if each field of ``cfg`` has its declared type (JSON may say "123" for 123)."""
    defaults = LabConfig()
    return all(type(getattr(cfg, name)) is type(getattr(defaults, name)) for name in field_names())


def forget(cfg: LabConfig) -> None:
    _file(cfg).unlink(missing_ok=True)


@contextmanager
def exclusive(state: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the lab's lock (``<state>/lock``) inside the block; wait for it up to ``timeout``."""
    state.mkdir(parents=True, exist_ok=True)
    fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, state, timeout)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the flock


def _acquire(fd: int, state: Path, timeout: float) -> None:
    def locked() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    if not wait.until(locked, timeout, interval=0.1):
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        raise LabError(
            t("err.lock_held", pid=holder, lock=state / "lock", seconds=timeout),
            t("err.lock_held.hint"),
        )


# -- labs of the test suite -------------------------------------------------------------------
def checkout_id(root: Path = REPO_ROOT) -> str:
    """8 hex digits naming this checkout (from its path): tells checkouts apart."""
    return hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:8]


def test_labs_root() -> Path:
    """Where this checkout's test sessions keep their labs' state dirs."""
    return Path(tempfile.gettempdir()) / f"gevent-lab-tests-{os.getuid()}" / checkout_id()


def test_session_dir(pid: int | None = None) -> Path:
    """The folder for the labs of the test session run by ``pid`` (default: this process)."""
    pid = os.getpid() if pid is None else pid
    return test_labs_root() / f"{pid}-{processes.start_time(pid)}"


def orphaned_test_labs() -> list[Path]:
    """Session folders of ``test_labs_root()`` whose pytest process is gone."""
    root = test_labs_root()
    if not root.is_dir():
        return []
    return [d for d in sorted(root.iterdir()) if d.is_dir() and not _owner_alive(d.name)]


def _owner_alive(folder_name: str) -> bool:
    pid, _, started = folder_name.partition("-")
    if not pid.isdigit():
        return True  # not ours to judge
    return started.isdigit() and processes.alive_since(int(pid), int(started))
