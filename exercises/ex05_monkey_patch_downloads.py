"""Exercise 05: monkey patching turns a blocking download script into a concurrent one.

English
-------
``download_file`` below is ordinary blocking code: it downloads a URL with the standard
library's ``urllib.request``, which knows nothing about gevent. Spawning it in greenlets is
not enough: a blocking socket call stops the whole process, so the greenlets still run one
after another. gevent's ``monkey.patch_all()`` replaces ``socket``, ``ssl``, ``time.sleep``
... with cooperative versions, so every wait on the network lets another greenlet run.

The source's example E2 faked the downloads with ``time.sleep(1.5)``; here they are real:
bytes from the lab's httpbin, through a proxy that adds latency and limits bandwidth.

1. TODO 1: patch the standard library. It must be the very first statement of this module,
   before any other import (``urllib``, ``socket``...): code imported before the patch keeps
   the blocking originals.
2. TODO 2: write ``download_all(files)``: one greenlet per file running ``download_file``,
   wait for all of them, return ``{name: bytes}``. Call ``download_file`` for every file
   (the grader times each call).

Run it: ``make run EX=05``. Grade it: ``make check EX=05`` (the grader checks the size and
SHA-256 of every download against httpbin itself, and that they overlap in time).

Tiếng Việt
----------
``download_file`` bên dưới là mã chặn (blocking) bình thường: nó tải một URL bằng
``urllib.request`` của thư viện chuẩn, vốn không biết gì về gevent. Chỉ chạy nó trong các
greenlet là chưa đủ: một lời gọi socket chặn sẽ dừng cả tiến trình, nên các greenlet vẫn chạy
lần lượt từng cái một. ``monkey.patch_all()`` của gevent thay ``socket``, ``ssl``,
``time.sleep``... bằng phiên bản hợp tác, để mỗi lần chờ mạng thì greenlet khác được chạy.

Ví dụ E2 trong tài liệu gốc giả lập việc tải bằng ``time.sleep(1.5)``; ở đây tải thật: dữ liệu
từ httpbin của lab, đi qua một proxy có thêm độ trễ và giới hạn băng thông.

1. TODO 1: monkey patch thư viện chuẩn. Đó phải là câu lệnh đầu tiên của module này, trước
   mọi lệnh import khác (``urllib``, ``socket``...): mã được import trước khi monkey patch sẽ
   giữ nguyên bản gốc kiểu chặn.
2. TODO 2: viết ``download_all(files)``: mỗi tệp một greenlet chạy ``download_file``, chờ tất
   cả xong, trả về ``{tên: bytes}``. Hãy gọi ``download_file`` cho từng tệp (trình chấm đo
   thời gian từng lần gọi).

Chạy thử: ``make run EX=05``. Chấm bài: ``make check EX=05`` (trình chấm so kích thước và
SHA-256 của từng tệp với chính httpbin, và kiểm tra các lượt tải có chạy chồng lên nhau).
"""

# TODO 1: patch the standard library here, before every other import (example E2).
# TODO 1: monkey patch thư viện chuẩn ở đây, trước mọi lệnh import khác (ví dụ E2).

import hashlib
import time
import urllib.request

import gevent

from lab.endpoints import httpbin_url
from lab.i18n import t


def download_file(name: str, url: str) -> bytes:
    """Download ``url`` with the (blocking) standard library and return its bytes.

    Tải ``url`` bằng thư viện chuẩn (kiểu chặn) và trả về nội dung.
    """
    print(f"Đang tải {name}...")
    with urllib.request.urlopen(url, timeout=30) as response:
        data = response.read()
    print(f"Xong {name}")
    return data


def download_all(files: dict[str, str]) -> dict[str, bytes]:
    """Download every ``{name: url}`` at the same time; return ``{name: bytes}``.

    Tải đồng thời mọi ``{tên: url}``; trả về ``{tên: bytes}``.
    """
    # TODO 2
    raise NotImplementedError("TODO 2: download the files concurrently")


def main() -> None:
    base = httpbin_url()
    files = {
        "report.pdf": f"{base}/bytes/40000?seed=1",
        "config.json": f"{base}/bytes/20000?seed=2",
        "log.tar.gz": f"{base}/bytes/60000?seed=3",
    }
    start = time.perf_counter()
    results = download_all(files)
    elapsed = time.perf_counter() - start
    for name, data in results.items():
        print(
            t(
                "demo.ex05.file",
                name=name,
                size=len(data),
                sha=hashlib.sha256(data).hexdigest()[:16],
            )
        )
    print(t("demo.time", elapsed=elapsed))


if __name__ == "__main__":
    main()
