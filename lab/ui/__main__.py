"""``python -m lab.ui``: the dashboard, with gevent's monkey patching done first."""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from lab.ui.server import main  # noqa: E402

sys.exit(main())
