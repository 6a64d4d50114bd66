"""What every backend (embedded processes, Docker Compose) offers the command line."""

from __future__ import annotations

from abc import ABC, abstractmethod

from lab.config import LabConfig

# ServiceInfo keys every backend fills in (a backend may add its own, e.g. container health):
#   "running": bool        the process / container exists and is ours
#   "pid": int | None      its pid (or None)
#   "log": str | None      where to read its output
#   "action": str          (up only) "started", "restarted" (it had died) or "running"


class Backend(ABC):
    """Starts, stops and inspects the three services ("toxiproxy", "httpbin", "dns").

    ``up`` must be idempotent and return only once every service answers (see lab.health),
    with the ``httpbin`` proxy created. Latency is not a backend's business: the caller
    applies it through the Toxiproxy and DNS control APIs, the same for every backend.
    """

    name = "?"

    def __init__(self, cfg: LabConfig):
        self.cfg = cfg

    @abstractmethod
    def up(self) -> dict[str, dict]:
        """Start what is not running; service name -> ServiceInfo (with "action")."""

    @abstractmethod
    def down(self) -> dict[str, bool]:
        """Stop what ``up`` started; service name -> whether it was running. Safe when idle."""

    @abstractmethod
    def status(self) -> dict[str, dict]:
        """Service name -> ServiceInfo, without changing anything."""
