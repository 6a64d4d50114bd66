"""Reference solution of exercise 01: a two-way switch where both greenlets finish."""

import time

from greenlet import greenlet

from lab.i18n import t

worker_a: greenlet | None = None
worker_b: greenlet | None = None


def task_a(x, y):
    """Runs in worker_a: send x * 2 to worker_b, print what comes back, let worker_b
    finish, return what came back + y."""
    result = worker_b.switch(x * 2)
    print(f"task_a nhận giá trị: {result}")
    # Resume task_b after its switch: it prints and ends, and since worker_a is its
    # parent, its (None) return value comes back here rather than to the main greenlet.
    worker_b.switch()
    return result + y


def task_b(value):
    """Runs in worker_b: print the value, switch value + 10 back to worker_a, then (once
    resumed) print "task_b xong" and end."""
    print(f"task_b xử lý: {value}")
    worker_a.switch(value + 10)
    print("task_b xong")


def start(x, y):
    """Create worker_a and worker_b, start worker_a with (x, y), return task_a's result."""
    global worker_a, worker_b
    worker_a = greenlet(task_a)
    # worker_b ends inside worker_a's story, so it returns to worker_a, not to us.
    worker_b = greenlet(task_b, parent=worker_a)
    return worker_a.switch(x, y)


def main() -> None:
    began = time.perf_counter()
    result = start(5, 3)
    print(f"start(5, 3) -> {result}; worker_a.dead={worker_a.dead}, worker_b.dead={worker_b.dead}")
    print(t("demo.time_fine", elapsed=time.perf_counter() - began))


if __name__ == "__main__":
    main()
