"""Every greenlet meets the same error (like an exercise whose worker has a bug), then the
main greenlet re-raises it: `gevent-lab run` should show one traceback and a count."""

import gevent


def work(i: int) -> None:
    gevent.sleep(0.01)
    raise OSError(f"cannot read from timed out object (client {i})")


def other() -> None:
    raise KeyError("another error")


if __name__ == "__main__":
    jobs = [gevent.spawn(work, i) for i in range(10)]
    gevent.joinall(jobs)
    gevent.joinall([gevent.spawn(other)])
    print("after the greenlets", flush=True)
    gevent.joinall([gevent.spawn(work, 99)], raise_error=True)
