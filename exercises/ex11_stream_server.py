"""Exercise 11: a StreamServer of your own that serves many clients at once.

English
-------
Until now your greenlets were clients. ``gevent.server.StreamServer`` is the other side: it
accepts TCP connections and runs your ``handle(socket, address)`` in a new greenlet for each
one, so a client that is slow to talk (or a request that takes long to serve) never makes the
others wait.

Write a tiny line protocol. A client sends one request per line and reads one answer line
back, as many times as it likes, then closes the connection:

- ``UPPER some text``  ->  ``SOME TEXT``
- ``SUM 3 4 5``        ->  ``12`` (whole numbers; anything else ->  ``ERR ...``)
- anything else        ->  ``ERR unknown command``

Each request takes ``delay`` seconds of "work" (think of a database query): the server must
spend it with ``gevent.sleep(delay)``, so that the other clients are served meanwhile.

1. TODO 1: ``answer(line, delay)``: sleep ``delay`` cooperatively, then return the answer
   to one request line (without the newline).
2. TODO 2: ``handle(sock, address, delay)``: read lines from the client
   (``sock.makefile("rwb")`` gives a file with ``readline()``), call ``answer`` for each
   (the grader times each call) and write the answer plus ``"\\n"``; stop when the client
   closes (``readline()`` returns ``b""``).
3. TODO 3: ``make_server(host, port, delay)``: return a ``StreamServer((host, port), ...)``
   whose handler calls ``handle`` with that delay (``functools.partial``). Return it
   without starting it: whoever uses it calls ``start()``/``stop()``.

The grader starts your server, puts a latency proxy in front of it and connects many
clients at once, each sending a few random requests.

Source: no example of the source material; it is the other side of examples E3 and E4
(gevent serving many clients instead of calling servers).

Run it: ``make run EX=11`` (a demo: starts the server, ten clients talk to it at once).
Grade it: ``make check EX=11``.

Tiếng Việt
----------
Tới giờ các greenlet của bạn đều là client. ``gevent.server.StreamServer`` là phía bên kia:
nó nhận các kết nối TCP và chạy ``handle(socket, address)`` của bạn trong một greenlet mới cho
mỗi kết nối, nên một client nói chậm (hay một yêu cầu cần lâu mới xử lý xong) không bao giờ
bắt các client khác phải chờ.

Hãy viết một giao thức nhỏ theo dòng. Client gửi mỗi yêu cầu trên một dòng và đọc lại một dòng
trả lời, bao nhiêu lần tùy thích, rồi đóng kết nối:

- ``UPPER some text``  ->  ``SOME TEXT``
- ``SUM 3 4 5``        ->  ``12`` (số nguyên; nếu không ->  ``ERR ...``)
- lệnh khác            ->  ``ERR unknown command``

Mỗi yêu cầu mất ``delay`` giây "làm việc" (hãy hình dung một truy vấn cơ sở dữ liệu): máy chủ
phải dùng ``gevent.sleep(delay)`` cho việc đó, để trong lúc ấy các client khác vẫn được phục vụ.

1. TODO 1: ``answer(line, delay)``: ngủ ``delay`` giây theo kiểu hợp tác, rồi trả về câu
   trả lời cho một dòng yêu cầu (không kèm ký tự xuống dòng).
2. TODO 2: ``handle(sock, address, delay)``: đọc từng dòng từ client (``sock.makefile("rwb")``
   cho một file có ``readline()``), gọi ``answer`` cho mỗi dòng (trình chấm đo thời gian từng
   lần gọi) rồi ghi câu trả lời kèm ``"\\n"``; dừng khi client đóng kết nối (``readline()``
   trả về ``b""``).
3. TODO 3: ``make_server(host, port, delay)``: trả về một ``StreamServer((host, port), ...)``
   có hàm xử lý gọi ``handle`` với delay đó (``functools.partial``). Trả về mà không khởi
   động: ai dùng nó sẽ gọi ``start()``/``stop()``.

Trình chấm khởi động máy chủ của bạn, đặt một proxy gây trễ phía trước và cho nhiều client kết
nối cùng lúc, mỗi client gửi vài yêu cầu ngẫu nhiên.

Nguồn: không có ví dụ nào trong tài liệu gốc; đây là phía bên kia của ví dụ E3 và E4
(gevent phục vụ nhiều client thay vì gọi tới máy chủ).

Chạy thử: ``make run EX=11`` (bản demo: khởi động máy chủ, mười client nói chuyện với nó cùng
lúc). Chấm bài: ``make check EX=11``.
"""

import functools
import time

import gevent
from gevent import socket
from gevent.server import StreamServer

from lab.i18n import t
from lab.net import free_port


def answer(line: str, delay: float) -> str:
    """The answer to one request line, after ``delay`` seconds of cooperative work.

    Câu trả lời cho một dòng yêu cầu, sau ``delay`` giây làm việc (kiểu hợp tác).
    """
    # TODO 1
    raise NotImplementedError("TODO 1: answer one request")


def handle(sock: socket.socket, address: tuple, delay: float) -> None:
    """Serve one client: answer each line it sends until it closes the connection.

    Phục vụ một client: trả lời từng dòng nó gửi cho tới khi nó đóng kết nối.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: the per-connection handler")


def make_server(host: str, port: int, delay: float) -> StreamServer:
    """A StreamServer on ``(host, port)`` running ``handle`` per connection (not started).

    Một StreamServer trên ``(host, port)`` chạy ``handle`` cho mỗi kết nối (chưa khởi động).
    """
    # TODO 3
    raise NotImplementedError("TODO 3: build the StreamServer")


def ask(address: tuple[str, int], lines: list[str]) -> list[str]:
    """A client (given): send each line, read its answer, return the answers."""
    with socket.create_connection(address, timeout=10) as conn:
        f = conn.makefile("rwb")
        answers = []
        for line in lines:
            f.write(line.encode() + b"\n")
            f.flush()
            answers.append(f.readline().decode().rstrip("\n"))
        return answers


def main() -> None:
    address = ("127.0.0.1", free_port())
    delay = 0.5
    server = make_server(*address, delay)
    server.start()
    print(t("demo.ex11.listening", host=address[0], port=address[1], delay=delay))
    requests = [[f"UPPER xin chào {i}", f"SUM {i} {i * 2} 3"] for i in range(10)]
    start = time.perf_counter()
    clients = [gevent.spawn(ask, address, lines) for lines in requests]
    gevent.joinall(clients, raise_error=True)
    elapsed = time.perf_counter() - start
    server.stop()
    for lines, client in zip(requests, clients):
        print(" | ".join(f"{q} → {a}" for q, a in zip(lines, client.value)))
    each = len(requests[0])
    sequential = len(clients) * each * delay
    print(
        t(
            "demo.ex11.summary",
            clients=len(clients),
            each=each,
            elapsed=elapsed,
            sequential=sequential,
        )
    )


if __name__ == "__main__":
    main()
