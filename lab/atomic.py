"""Files written whole or not at all: a reader never sees half a record or half a report.

The text goes to a temporary file in the same folder (``os.replace`` is atomic only within
one file system), is flushed to disk with ``fsync``, then renamed over the target.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_text(path: str | Path, text: str) -> Path:
    """Replace ``path`` with ``text`` (UTF-8) in one step, creating its folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | Path, data: Any, indent: int | None = 2) -> Path:
    """Replace ``path`` with ``data`` as JSON (and a final newline), in one step."""
    return write_text(path, json.dumps(data, indent=indent) + "\n")
