"""The lab's DNS server: a gevent UDP+TCP server answering from ``lab.zone`` with a delay
that can be changed while it runs (``control.py`` is the client for that)."""
