"""Exercise 01: switching by hand between two greenlets, and finishing both.

English
-------
A greenlet runs only when someone calls ``.switch()`` on it, and values travel through
``switch``: the arguments of ``g.switch(...)`` become what the *other* side's ``switch``
call returns (or the function's arguments, the first time).

The source's example G1 starts ``worker_a`` with ``worker_a.switch(5, 3)``; ``task_a`` sends
``x * 2`` to ``worker_b``; ``task_b`` prints it and switches ``value + 10`` back. It prints
``task_b xử lý: 10`` then ``task_a nhận giá trị: 20``... and leaves ``worker_b`` suspended
forever (``worker_b.dead`` is False): nobody ever switches back to it.

Your version finishes **both** greenlets:

1. TODO 1 ``task_a(x, y)`` (runs in ``worker_a``): send ``x * 2`` to ``worker_b``, print
   ``task_a nhận giá trị: <what came back>``, then let ``worker_b`` run to its end, and
   finally return ``<what came back> + y``.
2. TODO 2 ``task_b(value)`` (runs in ``worker_b``): print ``task_b xử lý: <value>``, switch
   ``value + 10`` back to ``worker_a``; when resumed, print ``task_b xong`` and return.
3. TODO 3 ``start(x, y)``: create the greenlets (assign the module globals ``worker_a`` and
   ``worker_b``: the tasks use them), start ``worker_a`` with ``(x, y)`` and return what
   ``task_a`` returned. Afterwards ``worker_a.dead`` and ``worker_b.dead`` are both True.

Think about where a greenlet's return value goes when its function ends: to its *parent*
(by default, the greenlet that created it). ``greenlet(fn, parent=...)`` chooses another.

Run it: ``make run EX=01`` (or ``python -m exercises.ex01_greenlet_switch``).
Grade it: ``make check EX=01``. Stuck? ``make hint EX=01``.

Tiếng Việt
----------
Một greenlet chỉ chạy khi có ai đó gọi ``.switch()`` tới nó, và giá trị được truyền qua
``switch``: đối số của ``g.switch(...)`` trở thành giá trị trả về của lời gọi ``switch`` ở
phía *bên kia* (hoặc là đối số của hàm, ở lần đầu tiên).

Ví dụ G1 trong tài liệu gốc khởi động ``worker_a`` bằng ``worker_a.switch(5, 3)``; ``task_a``
gửi ``x * 2`` sang ``worker_b``; ``task_b`` in giá trị đó rồi chuyển ``value + 10`` ngược lại.
Chương trình in ``task_b xử lý: 10`` rồi ``task_a nhận giá trị: 20``... nhưng để ``worker_b``
tạm dừng mãi mãi (``worker_b.dead`` là False): không ai chuyển quay lại nó nữa.

Phiên bản của bạn phải cho **cả hai** greenlet chạy xong:

1. TODO 1 ``task_a(x, y)`` (chạy trong ``worker_a``): gửi ``x * 2`` sang ``worker_b``, in
   ``task_a nhận giá trị: <giá trị nhận lại>``, sau đó để ``worker_b`` chạy đến hết, cuối
   cùng trả về ``<giá trị nhận lại> + y``.
2. TODO 2 ``task_b(value)`` (chạy trong ``worker_b``): in ``task_b xử lý: <value>``, chuyển
   ``value + 10`` về ``worker_a``; khi được tiếp tục, in ``task_b xong`` rồi kết thúc.
3. TODO 3 ``start(x, y)``: tạo hai greenlet (gán vào biến toàn cục ``worker_a`` và
   ``worker_b``: các tác vụ dùng chúng), khởi động ``worker_a`` với ``(x, y)`` và trả về giá
   trị mà ``task_a`` trả về. Sau đó cả ``worker_a.dead`` lẫn ``worker_b.dead`` đều là True.

Hãy nghĩ xem khi hàm của một greenlet kết thúc thì giá trị trả về đi đâu: về greenlet *cha*
(mặc định là greenlet đã tạo ra nó). ``greenlet(fn, parent=...)`` cho phép chọn cha khác.

Chạy thử: ``make run EX=01``. Chấm bài: ``make check EX=01``. Cần gợi ý: ``make hint EX=01``.
"""

import time

from greenlet import greenlet

from lab.i18n import t

# The two greenlets, created by start(); the tasks switch to each other through these names.
worker_a: greenlet | None = None
worker_b: greenlet | None = None


def task_a(x, y):
    """Runs in worker_a: send x * 2 to worker_b, print what comes back, let worker_b
    finish, return what came back + y."""
    # TODO 1
    raise NotImplementedError("TODO 1: task_a")


def task_b(value):
    """Runs in worker_b: print the value, switch value + 10 back to worker_a, then (once
    resumed) print "task_b xong" and end."""
    # TODO 2
    raise NotImplementedError("TODO 2: task_b")


def start(x, y):
    """Create worker_a and worker_b, start worker_a with (x, y), return task_a's result."""
    # TODO 3
    raise NotImplementedError("TODO 3: start")


def main() -> None:
    began = time.perf_counter()
    result = start(5, 3)
    print(f"start(5, 3) -> {result}; worker_a.dead={worker_a.dead}, worker_b.dead={worker_b.dead}")
    print(t("demo.time_fine", elapsed=time.perf_counter() - began))


if __name__ == "__main__":
    main()
