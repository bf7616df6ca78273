"""A real `pantau crawl` (subprocess) of a feed whose public-looking name resolves to 127.0.0.1.

The child process answers DNS from a fixed table (socket.getaddrinfo/gethostbyname patched before the CLI runs), so
no look-up leaves the machine: without the DNS check the crawl would fetch from the loopback server.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.crawl_support import FAST, PROJECT

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Berita Contoh</title>
<item><title>Kabar satu</title><link>https://situs.contoh.id/kabar-1</link>
<pubDate>Mon, 05 Feb 2024 08:00:00 +0700</pubDate><description>Kegiatan dinas hari ini.</description></item>
<item><title>Kabar dua</title><link>https://situs.contoh.id/kabar-2</link>
<pubDate>Tue, 06 Feb 2024 08:00:00 +0700</pubDate><description>Rapat koordinasi.</description></item>
</channel></rss>""".encode()

CHILD = textwrap.dedent("""
    import ipaddress, socket, sys
    TABLE = {"berita.contoh-publik.id": "127.0.0.1", "cermin.contoh-publik.id": "127.0.0.1"}
    real_getaddrinfo = socket.getaddrinfo

    def answer(host):
        name = (host.decode() if isinstance(host, bytes) else str(host)).lower().rstrip(".")
        if name in TABLE:
            return TABLE[name]
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "test DNS: unknown name " + name) from None
        return name.strip("[]")

    socket.getaddrinfo = lambda host, *args, **kwargs: real_getaddrinfo(answer(host), *args, **kwargs)
    socket.gethostbyname = lambda host: real_getaddrinfo(answer(host), 0, socket.AF_INET)[0][4][0]
    from crawler.cli import cli
    cli(args=sys.argv[1:], prog_name="pantau")
""")


class FeedServer:
    def __init__(self) -> None:
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.paths.append(self.path)
                body, status = (FEED, 200) if self.path == "/feed.xml" else (b"not found", 404)
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def feed() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def crawl(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_LOG_LEVEL": "INFO"}
    out = home / "out.jsonl"
    return subprocess.run([sys.executable, "-c", CHILD, "crawl", "--platform", "web", "--no-index", "--output",
                           str(out), *FAST, "--set", "RETRY_TIMES=0", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.timeout(180)
def test_a_feed_behind_a_name_resolving_to_loopback_is_refused(feed: FeedServer, tmp_path: Path) -> None:
    url = f"http://berita.contoh-publik.id:{feed.port}/feed.xml"
    proc = crawl(tmp_path, "--target", url)
    reason = "host 'berita.contoh-publik.id' menunjuk ke alamat non-publik 127.0.0.1"
    assert f"web {url}: error (IgnoreRequest: host refused: {reason})" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 1 and reason in proc.stderr.splitlines()[-1]
    assert feed.paths == []  # nothing reached the loopback server
    assert not (tmp_path / "out.jsonl").exists() or (tmp_path / "out.jsonl").read_text() == ""


@pytest.mark.timeout(180)
def test_an_explicit_base_url_name_resolving_to_loopback_is_fetched(feed: FeedServer, tmp_path: Path) -> None:
    proc = crawl(tmp_path, "--target", "https://situs.contoh.id/feed.xml",
                 "--base-url", f"http://cermin.contoh-publik.id:{feed.port}")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "web https://situs.contoh.id/feed.xml: ok — 2 post baru, 1 halaman" in proc.stdout, proc.stdout
    assert "/feed.xml" in feed.paths
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 2
