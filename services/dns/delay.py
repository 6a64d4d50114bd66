"""The per-answer delay: one number shared by the DNS handlers and the control API.

DNS runs over UDP, which Toxiproxy cannot slow down, so the server itself waits before each
answer. The wait happens in the greenlet that handles that one query, so many queries
waiting at once still finish together: 20 queries with 300 ms each take about 0.3 s.
"""

MAX_DELAY_MS = 60000


class Delay:
    """The delay in milliseconds, read by every handler and changed by the control API."""

    def __init__(self, ms=0):
        self.ms = parse_delay_ms(ms)

    @property
    def seconds(self):
        return self.ms / 1000.0


def parse_delay_ms(value):
    """``value`` as a whole number of ms in 0..MAX_DELAY_MS, else ValueError saying why."""
    # bool is an int in Python, but `true` is no delay anyone meant to send.
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError("delay_ms must be a whole number of milliseconds, got %r" % (value,))
    if not 0 <= value <= MAX_DELAY_MS:
        raise ValueError("delay_ms must be between 0 and %d, got %d" % (MAX_DELAY_MS, value))
    return value
