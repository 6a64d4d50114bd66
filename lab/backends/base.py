"""What every backend (embedded processes, Docker Compose) offers the command line."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from lab.config import LabConfig


@dataclass
class ServiceInfo:
    """One service as a backend sees it (the container fields are the Docker backend's)."""

    running: bool  # the process / container exists and is ours
    pid: int | None = None
    log: str | None = None  # where to read its output (a path, or a `docker logs` command)
    # up only: "started", "restarted" (it had died), "running" (already, as recorded) or
    # "adopted" (running, but the state dir had lost track of it)
    action: str = ""
    container: str | None = None
    state: str | None = None  # the container's state ("running", "exited", "absent", ...)
    health: str | None = None  # its healthcheck's status, if it has one
    image: str | None = None
    note: str | None = None  # e.g. why this Toxiproxy image, or why no engine answers


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
    def up(self) -> dict[str, ServiceInfo]:
        """Start what is not running; service name -> ServiceInfo (with ``action``)."""

    @abstractmethod
    def down(self) -> dict[str, bool]:
        """Stop what ``up`` started; service name -> whether it was running. Safe when idle."""

    @abstractmethod
    def status(self) -> dict[str, ServiceInfo]:
        """Service name -> ServiceInfo, without changing anything."""

    def running_config(self) -> LabConfig | None:
        """The config the running services were started with, when the backend can tell
        without the state dir's ``lab.json`` (else None)."""
        return None
