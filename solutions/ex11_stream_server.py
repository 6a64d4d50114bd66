"""Reference solution of exercise 11 (instructions: exercises/ex11_stream_server.py).

Lời giải mẫu của bài 11.
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
    gevent.sleep(delay)  # the "work": other clients are served meanwhile
    command, _, argument = line.partition(" ")
    if command == "UPPER":
        return argument.upper()
    if command == "SUM":
        try:
            return str(sum(int(n) for n in argument.split()))
        except ValueError:
            return "ERR SUM takes whole numbers"
    return "ERR unknown command"


def handle(sock: socket.socket, address: tuple, delay: float) -> None:
    """Serve one client: answer each line it sends until it closes the connection.

    Phục vụ một client: trả lời từng dòng nó gửi cho tới khi nó đóng kết nối.
    """
    with sock.makefile("rwb") as f:
        for raw in iter(f.readline, b""):  # b"": the client closed the connection
            reply = answer(raw.decode().rstrip("\r\n"), delay)
            f.write(reply.encode() + b"\n")
            f.flush()


def make_server(host: str, port: int, delay: float) -> StreamServer:
    """A StreamServer on ``(host, port)`` running ``handle`` per connection (not started).

    Một StreamServer trên ``(host, port)`` chạy ``handle`` cho mỗi kết nối (chưa khởi động).
    """
    return StreamServer((host, port), functools.partial(handle, delay=delay))


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
