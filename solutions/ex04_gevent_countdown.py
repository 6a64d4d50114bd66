"""Reference solution of exercise 04: interleaved gevent countdowns."""

import time

import gevent

from lab.i18n import t


def countdown(label: str, n: int, delay: float) -> None:
    """Print "<label>: <i>" for i = n..1, sleeping ``delay`` seconds (the gevent way) after
    each line."""
    for i in range(n, 0, -1):
        print(f"{label}: {i}")
        gevent.sleep(delay)  # yields to the hub: the other countdowns run meanwhile


def run_countdowns(tasks: list[tuple[str, int]], delay: float) -> None:
    """Run countdown(label, n, delay) for every (label, n) in tasks, all at once, and
    return when all have finished."""
    jobs = [gevent.spawn(countdown, label, n, delay) for label, n in tasks]
    gevent.joinall(jobs, raise_error=True)


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
