"""Reference solution of exercise 09 (instructions: exercises/ex09_pool.py).

Lời giải mẫu của bài 09.
"""

# First statement, before any other import: requests must be imported after the patch so
# that its sockets wait cooperatively.
from gevent import monkey

monkey.patch_all()

import base64
import time

import requests
from gevent.pool import Pool

from lab.endpoints import httpbin_url
from lab.i18n import t


def fetch_one(url: str) -> tuple[str, str]:
    """GET ``url`` and return ``(url, text)``; an error status raises.

    GET ``url`` và trả về ``(url, text)``; mã trạng thái lỗi thì ném ngoại lệ.
    """
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return url, response.text


def fetch_all(urls: list[str], k: int) -> dict[str, str]:
    """Fetch every URL, at most ``k`` at a time; return ``{url: text}``.

    Tải mọi URL, tối đa ``k`` cùng lúc; trả về ``{url: text}``.
    """
    pool = Pool(k)  # a new greenlet starts only when one of the k running ones finishes
    return dict(pool.imap_unordered(fetch_one, urls))


def main() -> None:
    # httpbin's /base64/<value> answers with the decoded value: easy to check by eye.
    words = [f"xin chào {i}" for i in range(12)]
    urls = [
        f"{httpbin_url()}/base64/{base64.urlsafe_b64encode(w.encode()).decode()}" for w in words
    ]
    k = 4
    start = time.perf_counter()
    texts = fetch_all(urls, k)
    elapsed = time.perf_counter() - start
    for url in urls:
        print(f"{url.rsplit('/', 1)[-1]} → {texts[url]}")
    print(t("demo.ex09.summary", n=len(urls), k=k, elapsed=elapsed))


if __name__ == "__main__":
    main()
