"""``python -m lab.ui [options]``: ``gevent-lab ui``, with gevent's monkey patching done
before anything else is imported (lab.ui.command starts it this way)."""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from lab.cli import main  # noqa: E402

sys.exit(main(["ui", *sys.argv[1:]]))
