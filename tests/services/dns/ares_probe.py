"""Resolve names with gevent's c-ares resolver; print what happened as one JSON line.

    GEVENT_RESOLVER=ares GEVENTARES_SERVERS=127.0.0.1 GEVENTARES_UDP_PORT=PORT \
        python -m tests.services.dns.ares_probe NAME [NAME ...]

Run in a fresh process by ``test_gevent_ares.py``: gevent reads those variables when it
creates its hub, so they must be set before gevent starts. All names are looked up at once,
one greenlet each, with the monkey-patched ``socket.gethostbyname`` (as the source's E4).
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402


def resolve(name):
    try:
        return {"name": name, "address": socket.gethostbyname(name)}
    except socket.gaierror as e:
        return {"name": name, "gaierror": str(e)}


def main(names):
    start = time.perf_counter()
    jobs = [gevent.spawn(resolve, n) for n in names]
    gevent.joinall(jobs, raise_error=True)
    elapsed = time.perf_counter() - start
    resolver = type(gevent.get_hub().resolver)
    print(
        json.dumps(
            {
                "resolver": resolver.__module__ + "." + resolver.__name__,
                "elapsed": elapsed,
                "results": [j.value for j in jobs],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
