"""The lab's dashboard (``gevent-lab ui``) and the static grading report.

``write_static_report(report_json_path, out_html_path)`` renders ``grade.json`` as a
self-contained ``index.html``; ``lab.ui.server`` is the live page (run it with
``gevent-lab ui``, which starts ``python -m lab.ui`` so that gevent patches first).
"""

from lab.ui.static import write_static_report

__all__ = ["write_static_report"]
