"""Verifiable downloads: the bytes of ``/lab/blob/<n>?seed=S``, computable without HTTP.

The blob is the first ``n`` bytes of SHAKE-256 over the ASCII text ``gevent-lab blob <S>``
(``S`` a decimal integer, default 0)::

    hashlib.shake_256(b"gevent-lab blob 7").digest(n)

SHAKE-256 is a standard extendable-output function, so the bytes are the same on every
Python version and platform (unlike ``random``'s streams), cost little to make, and a blob is
a prefix of any longer blob with the same seed. The server also sends their SHA-256 in the
``X-Content-SHA256`` header, so a client can check a download without knowing the seed.
"""

import hashlib

# Larger requests get 400: the blob is built in memory before it is sent.
MAX_BLOB_BYTES = 64 * 1024 * 1024


def blob(n, seed=0):
    """The ``n`` bytes that ``/lab/blob/<n>?seed=<seed>`` serves."""
    if not 0 <= n <= MAX_BLOB_BYTES:
        raise ValueError("blob size must be between 0 and %d bytes, got %d" % (MAX_BLOB_BYTES, n))
    return hashlib.shake_256(b"gevent-lab blob %d" % int(seed)).digest(n)


def sha256_hex(data):
    """The hex SHA-256 of ``data``, as in the ``X-Content-SHA256`` header."""
    return hashlib.sha256(data).hexdigest()
