"""``python -m services.dns``: run the lab's DNS server (see ``server.py``)."""

from .server import main

main()
