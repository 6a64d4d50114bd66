"""The lab's httpbin: PyPI's (or Debian's) httpbin app served by gevent (``server.py``), with
the views exercises rely on made uniform across versions (``app.py``) and a verifiable
download endpoint (``blob.py``)."""
