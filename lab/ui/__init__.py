"""The lab's dashboard (``gevent-lab ui``) and the static grading report.

``write_static_report(report_json_path, out_html_path)`` renders ``grade.json`` as a
self-contained ``index.html`` (lab.ui.static); ``command`` runs the live page
(lab.ui.server) in an interpreter that gevent patched before anything else was imported.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

__all__ = ["command", "write_static_report"]


def command(args: argparse.Namespace) -> int:
    """``gevent-lab ui``: the same command again as ``python -m lab.ui``, which patches the
    standard library first, then the dashboard itself (lab.ui.server.serve)."""
    from gevent import monkey

    if not monkey.is_module_patched("socket"):
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "lab.ui", *args.argv])
    from lab.ui.server import serve

    return serve(args)


def __getattr__(name: str) -> Any:
    # Imported on first use: the command line must not pay for Jinja2 to show its help.
    if name == "write_static_report":
        from lab.ui.static import write_static_report

        return write_static_report
    raise AttributeError(name)
