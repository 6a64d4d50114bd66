"""Reference solution of exercise 06 (instructions: exercises/ex06_parallel_http.py).

Lời giải mẫu của bài 06.
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
    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException as exc:
        # Refused, reset, timed out...: this URL's result, not the batch's problem.
        return {"url": url, "error": str(exc)}
    return {"url": url, "status": response.status_code, "size": len(response.content)}


def fetch_all(urls: list[str], timeout: float) -> list[dict]:
    """Fetch every URL at the same time; results in the order of ``urls``.

    Tải đồng thời mọi URL; kết quả theo thứ tự của ``urls``.
    """
    jobs = [gevent.spawn(fetch_url, url, timeout) for url in urls]
    gevent.joinall(jobs)
    return [job.value for job in jobs]


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
