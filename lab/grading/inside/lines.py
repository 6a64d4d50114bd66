"""Which greenlet printed each line (in the learner's process, exercises 01-02)."""

from __future__ import annotations

from lab.i18n import t


class LinesBy:
    """A stdout that remembers which greenlet printed each line.

    ``names`` are module globals holding greenlets (looked up at each write, since the
    learner assigns them while the code runs); a line printed by any other greenlet is
    attributed to "another greenlet" (in the learner's language). ``lines`` is ``[[who, text], ...]``.
    """

    def __init__(self, module, names: tuple[str, ...]):
        self.module, self.names = module, names
        self.lines: list[list[str]] = []
        self._partial: dict[str, str] = {}

    def _who(self) -> str:
        from greenlet import getcurrent

        current = getcurrent()
        found = (n for n in self.names if getattr(self.module, n, None) is current)
        return next(found, t("lines.other_greenlet"))

    def write(self, text: str) -> int:
        who = self._who()
        *done, rest = (self._partial.pop(who, "") + text).split("\n")
        self.lines += [[who, line] for line in done]
        if rest:
            self._partial[who] = rest
        return len(text)

    def flush(self) -> None:
        pass
