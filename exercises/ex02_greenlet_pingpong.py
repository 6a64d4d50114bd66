"""Exercise 02: a stateful ping-pong between a fetcher and a parser greenlet.

English
-------
The source's example G2 has ``fetch_data`` hand one name (upper-cased) to a parser greenlet
and get control back once: three lines, and the parser is left suspended. (It also rebinds
the name ``fetch_data`` from the function to its greenlet; here the greenlets get their own
names, ``fetcher`` and ``parser``.)

Grow it to a whole input: the fetcher hands every name to the parser and gets the parsed
result back, round after round, until the input ends; then **both** greenlets finish.
Each greenlet keeps its own state (where it is in its loop) between switches: no queue, no
callback, just ``switch``.

1. TODO 1 ``fetch_data(names)`` (runs in ``fetcher``): for each name print
   ``[<name>] bắt đầu lấy dữ liệu...``, switch ``name.upper()`` to ``parser``, and print
   ``[<name>] tiếp tục xử lý sau phân tích: <parsed>`` with what came back. Collect the
   parsed values. When the names run out, switch ``END`` to the parser so that it can
   finish, and return the list of parsed values.
2. TODO 2 ``parse_input(label)`` (runs in ``parser``): until it receives ``END``, print
   ``[PARSER] Nhận nhãn: <label>`` and switch ``parse_label(label)`` back to ``fetcher``
   (what comes back is the next label). Then print ``[PARSER] hết dữ liệu`` and end.
3. TODO 3 ``pingpong(names)``: create both greenlets (the module globals ``fetcher`` and
   ``parser``), start the fetcher with ``names`` and return what ``fetch_data`` returned.
   Afterwards ``fetcher.dead`` and ``parser.dead`` are both True.

``parse_label`` is given: call it (the grader checks it runs inside the parser).

Run it: ``make run EX=02``. Grade it: ``make check EX=02``. Stuck? ``make hint EX=02``.

Tiếng Việt
----------
Ví dụ G2 trong tài liệu gốc cho ``fetch_data`` chuyển một cái tên (viết hoa) sang greenlet
phân tích rồi nhận lại quyền điều khiển đúng một lần: ba dòng in ra, và greenlet phân tích bị
bỏ dở, tạm dừng mãi. (Ví dụ đó còn gán lại tên ``fetch_data`` từ hàm thành greenlet của nó; ở đây hai
greenlet có tên riêng là ``fetcher`` và ``parser``.)

Hãy mở rộng nó cho cả một dãy đầu vào: fetcher đưa từng tên cho parser và nhận lại kết quả
phân tích, hết lượt này đến lượt khác, cho tới khi hết dữ liệu; sau đó **cả hai** greenlet
đều kết thúc. Mỗi greenlet giữ trạng thái riêng của nó (đang ở đâu trong vòng lặp) giữa các
lần chuyển: không hàng đợi, không callback, chỉ có ``switch``.

1. TODO 1 ``fetch_data(names)`` (chạy trong ``fetcher``): với mỗi tên, in
   ``[<tên>] bắt đầu lấy dữ liệu...``, chuyển ``name.upper()`` sang ``parser``, rồi in
   ``[<tên>] tiếp tục xử lý sau phân tích: <kết quả>`` với giá trị nhận lại. Gom các kết quả
   lại. Khi hết tên, chuyển ``END`` sang parser để nó kết thúc, và trả về danh sách kết quả.
2. TODO 2 ``parse_input(label)`` (chạy trong ``parser``): cho tới khi nhận được ``END``, in
   ``[PARSER] Nhận nhãn: <nhãn>`` rồi chuyển ``parse_label(label)`` về ``fetcher`` (giá trị
   nhận lại là nhãn kế tiếp). Sau đó in ``[PARSER] hết dữ liệu`` và kết thúc.
3. TODO 3 ``pingpong(names)``: tạo hai greenlet (biến toàn cục ``fetcher`` và ``parser``),
   khởi động fetcher với ``names`` và trả về giá trị mà ``fetch_data`` trả về. Sau đó cả
   ``fetcher.dead`` lẫn ``parser.dead`` đều là True.

``parse_label`` đã viết sẵn: hãy gọi nó (trình chấm kiểm tra rằng nó chạy bên trong parser).

Chạy thử: ``make run EX=02``. Chấm bài: ``make check EX=02``. Cần gợi ý: ``make hint EX=02``.
"""

import time

from greenlet import greenlet

from lab.i18n import t

END = None  # what the fetcher sends when the names run out

fetcher: greenlet | None = None
parser: greenlet | None = None


def parse_label(label: str) -> str:
    """The parser's work on one label (given): "USER_123" -> "123/USER"."""
    return "/".join(reversed(label.split("_")))


def fetch_data(names):
    """Runs in fetcher: hand each name (upper-cased) to the parser, collect what comes
    back, then send END and return the collected values."""
    # TODO 1
    raise NotImplementedError("TODO 1: fetch_data")


def parse_input(label):
    """Runs in parser: until END arrives, print the label and switch parse_label(label)
    back to the fetcher."""
    # TODO 2
    raise NotImplementedError("TODO 2: parse_input")


def pingpong(names):
    """Create fetcher and parser, start the fetcher with names, return its result."""
    # TODO 3
    raise NotImplementedError("TODO 3: pingpong")


def main() -> None:
    began = time.perf_counter()
    parsed = pingpong(["user_123", "admin_7", "guest_42"])
    print(t("demo.ex02.result", parsed=parsed, fetcher=fetcher.dead, parser=parser.dead))
    print(t("demo.time_fine", elapsed=time.perf_counter() - began))


if __name__ == "__main__":
    main()
