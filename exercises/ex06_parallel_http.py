"""Exercise 06: parallel HTTP requests with requests, where one bad URL sinks nothing.

English
-------
The source's example E3 sends three ``requests.get`` calls in parallel greenlets, so the
whole batch takes about as long as the slowest request instead of the sum. Here the URLs go
to the lab's httpbin through the latency proxy, and some of them are bad on purpose: an
error status (404, 503...), a port where nothing listens (connection refused), a server too
slow for the timeout. Each URL gets its own result; one failure must not hide the others.

1. TODO 1: ``fetch_url(url, timeout)``: ``requests.get(url, timeout=timeout)``; return
   ``{"url": url, "status": <status code>, "size": <len(content)>}``. If requests raises
   (refused, timeout...), return ``{"url": url, "error": <str(exception)>}`` instead of
   letting the exception escape. A 404 is not an exception: it is a status.
2. TODO 2: ``fetch_all(urls, timeout)``: one greenlet per URL running ``fetch_url`` (call
   it for every URL: the grader times each call), wait for all, return the results in the
   order of ``urls``.

The first lines already patch the standard library: ``requests`` is imported after the
patch, so its sockets cooperate with gevent.

Run it: ``make run EX=06``. Grade it: ``make check EX=06``.

Tiếng Việt
----------
Ví dụ E3 trong tài liệu gốc gửi ba lời gọi ``requests.get`` trong các greenlet chạy đồng thời, nên
cả lô chỉ mất khoảng thời gian của yêu cầu chậm nhất thay vì tổng của chúng. Ở đây các URL trỏ
tới httpbin của lab qua proxy gây trễ, và có vài URL hỏng cố ý: mã lỗi (404, 503...), một cổng
không có gì lắng nghe (kết nối bị từ chối), một máy chủ chậm quá thời gian chờ. Mỗi URL có kết
quả riêng; một URL lỗi không được làm mất kết quả của các URL khác.

1. TODO 1: ``fetch_url(url, timeout)``: ``requests.get(url, timeout=timeout)``; trả về
   ``{"url": url, "status": <mã trạng thái>, "size": <len(content)>}``. Nếu requests ném
   ngoại lệ (bị từ chối, quá thời gian...), trả về ``{"url": url, "error": <str(ngoại lệ)>}``
   thay vì để ngoại lệ thoát ra ngoài. Mã 404 không phải ngoại lệ: nó là một trạng thái.
2. TODO 2: ``fetch_all(urls, timeout)``: mỗi URL một greenlet chạy ``fetch_url`` (hãy gọi nó
   cho từng URL: trình chấm đo thời gian từng lần gọi), chờ tất cả, trả kết quả theo đúng thứ
   tự của ``urls``.

Mấy dòng đầu đã monkey patch thư viện chuẩn: ``requests`` được import sau đó, nên socket của
nó hợp tác với gevent.

Chạy thử: ``make run EX=06``. Chấm bài: ``make check EX=06``.
"""

# First statement, before any other import: requests (and the urllib3/socket/ssl modules
# under it) must pick up gevent's cooperative socket, not the blocking original.
from gevent import monkey

monkey.patch_all()

import time

import gevent
import requests

from lab.endpoints import httpbin_url
from lab.i18n import t
from lab.net import free_port


def fetch_url(url: str, timeout: float) -> dict:
    """GET ``url``: ``{"url", "status", "size"}``, or ``{"url", "error"}`` if it failed.

    GET ``url``: ``{"url", "status", "size"}``, hoặc ``{"url", "error"}`` nếu thất bại.
    """
    # TODO 1
    raise NotImplementedError("TODO 1: fetch one URL, turning exceptions into results")


def fetch_all(urls: list[str], timeout: float) -> list[dict]:
    """Fetch every URL at the same time; results in the order of ``urls``.

    Tải đồng thời mọi URL; kết quả theo thứ tự của ``urls``.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: fetch the URLs concurrently")


def show(result: dict) -> str:
    """One line per URL, as the source printed it."""
    if "error" in result:
        return t("demo.ex06.error", url=result["url"], error=result["error"])
    return t("demo.ex06.ok", url=result["url"], status=result["status"], size=result["size"])


def main() -> None:
    base = httpbin_url()
    urls = [
        f"{base}/delay/1",
        f"{base}/delay/2",
        f"{base}/status/200",
        f"{base}/status/503",
        f"http://127.0.0.1:{free_port()}/",  # nothing listens there: connection refused
        f"{base}/delay/5",  # slower than the timeout
    ]
    start = time.perf_counter()
    results = fetch_all(urls, timeout=3)
    elapsed = time.perf_counter() - start
    for result in results:
        print(show(result))
    print(t("demo.time", elapsed=elapsed))


if __name__ == "__main__":
    main()
