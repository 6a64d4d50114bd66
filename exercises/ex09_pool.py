"""Exercise 09: bounded concurrency with gevent.pool.Pool: never more than k at once.

English
-------
Spawning one greenlet per URL is fine for ten URLs. For ten thousand it opens ten thousand
connections at once: the server (or your file-descriptor limit) gives up. A
``gevent.pool.Pool(k)`` runs at most ``k`` greenlets at a time; the next one starts as soon
as one finishes. With ``N`` requests of latency ``L`` that takes about ``ceil(N / k) x L``:
``k`` times faster than one after another, and polite to the server.

1. TODO 1: ``fetch_one(url)``: ``requests.get(url, timeout=10)``, fail on an error status
   (``raise_for_status()``), return ``(url, response.text)``.
2. TODO 2: ``fetch_all(urls, k)``: run ``fetch_one`` over every URL (call it for each: the
   grader times each call) with a ``Pool(k)``, and return ``{url: text}``. Hint:
   ``pool.imap_unordered(fetch_one, urls)`` yields the ``(url, text)`` pairs as they finish.

The grader checks every text against httpbin, that no more than ``k`` requests ever ran at
once, that ``k`` of them did run at once, and the total time.

Source: no example of the source material; it goes on from example E3 (one greenlet per
URL is fine for three URLs, not for thousands).

Run it: ``make run EX=09``. Grade it: ``make check EX=09``.

Tiếng Việt
----------
Mỗi URL một greenlet thì ổn với mười URL. Với mười nghìn URL, bạn mở mười nghìn kết nối cùng
lúc: máy chủ (hoặc giới hạn số file descriptor của bạn) sẽ bỏ cuộc. ``gevent.pool.Pool(k)``
chạy tối đa ``k`` greenlet cùng lúc; greenlet tiếp theo bắt đầu ngay khi có một cái xong. Với
``N`` yêu cầu có độ trễ ``L``, tổng thời gian khoảng ``ceil(N / k) x L``: nhanh gấp ``k`` lần
so với làm lần lượt, và không làm quá tải máy chủ.

1. TODO 1: ``fetch_one(url)``: ``requests.get(url, timeout=10)``, báo lỗi khi mã trạng thái
   là lỗi (``raise_for_status()``), trả về ``(url, response.text)``.
2. TODO 2: ``fetch_all(urls, k)``: chạy ``fetch_one`` cho mọi URL (gọi nó cho từng URL:
   trình chấm đo thời gian từng lần gọi) bằng một ``Pool(k)``, và trả về ``{url: text}``.
   Gợi ý: ``pool.imap_unordered(fetch_one, urls)`` trả ra các cặp ``(url, text)`` khi chúng
   xong.

Trình chấm đối chiếu từng nội dung với httpbin, kiểm tra không bao giờ có quá ``k`` yêu cầu
chạy cùng lúc, có lúc đủ ``k`` yêu cầu chạy cùng lúc, và tổng thời gian.

Nguồn: không có ví dụ nào trong tài liệu gốc; bài này đi tiếp từ ví dụ E3 (mỗi URL một
greenlet ổn với ba URL, nhưng không ổn với hàng nghìn URL).

Chạy thử: ``make run EX=09``. Chấm bài: ``make check EX=09``.
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
    # TODO 1
    raise NotImplementedError("TODO 1: fetch one URL")


def fetch_all(urls: list[str], k: int) -> dict[str, str]:
    """Fetch every URL, at most ``k`` at a time; return ``{url: text}``.

    Tải mọi URL, tối đa ``k`` cùng lúc; trả về ``{url: text}``.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: fetch the URLs with a Pool of size k")


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
