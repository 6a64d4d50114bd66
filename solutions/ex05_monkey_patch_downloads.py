"""Reference solution of exercise 05 (instructions: exercises/ex05_monkey_patch_downloads.py).

Lời giải mẫu của bài 05.
"""

# First statement, before any other import: modules imported earlier (urllib, socket, ...)
# would keep references to the blocking originals.
from gevent import monkey

monkey.patch_all()

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
    jobs = {name: gevent.spawn(download_file, name, url) for name, url in files.items()}
    # raise_error: a failed download should fail loudly, not come back as None.
    gevent.joinall(jobs.values(), raise_error=True)
    return {name: job.value for name, job in jobs.items()}


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
