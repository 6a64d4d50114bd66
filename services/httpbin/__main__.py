"""``python -m services.httpbin``: patch the standard library for gevent, then serve."""

from gevent import monkey

monkey.patch_all()

from .server import main  # noqa: E402  (must come after patch_all)

main()
