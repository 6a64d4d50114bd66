"""``reports/index.html``: the last grading as one self-contained page (inline CSS and SVG,
nothing fetched), written after every ``gevent-lab check`` from ``templates/report.html.j2``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from lab import atomic
from lab.i18n import number
from lab.ui.render import render
from lab.ui.results import exercises_view, load_report, results_by_number
from lab.ui.strings import default_lang, text


def write_static_report(
    report_json_path: str | Path, out_html_path: str | Path, lang: str | None = None
) -> Path:
    """Render ``grade.json`` at ``report_json_path`` as a self-contained HTML page."""
    lang = lang or default_lang()
    source = Path(report_json_path)
    report = load_report(source)
    graded = [
        ex for ex in exercises_view(results_by_number(report), lang) if ex["result"] is not None
    ]
    page = render(
        "report.html.j2",
        lang=lang,
        text=partial(text, lang=lang),
        report=report,
        source=source,
        graded=graded,
        seconds=number(report.get("seconds"), lang) if report else None,
    )
    return atomic.write_text(out_html_path, page)
