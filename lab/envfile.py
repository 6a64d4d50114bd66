"""The checkout's optional ``.env`` file (``KEY=VALUE`` lines), read with python-dotenv.

The environment always wins over the file. This module imports nothing else of the lab,
so every part of it (the configuration, the language choice, the dashboard's port) can
read the same file the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DOTENV = Path(__file__).resolve().parent.parent / ".env"


def read(path: Path | None = None) -> dict[str, str]:
    """The variables ``path`` (default: the checkout's ``.env``) sets; {} if it is absent.

    Comments, blank lines, ``export`` and quotes are handled as python-dotenv does; values
    are taken as written (no ``${VAR}`` expansion); a line without ``=`` sets nothing.
    """
    from dotenv import dotenv_values  # only the commands that read the config pay for it

    path = DOTENV if path is None else path
    if not path.is_file():
        return {}
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}


def variables(environ: Mapping[str, str] | None = None, path: Path | None = None) -> dict[str, str]:
    """``.env``'s variables overridden by ``environ`` (default: this process's)."""
    return {**read(path), **(os.environ if environ is None else environ)}
