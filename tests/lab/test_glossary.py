"""One term per idea in every Vietnamese text a learner reads: the catalogue, the manifest's
titles, summaries and hints, the exercises' Vietnamese instructions, README.vi.md. The forbidden variants
are docs/glossary.vi.md's "không dùng" column."""

from __future__ import annotations

import re

import pytest

from lab.config import REPO_ROOT
from lab.exercises import EXERCISES_DIR
from lab.i18n import catalogue

GLOSSARY = REPO_ROOT / "docs" / "glossary.vi.md"
# Code is not prose: `spans`, ``spans``, calls and dotted names (queue.put(), Queue(k)).
CODE = re.compile(r"``[^`]*``|`[^`]*`|\b[\w.]+\([^()]*\)|\b\w+(?:\.\w+)+")


def forbidden() -> list[tuple[str, str]]:
    """(concept, variant) for each «variant» in the table's last column."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and "«" in cells[2]:
            rows += [(cells[0], v) for v in re.findall(r"«([^»]+)»", cells[2])]
    return rows


def vietnamese_texts() -> dict[str, str]:
    # the exercises' titles, summaries and hints are in the catalogue too (exercise.NN.*)
    texts = {f"lab/locales/vi.json {k}": v for k, v in catalogue("vi").items()}
    readme = (REPO_ROOT / "README.vi.md").read_text(encoding="utf-8")
    texts["README.vi.md"] = re.sub(r"^```.*?^```", "", readme, flags=re.M | re.S)
    for path in sorted(EXERCISES_DIR.glob("ex*.py")):
        doc = path.read_text(encoding="utf-8").split('"""')[1]
        texts[f"exercises/{path.name}"] = doc.partition("Tiếng Việt\n----------")[2]
    return texts


def pattern(variant: str) -> re.Pattern[str]:
    flags = 0 if variant.isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(variant)}(?!\w)", flags)


def test_the_glossary_has_variants_to_check():
    variants = [v for _, v in forbidden()]
    assert len(variants) >= 20 and "proxy độ trễ" in variants and "vá" in variants


def test_every_exercise_has_a_vietnamese_half():
    assert all(vietnamese_texts()[f"exercises/{p.name}"] for p in EXERCISES_DIR.glob("ex*.py"))


@pytest.mark.parametrize(("concept", "variant"), forbidden())
def test_no_vietnamese_text_uses_a_variant_the_glossary_rules_out(concept, variant):
    found = pattern(variant)
    uses = [where for where, text in vietnamese_texts().items() if found.search(CODE.sub("", text))]
    assert not uses, f"{concept}: «{variant}» in {uses} (docs/glossary.vi.md)"
