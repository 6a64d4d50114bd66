"""A Toxiproxy 2.x compatible latency injector written with gevent.

Run it like the real server: ``python -m services.toxiproxy -host 127.0.0.1 -port 8474``.
The layout follows Toxiproxy's own: ``registry`` holds the proxies, ``proxy`` listens and
accepts, ``link`` pipes one client connection through the ``toxics``, ``api`` speaks the
HTTP API, ``decode`` reads request bodies the way Go's ``encoding/json`` does.
"""

VERSION = "2.12.0"
