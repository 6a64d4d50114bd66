"""Prometheus text for ``/metrics`` (only served with -proxy-metrics or -runtime-metrics)."""

from __future__ import annotations

import gc
import resource
import sys
import time

_START = time.time()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def proxy_metrics(proxies) -> list[str]:
    """Byte counters per proxy and direction, named like Toxiproxy's."""
    lines = []
    for metric, help_text, attr in (
        ("toxiproxy_proxy_received_bytes_total", "Number of bytes received", "received"),
        ("toxiproxy_proxy_sent_bytes_total", "Number of bytes sent", "sent"),
    ):
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} counter"]
        for proxy in proxies:
            for direction, value in getattr(proxy, attr).items():
                labels = (
                    f'direction="{direction}",listener="{_escape(proxy.listen)}",'
                    f'proxy="{_escape(proxy.name)}",upstream="{_escape(proxy.upstream)}"'
                )
                lines.append(f"{metric}{{{labels}}} {value}")
    return lines


def runtime_metrics() -> list[str]:
    """The process's own numbers (Toxiproxy reports Go's; this server is Python)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return [
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
        "# TYPE process_cpu_seconds_total counter",
        f"process_cpu_seconds_total {usage.ru_utime + usage.ru_stime}",
        "# HELP process_max_resident_memory_bytes Peak resident memory in bytes.",
        "# TYPE process_max_resident_memory_bytes gauge",
        f"process_max_resident_memory_bytes {usage.ru_maxrss * 1024}",
        "# HELP process_start_time_seconds Start time of the process since unix epoch.",
        "# TYPE process_start_time_seconds gauge",
        f"process_start_time_seconds {_START}",
        "# HELP python_gc_objects_tracked Objects tracked by the garbage collector.",
        "# TYPE python_gc_objects_tracked gauge",
        f"python_gc_objects_tracked {len(gc.get_objects())}",
        "# HELP python_info Python platform information.",
        "# TYPE python_info gauge",
        f'python_info{{version="{sys.version.split()[0]}"}} 1',
    ]


def render(proxies, proxy: bool, runtime: bool) -> str:
    lines = (proxy_metrics(proxies) if proxy else []) + (runtime_metrics() if runtime else [])
    return "\n".join(lines) + "\n"
