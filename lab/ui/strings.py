"""Every text of the dashboard and of the static report, in English and Vietnamese.

They live in the one catalogue (lab.i18n) as ``ui.<key>``; ``STRINGS`` (key -> {"en",
"vi"}) serves the live page (sent to it as JSON) and the static report (rendered in
Python). ``default_lang()`` is the lab's language choice: ``LAB_LANG``, else .env, else the
locale.
"""

from __future__ import annotations

from lab.i18n import LANGS, catalogue, number
from lab.i18n import lang as default_lang  # the lab's one choice of language

__all__ = ["LANGS", "STRINGS", "default_lang", "table", "text"]

STRINGS: dict[str, dict[str, str]] = {
    key.removeprefix("ui."): {lang: catalogue(lang)[key] for lang in LANGS}
    for key in catalogue("en")
    if key.startswith("ui.")
}


def text(key: str, lang: str, **fmt: object) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    s = entry.get(lang) or entry["en"]
    return s.format(**{k: number(v, lang) for k, v in fmt.items()}) if fmt else s


def table(lang: str) -> dict[str, str]:
    """Every string in one language (what the page gets)."""
    return {key: text(key, lang) for key in STRINGS}
