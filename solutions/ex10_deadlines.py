"""Reference solution of exercise 10 (instructions: exercises/ex10_deadlines.py).

Lời giải mẫu của bài 10.
"""

# First statement, before any other import: requests must be imported after the patch so
# that its sockets wait cooperatively (and can be interrupted by gevent.Timeout).
from gevent import monkey

monkey.patch_all()

import time

import gevent
import requests

from lab.endpoints import httpbin_url
from lab.i18n import t


def fetch_one(url: str) -> str:
    """GET ``url`` and return its text; an error status raises.

    GET ``url`` và trả về nội dung; mã trạng thái lỗi thì ném ngoại lệ.
    """
    response = requests.get(url)
    response.raise_for_status()
    return response.text


def result_of(url: str) -> dict:
    """``{"status": "ok", "text"}`` or ``{"status": "error", "error"}`` for one URL.

    ``{"status": "ok", "text"}`` hoặc ``{"status": "error", "error"}`` cho một URL.
    """
    try:
        return {"status": "ok", "text": fetch_one(url)}
    except requests.RequestException as exc:
        return {"status": "error", "error": str(exc)}


def fetch_before(urls: list[str], deadline: float) -> dict[str, dict]:
    """Fetch every URL at once; return at ``deadline`` seconds with what has arrived.

    Tải mọi URL cùng lúc; trả về khi hết ``deadline`` giây với những gì đã về.
    """
    jobs = {url: gevent.spawn(result_of, url) for url in urls}
    # One deadline for the whole batch; False: leave the block quietly when it expires.
    with gevent.Timeout(deadline, False):
        gevent.joinall(jobs.values())
    late = [job for job in jobs.values() if not job.ready()]
    gevent.killall(late)  # blocks until they are dead: nothing keeps running behind us
    return {url: {"status": "timed out"} if job in late else job.value for url, job in jobs.items()}


def main() -> None:
    base = httpbin_url()
    urls = [
        f"{base}/delay/0",
        f"{base}/status/200",
        f"{base}/delay/1",
        f"{base}/delay/3",
        f"{base}/status/500",
    ]
    deadline = 2.0
    start = time.perf_counter()
    results = fetch_before(urls, deadline)
    elapsed = time.perf_counter() - start
    for url in urls:
        result = results[url]
        detail = (
            t("demo.bytes", size=len(result["text"]))
            if "text" in result
            else result.get("error", "")
        )
        print(f"{url} → {result['status']} {detail}")
    print(t("demo.ex10.summary", deadline=deadline, elapsed=elapsed))


if __name__ == "__main__":
    main()
