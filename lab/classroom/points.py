"""Points per exercise: 1 for a pass and 0 otherwise, unless ``--points FILE`` says more.

FILE is TOML::

    [points]
    "04" = 2        # exercise 04 is worth 2 points; "4", "ex04" or its stem work too
    ex06 = 3
    default = 1     # every other exercise (default 1)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from lab.errors import LabError
from lab.exercises import Exercise, find
from lab.i18n import t


def read(path: str | Path | None, chosen: list[Exercise]) -> dict[str, float]:
    """``{"04": 2, ...}`` for the chosen exercises."""
    if path is None:
        return {ex.code: 1 for ex in chosen}
    try:
        table = tomllib.loads(Path(path).read_text()).get("points", {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LabError(t("class.points_bad", path=path, error=e), t("class.points_fix")) from None
    default = _number(table.pop("default", 1), "default", path)
    points = {ex.code: default for ex in chosen}
    for key, value in table.items():
        try:
            code = find(key).code
        except LabError:
            raise LabError(
                t("class.points_unknown", key=key, path=path), t("class.points_fix")
            ) from None
        if code in points:
            points[code] = _number(value, key, path)
    return points


def _number(value: object, key: str, path: str | Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise LabError(t("class.points_value", key=key, value=value, path=path),
                       t("class.points_fix"))  # fmt: skip
    return int(value) if float(value).is_integer() else float(value)
