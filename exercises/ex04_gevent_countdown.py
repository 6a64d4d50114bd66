"""Exercise 04: gevent countdowns that interleave; the total time is the longest, not the sum.

English
-------
gevent builds on greenlet but switches for you: whenever a greenlet waits (here
``gevent.sleep``), gevent's hub runs another greenlet that is ready. The source's example E1
spawns two countdowns ("Tác vụ A" from 4, "Tác vụ B" from 3, 0.3 s per step): their lines
interleave, and the whole thing takes about 4 x 0.3 s (the longer one), not 7 x 0.3 s.

1. TODO 1 ``countdown(label, n, delay)``: for i = n, n-1, ..., 1 print ``<label>: <i>`` and
   then ``gevent.sleep(delay)``.
2. TODO 2 ``run_countdowns(tasks, delay)``: ``tasks`` is a list of ``(label, n)``. Run one
   ``countdown`` per task, all at the same time (``gevent.spawn``), and return once every one
   has finished (``gevent.joinall``). Call ``countdown`` itself for every task: the grader
   times each call.

The grader runs several countdowns with random labels and lengths and checks that every
countdown printed its numbers in order, that the lines interleave, and that the total time
is close to the longest countdown, far below the sum.

Run it: ``make run EX=04``. Grade it: ``make check EX=04``. Stuck? ``make hint EX=04``.

Tiếng Việt
----------
gevent xây dựng trên greenlet nhưng tự chuyển greenlet giúp bạn: mỗi khi một greenlet phải chờ (ở
đây là ``gevent.sleep``), hub của gevent cho một greenlet khác đang sẵn sàng chạy. Ví dụ E1
trong tài liệu gốc tạo hai bộ đếm ngược ("Tác vụ A" từ 4, "Tác vụ B" từ 3, mỗi bước 0,3 s):
các dòng in ra xen kẽ nhau, và toàn bộ chỉ mất khoảng 4 x 0,3 s (bằng bộ dài hơn), chứ không
phải 7 x 0,3 s.

1. TODO 1 ``countdown(label, n, delay)``: với i = n, n-1, ..., 1 in ``<label>: <i>`` rồi gọi
   ``gevent.sleep(delay)``.
2. TODO 2 ``run_countdowns(tasks, delay)``: ``tasks`` là danh sách các cặp ``(label, n)``.
   Chạy mỗi tác vụ một ``countdown``, tất cả cùng lúc (``gevent.spawn``), và chỉ trả về khi
   tất cả đã xong (``gevent.joinall``). Hãy gọi chính hàm ``countdown`` cho từng tác vụ: trình
   chấm đo thời gian từng lần gọi.

Trình chấm chạy nhiều bộ đếm với nhãn và độ dài ngẫu nhiên, rồi kiểm tra rằng mỗi bộ in các
số theo đúng thứ tự, các dòng xen kẽ nhau, và tổng thời gian gần bằng bộ đếm dài nhất, thấp
hơn hẳn tổng của chúng.

Chạy thử: ``make run EX=04``. Chấm bài: ``make check EX=04``. Cần gợi ý: ``make hint EX=04``.
"""

import time

import gevent

from lab.i18n import t


def countdown(label: str, n: int, delay: float) -> None:
    """Print "<label>: <i>" for i = n..1, sleeping ``delay`` seconds (the gevent way) after
    each line."""
    # TODO 1
    raise NotImplementedError("TODO 1: countdown")


def run_countdowns(tasks: list[tuple[str, int]], delay: float) -> None:
    """Run countdown(label, n, delay) for every (label, n) in tasks, all at once, and
    return when all have finished."""
    # TODO 2
    raise NotImplementedError("TODO 2: run_countdowns")


def main() -> None:
    tasks = [("Tác vụ A", 4), ("Tác vụ B", 3)]
    delay = 0.3
    began = time.perf_counter()
    run_countdowns(tasks, delay)
    elapsed = time.perf_counter() - began
    total = sum(n for _, n in tasks) * delay
    print(t("demo.vs_sequential", elapsed=elapsed, sequential=total))


if __name__ == "__main__":
    main()
