"""Exercise 07: parallel DNS look-ups, where an unknown name is a result, not a crash.

English
-------
The source's example E4 resolves google.com, github.com and python.org in parallel
greenlets with ``socket.gethostbyname`` after ``monkey.patch_socket()``, and prints
``lỗi DNS`` when a name does not resolve. Here the names are asked of the lab's DNS server,
which answers after a delay the grader chooses (like a far-away server would). The first
lines of this module already send gevent's look-ups there (``use_lab_dns()``) and patch
the socket module.

1. TODO 1: ``resolve_host(domain)``: ``socket.gethostbyname(domain)``; return
   ``{"domain": domain, "ip": <address>}``. A name that does not exist raises
   ``socket.gaierror``: catch it and return ``{"domain": domain, "error": "lỗi DNS"}``,
   so that one unknown name does not kill the batch.
2. TODO 2: ``resolve_all(domains)``: one greenlet per name running ``resolve_host`` (call it
   for every name: the grader times each call), wait for all, return the results in the
   order of ``domains``.

Run it: ``make run EX=07``. Grade it: ``make check EX=07`` (names are drawn at random from
the lab's zone, plus a few that do not exist; answers are checked against the zone).

Tiếng Việt
----------
Ví dụ E4 trong tài liệu gốc phân giải google.com, github.com và python.org trong các greenlet
chạy đồng thời bằng ``socket.gethostbyname`` sau ``monkey.patch_socket()``, và in ``lỗi DNS`` khi
một tên không phân giải được. Ở đây các tên được hỏi máy chủ DNS của lab, máy chủ này trả lời
sau một khoảng trễ do trình chấm chọn (như một máy chủ ở xa). Mấy dòng đầu của module đã chuyển
việc tra cứu của gevent tới đó (``use_lab_dns()``) và monkey patch module socket.

1. TODO 1: ``resolve_host(domain)``: ``socket.gethostbyname(domain)``; trả về
   ``{"domain": domain, "ip": <địa chỉ>}``. Tên không tồn tại sẽ ném ``socket.gaierror``:
   hãy bắt nó và trả về ``{"domain": domain, "error": "lỗi DNS"}``, để một tên lạ không làm
   hỏng cả lô.
2. TODO 2: ``resolve_all(domains)``: mỗi tên một greenlet chạy ``resolve_host`` (hãy gọi nó
   cho từng tên: trình chấm đo thời gian từng lần gọi), chờ tất cả, trả kết quả theo đúng thứ
   tự của ``domains``.

Chạy thử: ``make run EX=07``. Chấm bài: ``make check EX=07`` (các tên được chọn ngẫu nhiên
từ zone của lab, thêm vài tên không tồn tại; câu trả lời được đối chiếu với zone).
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
    # TODO 1
    raise NotImplementedError("TODO 1: resolve one name, turning gaierror into a result")


def resolve_all(domains: list[str]) -> list[dict]:
    """Resolve every name at the same time; results in the order of ``domains``.

    Phân giải đồng thời mọi tên; kết quả theo thứ tự của ``domains``.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: resolve the names concurrently")


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
