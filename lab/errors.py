"""The errors the lab's command line shows to people: a sentence and a next step."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from lab.i18n import t


class LabError(Exception):
    """Something the learner can fix; ``hint`` says how. The CLI prints both, no traceback."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  {self.hint}" if self.hint else self.message


class ConfigError(LabError, SystemExit):
    """A LAB_* variable with a value the lab cannot use (found before anything starts).

    Also a SystemExit, so a tool that does not catch it (e.g. ``make check``) still ends
    with the message and status 1, not a traceback.
    """

    def __init__(self, message: str):
        super().__init__(message + ".", t("err.config.fix"))
        self.code = t("err.error", error=self)


def already_running(changes: list[str]) -> LabError:
    """The error for a lab that runs with other settings than the ones asked for."""
    return LabError(
        t("err.already_running", changes=", ".join(changes)), t("err.already_running.hint")
    )


def log_excerpt(lines: Iterable[str]) -> str:
    """The last lines of a service's log, indented, to show under an error ("" if none)."""
    kept = [line.rstrip("\n") for line in lines]
    if not kept:
        return ""
    return f"\n  {t('err.log_tail')}\n" + "\n".join(f"    {line}" for line in kept)


_warned: set[str] = set()


def warn(message: str) -> None:
    """Print ``warning: message`` on stderr, once per message and process."""
    if message not in _warned:
        _warned.add(message)
        print(t("err.warning", message=message), file=sys.stderr)
