"""Listen and upstream addresses as Go's ``net`` package sees them, and the safe defaults.

* :func:`resolve` is Go's ``net.ResolveTCPAddr("tcp", listen).String()``: a host name
  becomes its first IPv4 address (``localhost:7070`` -> ``127.0.0.1:7070``). Toxiproxy
  compares *this* to a running proxy's listen to decide whether populate replaces it.
* :func:`bind` is Go's ``net.Listen("tcp", listen)``: a wildcard host (empty, ``0.0.0.0``
  or ``::``) listens dual-stack on ``[::]`` where the machine has IPv6, else on 0.0.0.0;
  errors name the resolved address (``listen tcp 127.0.0.1:3310: bind: ...``).
* :func:`is_loopback`, :func:`points_at` and :func:`reaches` back the safe defaults (see
  the README).
"""

from __future__ import annotations

import errno
import ipaddress
import socket

import gevent
from gevent import socket as gsocket

from .errors import ApiError

BACKLOG = 4096  # a thousand clients may connect at once
WILDCARDS = ("", "0.0.0.0", "::")
RESOLVE_TIMEOUT = 5.0


def split_host_port(address: str) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``) -> (host, port); ValueError if malformed."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"address {address}: missing or invalid port")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def join_host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _numeric(host: str) -> str | None:
    """``host`` as a canonical IP string if it is an IP literal, else None."""
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


def lookup(host: str) -> list[str]:
    """IP addresses for ``host``, IPv4 first (Go's order for "tcp"); [] if it has none."""
    ip = _numeric(host)
    if ip is not None:
        return [ip]
    try:
        with gevent.Timeout(RESOLVE_TIMEOUT):
            infos = gsocket.getaddrinfo(host, None, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError, gevent.Timeout):
        return []
    v4: list[str] = []
    v6: list[str] = []
    for family, _, _, _, sockaddr in infos:
        found = v4 if family == socket.AF_INET else v6
        if sockaddr[0] not in found:
            found.append(sockaddr[0])
    return v4 + v6


def resolve(listen: str) -> tuple[str, int]:
    """(host, port) of Go's ResolveTCPAddr: ``""`` -> ("", 0); a name -> its first IP.

    ValueError if the port is malformed, OSError if the name does not resolve.
    """
    host, port = split_host_port(listen) if listen else ("", 0)
    if host == "":
        return "", port
    ips = lookup(host)
    if not ips:
        raise OSError(f"lookup {host}: no such host")
    return ips[0], port


def resolved_string(listen: str) -> str:
    """Go's ``ResolveTCPAddr(listen).String()`` (``listen`` itself if it cannot resolve)."""
    try:
        return join_host_port(*resolve(listen))
    except (OSError, ValueError):
        return listen


def format_address(sockaddr: tuple) -> str:
    return join_host_port(sockaddr[0], sockaddr[1])


def _listening_socket(family: int, sockaddr: tuple, dual_stack: bool = False):
    sock = gsocket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if dual_stack:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(sockaddr)
        sock.listen(BACKLOG)
    except BaseException:
        sock.close()
        raise
    return sock


def bind(listen: str, empty_host: str = ""):
    """A listening gevent socket for ``listen``; ApiError 500 with Go's text if not.

    An empty host (``:PORT``, or no listen at all) is ``empty_host``: "" is Go's wildcard.
    """
    try:
        host, port = resolve(listen)
    except (OSError, ValueError, UnicodeError) as err:
        raise ApiError(f"listen tcp: {err}", 500) from None
    host = host or empty_host
    try:
        if host in WILDCARDS:
            if socket.has_ipv6:
                try:
                    return _listening_socket(socket.AF_INET6, ("::", port), dual_stack=True)
                except OSError as err:
                    if err.errno == errno.EADDRINUSE:
                        raise
                    # no usable IPv6 here: fall back to IPv4, as Go does
            return _listening_socket(socket.AF_INET, ("0.0.0.0", port))
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return _listening_socket(family, (host, port))
    except OSError as err:
        reason = (err.strerror or str(err)).lower()
        raise ApiError(f"listen tcp {join_host_port(host, port)}: bind: {reason}", 500) from None


def is_loopback(listen: str, empty_host: str = "") -> bool:
    """Whether ``listen`` would bind a loopback address only (a wildcard is not)."""
    try:
        host, _ = resolve(listen)
    except (OSError, ValueError, UnicodeError):
        return True  # cannot bind anyway: let bind() give Go's error
    host = host or empty_host
    return host not in WILDCARDS and ipaddress.ip_address(host.split("%")[0]).is_loopback


def _is_local(ip: str) -> bool:
    """Whether ``ip`` is one of this machine's addresses (it can be bound)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((ip, 0))
        return True
    except OSError:
        return False


def upstream_target(upstream: str) -> tuple[list[str], int] | None:
    """The IP addresses and port that dialling ``upstream`` would reach (IPv4-mapped IPv6
    unwrapped; ``[""]`` for an empty host), or None if it is malformed."""
    try:
        host, port = split_host_port(upstream)
    except ValueError:
        return None
    ips = [""] if host == "" else lookup(host)
    return [ip[7:] if ip.startswith("::ffff:") else ip for ip in ips], port


def reaches(target: tuple[list[str], int] | None, listening: tuple[str, int]) -> bool:
    """Whether dialling ``target`` (from :func:`upstream_target`) would reach the socket
    bound, or to be bound, at ``listening`` (a wildcard host listens on every address)."""
    if target is None:
        return False
    ips, port = target
    bound_host, bound_port = listening[0], listening[1]
    if port != bound_port or port == 0:
        return False
    bound_host = _numeric(bound_host) or bound_host
    for ip in ips:
        if ip == bound_host:
            return True
        if ip in WILDCARDS:  # dialling 0.0.0.0 or :: reaches this machine
            return True
        if bound_host in WILDCARDS and (ipaddress.ip_address(ip).is_loopback or _is_local(ip)):
            return True
    return False


def points_at(upstream: str, listening: tuple[str, int]) -> bool:
    """Whether dialling ``upstream`` would reach the socket bound at ``listening``."""
    return reaches(upstream_target(upstream), listening)
