"""The record of every client connection through this server's proxies (not in Toxiproxy).

The grader must judge from what the lab saw, not from what the learner's process says: this
record tells, for each connection a client opened to a proxy, when it opened and closed and
when each request/answer exchange on it began and ended, as the proxy saw them on the
client's side (toxics included). One entry, appended when the connection is accepted and
filled in while it lives::

    {"seq": 12, "proxy": "httpbin", "listen": "127.0.0.1:8080",
     "client": "127.0.0.1:50312", "upstream": "127.0.0.1:8082",
     "upstream_local": "127.0.0.1:41877",
     "opened": 1764118800.1201, "client_left": 1764118800.9104, "closed": 1764118800.9113,
     "exchanges": [[1764118800.1207, 1764118800.3711], [1764118800.4012, null]],
     "more_exchanges": 0}

- ``client``: the client's address as the proxy sees it (the learner's own socket);
  ``upstream_local``: this proxy's end of its connection upstream, what the upstream server
  sees as its peer (null until bound; the port is bound before connecting, so it is known
  before the upstream server accepts).
- ``exchanges``: ``[began, answered]`` for each turn of the conversation: ``began`` when the
  first bytes from the client were read after the previous answer, ``answered`` when the
  last bytes towards the client were sent so far (null: nothing answered yet). At most
  ``MAX_EXCHANGES`` are listed; ``more_exchanges`` counts the rest.
- ``opened``/``closed``: ``time.time()`` (``closed`` null while the connection lives);
  ``client_left``: when the client closed or reset its side (null: it has not), which can
  be long before the connection closes (an answer held by a latency toxic still pending).

``GET /lab/links?since=SEQ[&limit=N]`` reads it (the same paging as httpbin's
``/lab/record``: ``next``, ``dropped``, ``instance``, ...); ``GET /lab/upstream/PORT``
answers 200 ``{"proxy", "client"}`` when a live connection of a proxy goes upstream from
local port PORT, else 404: httpbin's listener behind the proxy asks it to refuse anyone else.
"""

from __future__ import annotations

import time

from services.serve import DEFAULT_RECORD_SIZE, Record

MAX_EXCHANGES = 64  # per connection; a keep-alive connection of a graded run makes a few


def format_address(address) -> str:
    host, port = address[:2]
    return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)


class Connections:
    """Every client connection of one server's proxies, and its live upstream ports."""

    def __init__(self, capacity: int = DEFAULT_RECORD_SIZE):
        self.record = Record(capacity)
        self._upstream_ports: dict[int, dict] = {}

    def opened(self, proxy, client) -> dict:
        """A new entry for a connection ``proxy`` accepted from socket ``client``."""
        try:
            peer = format_address(client.getpeername())
        except OSError:
            peer = None
        return self.record.append(
            {
                "seq": None,
                "proxy": proxy.name,
                "listen": proxy.listen,
                "client": peer,
                "upstream": proxy.upstream,
                "upstream_local": None,
                "opened": time.time(),
                "client_left": None,
                "closed": None,
                "exchanges": [],
                "more_exchanges": 0,
            }
        )

    def bound(self, entry: dict, address) -> None:
        """The connection's upstream socket got its local ``address`` (before connecting)."""
        entry["upstream_local"] = format_address(address)
        self._upstream_ports[address[1]] = entry

    def closed(self, entry: dict) -> None:
        entry["closed"] = time.time()
        local = entry["upstream_local"]
        if local is not None:
            port = int(local.rpartition(":")[2])
            if self._upstream_ports.get(port) is entry:
                del self._upstream_ports[port]

    def owner(self, port: int) -> dict | None:
        """The live connection whose upstream socket has local port ``port``."""
        return self._upstream_ports.get(port)
