"""Where the lab's services listen, read from the environment (and an optional ``.env``).

Every port can be overridden, so a learner whose port 8080 is taken can write
``LAB_HTTPBIN_PORT=9080`` into ``.env`` (or the environment) and carry on. The test suite
builds a ``LabConfig`` with free ports so that it never collides with a lab the learner has
running.

Both backends (embedded processes and Docker Compose) use these same numbers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROXIES_FILE = REPO_ROOT / "services" / "toxiproxy" / "toxiproxy.json"
ZONE_FILE = REPO_ROOT / "services" / "dns" / "lab.zone"

# Default latency that `make lab-up` applies to the httpbin proxy and to DNS answers:
# large enough that ten sequential requests (2 s) are plainly slower than ten concurrent
# ones (0.2 s), small enough that the sequential version is still bearable to watch.
DEFAULT_LATENCY_MS = 200

# env var -> (LabConfig field, default)
_ENV = {
    "LAB_BACKEND": ("backend", "auto"),
    "LAB_HOST": ("host", "127.0.0.1"),
    "LAB_TOXIPROXY_PORT": ("toxiproxy_port", 8474),
    "LAB_HTTPBIN_PORT": ("httpbin_port", 8080),
    "LAB_HTTPBIN_UPSTREAM_PORT": ("httpbin_upstream_port", 8081),
    "LAB_DNS_PORT": ("dns_port", 1053),
    "LAB_DNS_CONTROL_PORT": ("dns_control_port", 8053),
    "LAB_LATENCY_MS": ("latency_ms", DEFAULT_LATENCY_MS),
    "LAB_STATE_DIR": ("state_dir", ".lab"),
}


@dataclass(frozen=True)
class LabConfig:
    """The addresses of one lab. ``host`` is what services bind and clients dial."""

    backend: str = "auto"
    host: str = "127.0.0.1"
    toxiproxy_port: int = 8474  # Toxiproxy HTTP API
    httpbin_port: int = 8080  # the `httpbin` proxy: learners' code talks to this one
    httpbin_upstream_port: int = 8081  # httpbin itself, no latency (the proxy's upstream)
    dns_port: int = 1053  # DNS, UDP and TCP (not 5353: mDNS daemons hold it)
    dns_control_port: int = 8053  # small HTTP API to read/change the DNS answer delay
    latency_ms: int = DEFAULT_LATENCY_MS
    state_dir: str = ".lab"  # runtime state and logs, relative to the repo root

    # -- derived addresses -------------------------------------------------------------
    @property
    def toxiproxy_url(self) -> str:
        return f"http://{self.host}:{self.toxiproxy_port}"

    @property
    def httpbin_url(self) -> str:
        """httpbin through the latency proxy: what exercises use."""
        return f"http://{self.host}:{self.httpbin_port}"

    @property
    def httpbin_direct_url(self) -> str:
        """httpbin without the proxy, for the grader's own checks."""
        return f"http://{self.host}:{self.httpbin_upstream_port}"

    @property
    def dns_control_url(self) -> str:
        return f"http://{self.host}:{self.dns_control_port}"

    @property
    def state_path(self) -> Path:
        p = Path(self.state_dir)
        return p if p.is_absolute() else REPO_ROOT / p

    def ports(self) -> dict[str, int]:
        """Every port the lab listens on, by the env var that sets it."""
        return {
            env: getattr(self, name) for env, (name, _) in _ENV.items() if env.endswith("_PORT")
        }

    def to_env(self) -> dict[str, str]:
        """The LAB_* variables that describe this config (for child processes)."""
        return {env: str(getattr(self, name)) for env, (name, _) in _ENV.items()}

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    def with_(self, **changes) -> LabConfig:
        return replace(self, **changes)


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines of a .env file (comments and blank lines ignored)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def load(environ: dict[str, str] | None = None, dotenv: Path | None = None) -> LabConfig:
    """Build the config: defaults, overridden by ``.env``, overridden by the environment."""
    environ = dict(os.environ if environ is None else environ)
    merged = {**read_dotenv(dotenv or REPO_ROOT / ".env"), **environ}
    kwargs = {}
    for env, (name, default) in _ENV.items():
        raw = merged.get(env)
        if raw is None or raw == "":
            continue
        if isinstance(default, int):
            try:
                kwargs[name] = int(raw)
            except ValueError:
                raise SystemExit(f"{env}={raw!r} is not a whole number") from None
        else:
            kwargs[name] = raw
    cfg = LabConfig(**kwargs)
    if cfg.backend not in ("auto", "local", "docker"):
        raise SystemExit(f"LAB_BACKEND={cfg.backend!r}: choose auto, local or docker")
    return cfg
