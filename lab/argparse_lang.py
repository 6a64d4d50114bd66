"""argparse's own words ("usage:", "options:", "show this help message and exit", its error
texts) in the learner's language.

argparse takes them from gettext: at import it binds ``gettext.gettext`` and
``gettext.ngettext`` as its ``_`` and ``ngettext``. ``install(lang)`` puts a gettext
translation in their place, compiled by Babel from ``lab/locales/<lang>/LC_MESSAGES/
argparse.po`` (kept in the repository, one entry per msgid of argparse). Nothing is
patched string by string, and the process's locale and environment are left alone (a
``LANGUAGE=vi`` would reach git and every program the lab starts).

Only the ``gevent-lab`` process calls it, before it builds its parser. For English nothing
happens: argparse's own texts are English.
"""

from __future__ import annotations

import argparse
import gettext
import io
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"


def po_file(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "argparse.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """argparse's catalogue for ``lang``, compiled in memory (Babel, about 1 ms once its
    modules are imported), or the identity when the language has none."""
    path = po_file(lang)
    if not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def install(lang: str) -> None:
    """argparse speaks ``lang`` from now on in this process."""
    if lang == "en":
        return
    catalogue = translations(lang)
    argparse._ = catalogue.gettext  # type: ignore[attr-defined]
    argparse.ngettext = catalogue.ngettext  # type: ignore[attr-defined]
