"""Reference solution of exercise 03: a generator built from a greenlet."""

import time

from greenlet import GreenletExit, getcurrent, greenlet

from lab.i18n import t


def emit(value) -> None:
    """Called inside the producing function: hand value to the consumer and pause."""
    getcurrent().parent.switch(value)


class GreenletGenerator:
    """Iterate over the values ``fn(*args, **kwargs)`` emits, produced in its own greenlet."""

    def __init__(self, fn, *args, **kwargs):
        # A closure, not a bound method: no cycle back to self (see the instructions).
        self._greenlet = greenlet(lambda: fn(*args, **kwargs))

    def __iter__(self):
        return self

    def _resume(self, switch, *args):
        """Run the producer until it emits (return the value) or ends (StopIteration)."""
        if self._greenlet.dead:
            raise StopIteration
        # Whoever resumes us is where emitted values must go.
        self._greenlet.parent = getcurrent()
        value = switch(*args)
        if self._greenlet.dead:  # fn returned: its return value is not an emitted one
            raise StopIteration
        return value

    def __next__(self):
        """The next emitted value; StopIteration once fn has returned."""
        return self._resume(self._greenlet.switch)

    def throw(self, exc: BaseException):
        """Raise exc inside fn where it paused; the next value it emits, if any."""
        return self._resume(self._greenlet.throw, exc)

    def close(self) -> None:
        """Abandon the generator: GreenletExit inside fn, so that it ends."""
        if self._greenlet and not self._greenlet.dead:  # started, paused in emit()
            self._greenlet.parent = getcurrent()
            # A greenlet killed by GreenletExit returns the exception object to its
            # parent instead of raising it there.
            self._greenlet.throw(GreenletExit)


def countdown(n: int) -> None:
    """An example producer (given): emits n, n-1, ..., 1."""
    for i in range(n, 0, -1):
        emit(i)


def fibonacci(limit: int) -> None:
    """Emit the Fibonacci numbers 0, 1, 1, 2, 3, 5, ... that are below limit."""
    a, b = 0, 1
    while a < limit:
        emit(a)
        a, b = b, a + b


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
