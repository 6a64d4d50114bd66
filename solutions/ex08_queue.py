"""Reference solution of exercise 08 (instructions: exercises/ex08_queue.py).

Lời giải mẫu của bài 08.
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
    waits = []
    for item in items:
        start = time.perf_counter()
        queue.put(item)  # blocks while the queue is full: that is the backpressure
        waits.append(time.perf_counter() - start)
        print(f"Đưa vào: {item} (chờ / waited {waits[-1]:.2f} s)")
        gevent.sleep(delay)
    # One marker per consumer: each consumer stops at the first one it takes.
    for _ in range(n_consumers):
        queue.put(StopIteration)
    return waits


def consumer(queue: Queue, name: str, delay: float, consumed: list) -> None:
    """Take items until the end marker; process each and record ``(name, item)``.

    Lấy phần tử cho tới dấu kết thúc; xử lý từng phần tử và ghi lại ``(name, item)``.
    """
    for item in queue:  # get() waits for the next item; iteration ends at StopIteration
        process(name, item, delay)
        consumed.append((name, item))


def run_pipeline(
    queue: Queue, items: list[str], n_consumers: int, producer_delay: float, consumer_delay: float
) -> dict:
    """Run one producer and ``n_consumers`` consumers over ``queue`` until all items are done.

    Chạy một producer và ``n_consumers`` consumer trên ``queue`` tới khi xong mọi phần tử.
    """
    consumed: list = []
    feeder = gevent.spawn(producer, queue, items, producer_delay, n_consumers)
    workers = [
        gevent.spawn(consumer, queue, f"consumer-{i}", consumer_delay, consumed)
        for i in range(n_consumers)
    ]
    gevent.joinall([feeder, *workers], raise_error=True)
    return {"consumed": consumed, "put_waits": feeder.value}


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
