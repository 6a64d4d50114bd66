#!/usr/bin/env python3
"""Container healthcheck: exit 0 when every URL given answers 200, else 1.

Used by compose.yaml inside the lab's own images (Debian's Python 3.11, stdlib only), so the
check needs no curl or wget.
"""

import sys
import urllib.request


def answers(url, timeout=3.0):
    """True if GET url returns 200 within the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except Exception as exc:  # any failure means "not healthy", say why on stderr
        print("%s: %s" % (url, exc), file=sys.stderr)
        return False


def main(urls):
    return 0 if urls and all(answers(u) for u in urls) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
