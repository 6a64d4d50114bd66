"""The Jinja2 templates of the dashboard and the static report (``lab/ui/templates``,
shipped as package data), with autoescaping on: every label and reason is escaped."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lab.ui", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["px"] = lambda v: f"{float(v):.1f}"  # SVG coordinates: a tenth of a pixel
    env.filters["px0"] = lambda v: f"{float(v):.0f}"
    return env


def render(template: str, **context: Any) -> str:
    """``template`` (a file name in lab/ui/templates) rendered with ``context``."""
    return environment().get_template(template).render(**context)
