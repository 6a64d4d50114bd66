"""Every text of the dashboard and of the static report, in English and Vietnamese.

One table (``STRINGS``: key -> {"en", "vi"}) serves the live page (sent to it as JSON) and
the static report (rendered in Python). ``default_lang()`` follows ``LAB_LANG`` (vi|en),
else the locale.
"""

from __future__ import annotations

import locale
import os

LANGS = ("en", "vi")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "gevent-lab dashboard", "vi": "Bảng điều khiển gevent-lab"},
    "report_title": {"en": "gevent-lab grading report", "vi": "Báo cáo chấm bài gevent-lab"},
    "services": {"en": "Services", "vi": "Dịch vụ"},
    "proxies": {"en": "Proxies and toxics", "vi": "Proxy và toxic"},
    "exercises": {"en": "Exercises", "vi": "Bài tập"},
    "connected": {"en": "live", "vi": "trực tiếp"},
    "disconnected": {
        "en": "reconnecting to the dashboard server...",
        "vi": "đang kết nối lại máy chủ bảng điều khiển...",
    },
    "backend": {"en": "backend", "vi": "backend"},
    "answers": {"en": "answers", "vi": "trả lời"},
    "down": {"en": "down", "vi": "ngừng"},
    "lab_down": {
        "en": "Not answering: {names}. Start the lab with `make lab-up`; if it runs but hangs, restart it: `make lab-down && make lab-up` (`make lab-status` says more).",
        "vi": "Không trả lời: {names}. Khởi động lab bằng `make lab-up`; nếu lab đang chạy mà bị treo, hãy khởi động lại: `make lab-down && make lab-up` (`make lab-status` cho biết thêm).",
    },
    "lab_ok": {"en": "Every service answers.", "vi": "Mọi dịch vụ đều trả lời."},
    "dns_delay": {"en": "DNS delay", "vi": "Độ trễ DNS"},
    "latency": {"en": "Latency", "vi": "Độ trễ"},
    "jitter": {"en": "jitter", "vi": "dao động"},
    "apply": {"en": "Apply", "vi": "Áp dụng"},
    "enabled": {"en": "enabled", "vi": "đang bật"},
    "disabled": {"en": "disabled", "vi": "đang tắt"},
    "enable": {"en": "Enable", "vi": "Bật"},
    "disable": {"en": "Disable", "vi": "Tắt"},
    "no_toxics": {"en": "no toxics", "vi": "không có toxic"},
    "add_toxic": {"en": "Add toxic", "vi": "Thêm toxic"},
    "remove": {"en": "Remove", "vi": "Xoá"},
    "type": {"en": "type", "vi": "loại"},
    "stream": {"en": "stream", "vi": "luồng"},
    "toxicity": {"en": "toxicity", "vi": "xác suất"},
    "name": {"en": "name", "vi": "tên"},
    "attributes": {"en": "attributes", "vi": "thuộc tính"},
    "grade": {"en": "Grade", "vi": "Chấm"},
    "grading": {"en": "grading...", "vi": "đang chấm..."},
    "busy": {"en": "Another exercise is being graded.", "vi": "Đang chấm một bài khác."},
    "not_graded": {"en": "not graded yet", "vi": "chưa chấm"},
    "passed": {"en": "passed", "vi": "đạt"},
    "failed": {"en": "failed", "vi": "chưa đạt"},
    "not-started": {"en": "not started", "vi": "chưa làm"},
    "no_timeline": {"en": "no timeline recorded", "vi": "không có dòng thời gian"},
    "floor": {"en": "floor", "vi": "mức sàn"},
    "in_flight": {"en": "in flight", "vi": "đang chạy"},
    "seconds": {"en": "s", "vi": "s"},
    "needs_lab": {"en": "needs the lab", "vi": "cần lab"},
    "report_from": {"en": "From {path}", "vi": "Từ {path}"},
    "points": {"en": "{points}/{max} done", "vi": "Xong {points}/{max}"},
    "seed": {"en": "seed", "vi": "seed"},
    "target": {"en": "target", "vi": "thư mục"},
    "error": {"en": "Error", "vi": "Lỗi"},
    "language": {"en": "Tiếng Việt", "vi": "English"},
    "last_output": {"en": "grader output", "vi": "kết quả của trình chấm"},
}


def default_lang(environ: dict[str, str] | None = None) -> str:
    """``LAB_LANG`` when it is vi or en, else "vi" for a Vietnamese locale, else "en"."""
    env = os.environ if environ is None else environ
    wanted = env.get("LAB_LANG", "").strip().lower()[:2]
    if wanted in LANGS:
        return wanted
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return "vi" if env[var].lower().startswith("vi") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "vi" if loc.lower().startswith("vi") else "en"


def text(key: str, lang: str, **fmt: object) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    s = entry.get(lang) or entry["en"]
    return s.format(**fmt) if fmt else s


def table(lang: str) -> dict[str, str]:
    """Every string in one language (what the page gets)."""
    return {key: text(key, lang) for key in STRINGS}
