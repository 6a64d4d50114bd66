"""Exercise 10: deadlines with gevent.Timeout: keep what finished in time, drop the rest.

English
-------
A page that asks ten services for data should not wait for the slowest one forever: it
waits until a deadline, shows what arrived, and marks the rest as timed out. A per-request
timeout is not enough (ten requests of 0.9 s each, one after another, blow a 1 s deadline);
the deadline is for the whole batch.

``gevent.Timeout(seconds)`` raises in the current greenlet when the time is up;
``with gevent.Timeout(seconds, False):`` just leaves the block quietly. Greenlets still
running at the deadline must be stopped (``gevent.killall``), not left working in the
background.

1. TODO 1: ``fetch_one(url)``: ``requests.get(url)``, ``raise_for_status()``, return the
   text. (No per-request timeout needed: the deadline covers it.)
2. TODO 2: ``result_of(url)``: call ``fetch_one(url)`` and return
   ``{"status": "ok", "text": <text>}``, or ``{"status": "error", "error": <str(exc)>}``
   if it raised a ``requests.RequestException``.
3. TODO 3: ``fetch_before(urls, deadline)``: one greenlet per URL running ``result_of``
   (so ``fetch_one`` is called for every URL: the grader times each call); wait for all
   of them, but for no more than ``deadline`` seconds in total; kill the ones still
   running; return ``{url: result}``, with ``{"status": "timed out"}`` for the killed ones.

The grader makes some URLs far slower than the deadline, through extra proxies it creates,
and checks that the call returns at the deadline with every fast answer.

Source: no example of the source material; it goes on from example E3 (what to do when the
slowest request is too slow: a deadline for the whole batch).

Run it: ``make run EX=10``. Grade it: ``make check EX=10``.

Tiếng Việt
----------
Một trang web hỏi dữ liệu từ mười dịch vụ không nên chờ dịch vụ chậm nhất mãi mãi: nó chờ tới
một hạn chót (deadline), hiển thị những gì đã về và đánh dấu phần còn lại là quá hạn. Thời
gian chờ cho từng yêu cầu là chưa đủ (mười yêu cầu mỗi cái 0,9 s, lần lượt, vượt hạn 1 s); hạn
chót là cho cả lô.

``gevent.Timeout(seconds)`` ném ngoại lệ trong greenlet hiện tại khi hết giờ;
``with gevent.Timeout(seconds, False):`` thì lặng lẽ rời khỏi khối lệnh. Các greenlet vẫn còn
chạy lúc hết hạn phải được dừng lại (``gevent.killall``), không được để chạy ngầm.

1. TODO 1: ``fetch_one(url)``: ``requests.get(url)``, ``raise_for_status()``, trả về nội
   dung. (Không cần timeout cho từng yêu cầu: hạn chót đã lo việc đó.)
2. TODO 2: ``result_of(url)``: gọi ``fetch_one(url)`` và trả về
   ``{"status": "ok", "text": <nội dung>}``, hoặc ``{"status": "error", "error":
   <str(exc)>}`` nếu nó ném ``requests.RequestException``.
3. TODO 3: ``fetch_before(urls, deadline)``: mỗi URL một greenlet chạy ``result_of`` (nhờ
   vậy ``fetch_one`` được gọi cho từng URL: trình chấm đo thời gian từng lần gọi); chờ tất
   cả, nhưng tổng cộng không quá ``deadline`` giây; dừng những greenlet còn chạy; trả về
   ``{url: kết quả}``, với ``{"status": "timed out"}`` cho những greenlet bị dừng.

Trình chấm làm một số URL chậm hơn hạn chót rất nhiều, qua các proxy phụ nó tự tạo, và kiểm tra
lời gọi trả về đúng lúc hết hạn với đầy đủ các câu trả lời nhanh.

Nguồn: không có ví dụ nào trong tài liệu gốc; bài này đi tiếp từ ví dụ E3 (làm gì khi yêu
cầu chậm nhất quá chậm: một hạn chót cho cả lô).

Chạy thử: ``make run EX=10``. Chấm bài: ``make check EX=10``.
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
    # TODO 1
    raise NotImplementedError("TODO 1: fetch one URL")


def result_of(url: str) -> dict:
    """``{"status": "ok", "text"}`` or ``{"status": "error", "error"}`` for one URL.

    ``{"status": "ok", "text"}`` hoặc ``{"status": "error", "error"}`` cho một URL.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: turn one fetch into a result")


def fetch_before(urls: list[str], deadline: float) -> dict[str, dict]:
    """Fetch every URL at once; return at ``deadline`` seconds with what has arrived.

    Tải mọi URL cùng lúc; trả về khi hết ``deadline`` giây với những gì đã về.
    """
    # TODO 3
    raise NotImplementedError("TODO 3: fetch concurrently under one deadline")


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
