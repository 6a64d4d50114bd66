"""Exercise 03: a generator built from a greenlet, with close(), throw() and GreenletExit.

English
-------
A Python generator is a function that can pause (``yield``) and be resumed. A greenlet can
do the same with no ``yield`` keyword at all: the producing function runs in its own
greenlet and, to hand over a value, switches to its *parent* (the consumer); the consumer
switches back to get the next one. The pause can even happen deep inside nested calls.

Build ``GreenletGenerator(fn, *args)``, used like ``for value in GreenletGenerator(fn, ...)``,
where ``fn`` calls ``emit(value)`` for each value:

1. TODO 1 ``emit(value)``: hand ``value`` to the consumer: the parent of the current greenlet.
2. TODO 2 ``__next__``: make the current greenlet the generator greenlet's parent (so that
   emitted values come back here, whoever iterates), switch to it, and return the value it
   emitted; once the greenlet is dead (``fn`` returned), raise ``StopIteration``, also on
   every later call.
3. TODO 3 ``throw(exc)``: raise ``exc`` inside ``fn`` where it is paused (``greenlet.throw``).
   If ``fn`` catches it and emits again, return that value; if ``fn`` returns, raise
   ``StopIteration``; if it does not catch it, the exception comes out here.
4. TODO 4 ``close()``: abandon the generator: raise ``GreenletExit`` inside ``fn`` (its
   ``finally:`` blocks run) so that its greenlet ends. Nothing to do if it never started or
   already ended. ``GreenletExit`` does not escape ``close()``.
5. TODO 5 ``fibonacci(limit)``: emit the Fibonacci numbers 0, 1, 1, 2, 3, 5... below
   ``limit``.

An abandoned generator is closed for you: when the last reference to a suspended greenlet
goes away, greenlet raises ``GreenletExit`` inside it. That is why ``__init__`` (given) runs
a closure rather than a bound method: ``greenlet(self._run)`` would make a reference cycle
(generator -> greenlet -> generator) that keeps a suspended greenlet alive forever.

Source: no example of the source material; it goes further than examples G1 and G2 (a
greenlet paused deep inside nested calls, which is what a generator is).

Run it: ``make run EX=03``. Grade it: ``make check EX=03``. Stuck? ``make hint EX=03``.

Tiếng Việt
----------
Generator của Python là một hàm có thể tạm dừng (``yield``) rồi được tiếp tục. Greenlet làm
được điều tương tự mà không cần từ khóa ``yield``: hàm tạo giá trị (producer) chạy trong greenlet
riêng và, để phát ra một giá trị, nó chuyển sang greenlet *cha* (consumer); consumer chuyển
ngược lại để lấy giá trị kế tiếp. Việc tạm dừng có thể xảy ra ngay cả sâu bên trong các lời
gọi hàm lồng nhau.

Hãy xây dựng ``GreenletGenerator(fn, *args)``, dùng như ``for value in
GreenletGenerator(fn, ...)``, trong đó ``fn`` gọi ``emit(value)`` cho mỗi giá trị:

1. TODO 1 ``emit(value)``: phát ``value`` ra cho consumer: greenlet cha của greenlet hiện tại.
2. TODO 2 ``__next__``: đặt greenlet hiện tại làm cha của greenlet generator (để giá trị được
   phát về đây, dù ai đang duyệt), chuyển sang nó và trả về giá trị nó vừa phát ra; khi greenlet
   đã chết (``fn`` đã trả về), ném ``StopIteration``, và cả ở mọi lần gọi sau đó.
3. TODO 3 ``throw(exc)``: ném ``exc`` vào bên trong ``fn`` tại chỗ nó đang dừng
   (``greenlet.throw``). Nếu ``fn`` bắt được và phát tiếp một giá trị, trả về giá trị đó; nếu
   ``fn`` trả về, ném ``StopIteration``; nếu nó không bắt, ngoại lệ sẽ bay ra tại đây.
4. TODO 4 ``close()``: bỏ generator: ném ``GreenletExit`` vào trong ``fn`` (các khối
   ``finally:`` của nó được chạy) để greenlet của nó kết thúc. Không cần làm gì nếu nó chưa
   từng chạy hoặc đã kết thúc. ``GreenletExit`` không được thoát ra khỏi ``close()``.
5. TODO 5 ``fibonacci(limit)``: phát ra các số Fibonacci 0, 1, 1, 2, 3, 5... nhỏ hơn ``limit``.

Một generator bị bỏ rơi sẽ được đóng giùm bạn: khi tham chiếu cuối cùng tới một greenlet đang
tạm dừng biến mất, greenlet ném ``GreenletExit`` vào bên trong nó. Vì thế ``__init__`` (viết
sẵn) chạy một closure chứ không phải một bound method: ``greenlet(self._run)`` sẽ tạo vòng
tham chiếu (generator -> greenlet -> generator) giữ greenlet đang tạm dừng sống mãi mãi.

Nguồn: không có ví dụ nào trong tài liệu gốc; bài này đi xa hơn ví dụ G1 và G2 (một
greenlet tạm dừng ở sâu bên trong các lời gọi lồng nhau, đúng như một generator).

Chạy thử: ``make run EX=03``. Chấm bài: ``make check EX=03``. Cần gợi ý: ``make hint EX=03``.
"""

import time

from greenlet import GreenletExit, getcurrent, greenlet

from lab.i18n import t


def emit(value) -> None:
    """Called inside the producing function: hand value to the consumer and pause."""
    # TODO 1
    raise NotImplementedError("TODO 1: emit")


class GreenletGenerator:
    """Iterate over the values ``fn(*args, **kwargs)`` emits, produced in its own greenlet."""

    def __init__(self, fn, *args, **kwargs):
        # A closure, not a bound method: no cycle back to self (see the instructions).
        self._greenlet = greenlet(lambda: fn(*args, **kwargs))

    def __iter__(self):
        return self

    def __next__(self):
        """The next emitted value; StopIteration once fn has returned."""
        # TODO 2
        raise NotImplementedError("TODO 2: __next__")

    def throw(self, exc: BaseException):
        """Raise exc inside fn where it paused; the next value it emits, if any."""
        # TODO 3
        raise NotImplementedError("TODO 3: throw")

    def close(self) -> None:
        """Abandon the generator: GreenletExit inside fn, so that it ends."""
        # TODO 4
        raise NotImplementedError("TODO 4: close")


def countdown(n: int) -> None:
    """An example producer (given): emits n, n-1, ..., 1."""
    for i in range(n, 0, -1):
        emit(i)


def fibonacci(limit: int) -> None:
    """Emit the Fibonacci numbers 0, 1, 1, 2, 3, 5, ... that are below limit."""
    # TODO 5
    raise NotImplementedError("TODO 5: fibonacci")


def main() -> None:
    began = time.perf_counter()
    print("countdown(3):", list(GreenletGenerator(countdown, 3)))
    print("fibonacci(100):", list(GreenletGenerator(fibonacci, 100)))
    gen = GreenletGenerator(countdown, 5)
    print("next(gen), next(gen):", next(gen), next(gen))
    gen.close()
    print(t("demo.ex03.closed", dead=gen._greenlet.dead))
    print(t("demo.time_fine", elapsed=time.perf_counter() - began))


if __name__ == "__main__":
    main()
