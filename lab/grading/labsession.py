"""The lab that grading runs against: the one already running, or the embedded one started
for the duration of a ``make check`` (and stopped afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from lab import health, lifecycle
from lab.config import LabConfig
from lab.errors import LabError
from lab.grading import repair
from lab.i18n import t


def check_lab(cfg: LabConfig) -> list[str]:
    """The services of ``cfg``'s lab that do not answer, each with where it was asked.

    Their control points only (``health.silent``): a request through the latency proxy
    would cost the lab's latency each time a check starts (0.2 s by default, asked twice).
    A proxy that is missing or broken shows in the grading itself, as a LAB line."""
    return health.silent(cfg)


class NoLab(SystemExit):
    """The lab is neither up nor startable; the message says what to do."""


def running_config(cfg: LabConfig) -> LabConfig:
    """The config ``make lab-up`` recorded in the state dir, if any (it wins over the
    environment: that is where the running lab really listens), else ``cfg``."""
    return lifecycle.active(cfg)[0]


@contextmanager
def lab_for_grading(
    cfg: LabConfig,
    say: Callable[[str], None] = print,
    starting: Callable[[], None] = lambda: None,
) -> Iterator[LabConfig]:
    """Use the running lab when every service answers; start one when none does (calling
    ``starting`` first); refuse a half-running one (starting another on the same ports
    would collide with it)."""
    cfg = running_config(cfg)
    repair.repair(cfg, say)
    missing = check_lab(cfg)
    if not missing:
        say(t("lab.using", url=cfg.toxiproxy_url))
        repair.begin(cfg, started_lab=False)
        try:
            yield cfg
        finally:
            repair.end(cfg)
        return
    if len(missing) < len(health.SERVICES):
        raise NoLab(t("lab.partly_up", missing=", ".join(missing)))
    say(t("lab.starting"))
    starting()
    try:
        repair.begin(cfg, started_lab=True)
        lifecycle.up(cfg)
    except LabError as exc:
        lifecycle.down(cfg)
        raise NoLab(t("lab.could_not_start", error=exc)) from None
    try:
        still = check_lab(cfg)
        if still:
            raise NoLab(t("lab.no_answer", missing=", ".join(still)))
        yield cfg
    finally:
        lifecycle.down(cfg)
        repair.end(cfg)
        say(t("lab.stopped"))
