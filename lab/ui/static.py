"""``reports/index.html``: the last grading as one self-contained page (inline CSS and SVG,
nothing fetched), written after every ``gevent-lab check``."""

from __future__ import annotations

from html import escape
from pathlib import Path

from lab.i18n import number
from lab.ui.results import exercises_view, load_report, results_by_number
from lab.ui.strings import default_lang, text

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:960px;color:#222;padding:0 1rem}
h1{font-size:1.4rem} .meta{color:#555}
.ex{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;margin:.7rem 0}
.ex h2{font-size:1rem;margin:.2rem 0} .badge{display:inline-block;padding:0 .5rem;border-radius:9px;
font-size:.8rem;color:#fff;background:#888;margin-left:.4rem} .passed{background:#27ae60}
.failed{background:#c0392b} .not-started{background:#888} .reason{white-space:pre-wrap;font-size:.85rem;
color:#444} .evidence{font-size:.9rem} svg.timeline{max-width:100%;height:auto;display:block;margin:.4rem 0}
"""


def write_static_report(
    report_json_path: str | Path, out_html_path: str | Path, lang: str | None = None
) -> Path:
    """Render ``grade.json`` at ``report_json_path`` as a self-contained HTML page."""
    lang = lang or default_lang()
    src = Path(report_json_path)
    report = load_report(src)
    results = results_by_number(report)
    graded = [e for e in exercises_view(results, lang) if e["result"] is not None]
    parts = [
        "<!doctype html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(text('report_title', lang))}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(text('report_title', lang))}</h1>",
    ]
    if report is None:
        parts.append(f"<p>{escape(text('error', lang))}: {escape(str(src))}</p>")
    else:
        meta = [
            text("points", lang, points=report.get("points"), max=report.get("max_points")),
            f"{text('target', lang)} {report.get('target')}",
            f"{text('seed', lang)} {report.get('seed')}",
            f"{number(report.get('seconds'), lang)} s",
        ]
        parts.append(f'<p class="meta">{escape(" · ".join(str(m) for m in meta))}</p>')
    for ex in graded:
        r = ex["result"]
        status = str(r["status"])
        parts.append(f'<section class="ex" id="ex{ex["number"]}">')
        parts.append(
            f"<h2>{ex['number']} {escape(ex['title'][lang])}"
            f'<span class="badge {escape(status)}">{escape(text(status, lang))}</span></h2>'
        )
        if r["evidence"]:
            parts.append(f'<div class="evidence">{escape(r["evidence"])}</div>')
        if r["reason"] and status != "passed":
            parts.append(f'<div class="reason">{escape(r["reason"])}</div>')
        parts.append(r["svg"] or f'<div class="meta">{escape(text("no_timeline", lang))}</div>')
        parts.append("</section>")
    parts.append(f'<p class="meta">{escape(text("report_from", lang, path=src.name))}</p>')
    parts.append("</body></html>\n")
    out = Path(out_html_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(out)
    return out
