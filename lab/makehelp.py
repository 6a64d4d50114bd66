"""``make help``: every make target, in the learner's language (``LAB_LANG``, ``.env``, the
locale: lab.i18n).

The one table of make targets: their order here, their texts in the catalogue
(``make.<target>``); tests/lab/test_makehelp.py checks that it and the Makefile agree.
It runs with any Python 3.10+ and nothing installed (the Makefile calls ``python3 -m
lab.makehelp`` from the repository root when there is no ``.venv`` yet), so that ``make``
on a fresh clone shows the way in: it imports nothing but lab.i18n.
"""

from __future__ import annotations

import textwrap

from lab.i18n import t

LEARNER = (
    "venv",
    "lab-up",
    "check",
    "hint",
    "run",
    "trace",
    "watch",
    "reset",
    "lab-status",
    "latency",
    "ui",
    "lab-down",
)
TEACHER = ("class", "class-demo")
CONTRIBUTOR = (
    "test", "test-fast", "lint", "bench", "bench-grade", "flake", "images", "test-docker", "clean"
)  # fmt: skip
TARGETS = (*LEARNER, "help", *TEACHER, *CONTRIBUTOR)


def _rows(targets: tuple[str, ...]) -> list[str]:
    return [f"  make {target:<12} {t(f'make.{target}')}" for target in targets]


def text() -> str:
    """What ``make help`` prints."""
    return "\n".join(
        [
            t("make.usage"),
            "",
            t("make.learner"),
            *_rows(LEARNER),
            "",
            textwrap.fill(t("make.strict"), 92),
            "",
            t("make.teacher"),
            *_rows(TEACHER),
            "",
            t("make.contributor"),
            *_rows(CONTRIBUTOR),
        ]
    )


if __name__ == "__main__":
    print(text())
