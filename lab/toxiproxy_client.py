"""toxiproxy-python pointed at one lab.

toxiproxy-python keeps the API's host and port as class attributes of ``APIConsumer`` (one
global endpoint), so code that talks to a lab on other ports must set them and put them
back afterwards: ``toxiproxy_at`` does both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer

from lab.config import LabConfig


@contextmanager
def toxiproxy_at(cfg: LabConfig) -> Iterator[Toxiproxy]:
    """A ``Toxiproxy`` client aimed at ``cfg``'s API; the previous endpoint is restored on exit."""
    saved = APIConsumer.host, APIConsumer.port
    APIConsumer.host, APIConsumer.port = cfg.host, cfg.toxiproxy_port
    try:
        yield Toxiproxy()
    finally:
        APIConsumer.host, APIConsumer.port = saved
