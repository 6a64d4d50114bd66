"""Reference solution of exercise 02: a fetcher/parser ping-pong over a whole input."""

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
    results = []
    for name in names:
        print(f"[{name}] bắt đầu lấy dữ liệu...")
        parsed = parser.switch(name.upper())
        print(f"[{name}] tiếp tục xử lý sau phân tích: {parsed}")
        results.append(parsed)
    # The parser ends on END; as its parent, we get control back when it does.
    parser.switch(END)
    return results


def parse_input(label):
    """Runs in parser: until END arrives, print the label and switch parse_label(label)
    back to the fetcher."""
    while label is not END:
        print(f"[PARSER] Nhận nhãn: {label}")
        label = fetcher.switch(parse_label(label))
    print("[PARSER] hết dữ liệu")


def pingpong(names):
    """Create fetcher and parser, start the fetcher with names, return its result."""
    global fetcher, parser
    fetcher = greenlet(fetch_data)
    # When the parser ends, control must go back to the fetcher (which then returns its
    # results to us), not straight to the main greenlet.
    parser = greenlet(parse_input, parent=fetcher)
    return fetcher.switch(names)


def main() -> None:
    began = time.perf_counter()
    parsed = pingpong(["user_123", "admin_7", "guest_42"])
    print(t("demo.ex02.result", parsed=parsed, fetcher=fetcher.dead, parser=parser.dead))
    print(t("demo.time_fine", elapsed=time.perf_counter() - began))


if __name__ == "__main__":
    main()
