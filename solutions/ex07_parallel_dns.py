"""Reference solution of exercise 07 (instructions: exercises/ex07_parallel_dns.py).

Lời giải mẫu của bài 07.
"""

# First statements, before any other import: gevent reads its resolver settings once, when
# its hub starts, so the lab's DNS server must be named before anything uses gevent; then
# the socket module is patched so that gethostbyname waits cooperatively.
from lab.endpoints import use_lab_dns

use_lab_dns()

from gevent import monkey

monkey.patch_socket()

import socket
import time

import gevent

from lab.i18n import t


def resolve_host(domain: str) -> dict:
    """``{"domain", "ip"}`` for a known name, ``{"domain", "error": "lỗi DNS"}`` otherwise.

    ``{"domain", "ip"}`` nếu tên tồn tại, ngược lại ``{"domain", "error": "lỗi DNS"}``.
    """
    try:
        return {"domain": domain, "ip": socket.gethostbyname(domain)}
    except socket.gaierror:
        # An unknown name is an answer about that name, not a failure of the batch.
        return {"domain": domain, "error": "lỗi DNS"}


def resolve_all(domains: list[str]) -> list[dict]:
    """Resolve every name at the same time; results in the order of ``domains``.

    Phân giải đồng thời mọi tên; kết quả theo thứ tự của ``domains``.
    """
    jobs = [gevent.spawn(resolve_host, domain) for domain in domains]
    gevent.joinall(jobs)
    return [job.value for job in jobs]


def main() -> None:
    domains = ["google.com", "github.com", "python.org", "khong-ton-tai.lab.test"]
    start = time.perf_counter()
    results = resolve_all(domains)
    elapsed = time.perf_counter() - start
    for result in results:
        print(f"{result['domain']} → {result.get('ip') or result.get('error')}")
    print(t("demo.time", elapsed=elapsed))


if __name__ == "__main__":
    main()
