"""Exercise 08: a producer and several consumers around a bounded queue, without races.

English
-------
The source's example E5 shares a ``Queue(maxsize=2)`` between a producer and a consumer
that loops ``while not shared_queue.empty()``. It only works because its consumer (0.15 s
per item) is slower than its producer (0.1 s). Make the consumer faster and it finds the
queue empty for a moment, concludes that the work is over and quits after ``item_0``; the
producer then blocks on the full queue forever and gevent stops with ``LoopExit: This
operation would block forever``. ``empty()`` says "nothing right now", not "nothing ever".

Fix it: the producer tells the consumers that it is finished by putting an end marker into
the queue, one per consumer (``StopIteration`` is the conventional one: ``for item in
queue`` stops when it takes it). Then every item is consumed exactly once, whatever the
speeds, by any number of consumers. The small ``maxsize`` gives *backpressure*: when the
consumers are slow the queue fills up and ``put`` blocks the producer until there is room.
Measure and print how long each ``put`` waited, so that you can see it.

1. TODO 1: ``producer(queue, items, delay, n_consumers)``: put each item (print
   ``Đưa vào: <item>`` and how long the put waited), ``gevent.sleep(delay)`` after each,
   then one ``StopIteration`` per consumer. Return the list of put waits (seconds).
2. TODO 2: ``consumer(queue, name, delay, consumed)``: take items until the end marker;
   for each, call ``process(name, item, delay)`` (the grader times it) and append
   ``(name, item)`` to ``consumed``.
3. TODO 3: ``run_pipeline(queue, items, n_consumers, producer_delay, consumer_delay)``:
   spawn one producer and ``n_consumers`` consumers named ``consumer-0``, ``consumer-1``...
   wait for all of them, return ``{"consumed": [(name, item), ...], "put_waits": [...]}``.
   Use the queue you are given (the grader hands you one it can watch).

Run it: ``make run EX=08``. Grade it: ``make check EX=08`` (random item counts, consumer
counts and speeds: consumers faster than the producer, and slower).

Tiếng Việt
----------
Ví dụ E5 trong tài liệu gốc dùng chung một ``Queue(maxsize=2)`` giữa một producer và một
consumer lặp ``while not shared_queue.empty()``. Nó chỉ chạy được vì consumer (0,15 s mỗi
phần tử) chậm hơn producer (0,1 s). Nếu consumer nhanh hơn, nó sẽ thấy hàng đợi trống trong
chốc lát, tưởng là hết việc và thoát sau ``item_0``; producer khi đó bị chặn mãi trên hàng đợi
đầy và gevent dừng với ``LoopExit: This operation would block forever``. ``empty()`` nghĩa là
"lúc này chưa có gì", không phải "sẽ không bao giờ có gì nữa".

Hãy sửa: producer báo cho các consumer biết nó đã xong bằng cách đưa một dấu kết thúc vào
hàng đợi, mỗi consumer một dấu (thường dùng ``StopIteration``: ``for item in queue`` dừng lại
khi lấy được nó). Khi đó mỗi phần tử được tiêu thụ đúng một lần, bất kể tốc độ, với bao nhiêu
consumer cũng được. ``maxsize`` nhỏ tạo ra *áp lực ngược* (backpressure): khi consumer chậm,
hàng đợi đầy và ``put`` chặn producer cho tới khi có chỗ. Hãy đo và in thời gian chờ của mỗi
lần ``put`` để thấy điều đó.

1. TODO 1: ``producer(queue, items, delay, n_consumers)``: đưa từng phần tử vào (in
   ``Đưa vào: <item>`` và thời gian ``put`` phải chờ), ``gevent.sleep(delay)`` sau mỗi lần,
   rồi mỗi consumer một ``StopIteration``. Trả về danh sách thời gian chờ (giây).
2. TODO 2: ``consumer(queue, name, delay, consumed)``: lấy phần tử cho tới dấu kết thúc; với
   mỗi phần tử, gọi ``process(name, item, delay)`` (trình chấm đo thời gian) và thêm
   ``(name, item)`` vào ``consumed``.
3. TODO 3: ``run_pipeline(queue, items, n_consumers, producer_delay, consumer_delay)``:
   chạy một producer và ``n_consumers`` consumer tên ``consumer-0``, ``consumer-1``...
   chờ tất cả, trả về ``{"consumed": [(tên, item), ...], "put_waits": [...]}``. Hãy dùng
   hàng đợi được truyền vào (trình chấm đưa cho bạn một hàng đợi nó theo dõi được).

Chạy thử: ``make run EX=08``. Chấm bài: ``make check EX=08`` (số phần tử, số consumer và tốc
độ ngẫu nhiên: consumer nhanh hơn producer, và chậm hơn).
"""

import time

import gevent
from gevent.queue import Queue

from lab.i18n import t


def process(name: str, item: str, delay: float) -> str:
    """The work a consumer does on one item (takes ``delay`` seconds). Given: do not change.

    Việc consumer làm với một phần tử (mất ``delay`` giây). Có sẵn: đừng sửa.
    """
    gevent.sleep(delay)
    print(f"Tiêu thụ: {item} ({name})")
    return item


def producer(queue: Queue, items: list[str], delay: float, n_consumers: int) -> list[float]:
    """Put every item, then one end marker per consumer; return how long each put waited.

    Đưa mọi phần tử vào, rồi mỗi consumer một dấu kết thúc; trả về thời gian chờ của mỗi put.
    """
    # TODO 1
    raise NotImplementedError("TODO 1: the producer, with one end marker per consumer")


def consumer(queue: Queue, name: str, delay: float, consumed: list) -> None:
    """Take items until the end marker; process each and record ``(name, item)``.

    Lấy phần tử cho tới dấu kết thúc; xử lý từng phần tử và ghi lại ``(name, item)``.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: the consumer loop that ends on the end marker")


def run_pipeline(
    queue: Queue, items: list[str], n_consumers: int, producer_delay: float, consumer_delay: float
) -> dict:
    """Run one producer and ``n_consumers`` consumers over ``queue`` until all items are done.

    Chạy một producer và ``n_consumers`` consumer trên ``queue`` tới khi xong mọi phần tử.
    """
    # TODO 3
    raise NotImplementedError("TODO 3: spawn the producer and consumers, wait for all")


def main() -> None:
    items = [f"item_{i}" for i in range(6)]
    # The source's producer waits 0.1 s per item. Consumers faster than that broke the
    # source's version; slower ones fill the queue and make the producer wait.
    for heading, consumer_delay in (("demo.ex08.faster", 0.05), ("demo.ex08.slower", 0.5)):
        print(t(heading, n=2))
        start = time.perf_counter()
        result = run_pipeline(
            Queue(maxsize=2),
            items,
            n_consumers=2,
            producer_delay=0.1,
            consumer_delay=consumer_delay,
        )
        elapsed = time.perf_counter() - start
        consumed, waited = len(result["consumed"]), sum(result["put_waits"])
        print(
            t(
                "demo.ex08.summary",
                consumed=consumed,
                total=len(items),
                waited=waited,
                elapsed=elapsed,
            )
        )


if __name__ == "__main__":
    main()
