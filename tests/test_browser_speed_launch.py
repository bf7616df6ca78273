"""The crawl browser's launch options (crawler.browser.config.LAUNCH_ARGS), in real Chromium.

- No Google service is called: Chromium loads a page on 127.0.0.1 and stays open for a few seconds (it asks
  accounts.google.com and update.googleapis.com within about a second of starting when nothing stops it). Its own
  network log (--log-net-log, written by its network service for every request the browser makes, its own
  included) must show no name lookup of, and no connection to, anything but loopback.
- A page taller than the viewport still gives a full-page screenshot (the evidence of flagged posts is taken in
  the crawl browser): compositor flags that save CPU per page, such as --disable-threaded-compositing, make this
  capture fail or hang in Chromium 156, so they must not slip into the launch options."""
from __future__ import annotations

import asyncio
import ipaddress
import json
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.browser.config import BrowserConfig
from crawler.config import load_settings

LOOKUPS = {"HOST_RESOLVER_MANAGER_REQUEST", "HOST_RESOLVER_MANAGER_JOB", "HOST_RESOLVER_DNS_TASK"}
CONNECTS = {"TCP_CONNECT_ATTEMPT", "TCP_CONNECT_JOB_CONNECTOR_CONNECT_START"}
STAY_OPEN_S = 4.0  # how long the browser idles after the page loaded (startup calls come within ~1-2 s)


PAGE = (b'<!DOCTYPE html><html><head><title>halo</title></head><body style="margin:0">'
        b'<div style="width:300px;height:1500px;background:#1e73be">halo</div></body></html>')


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _is_local(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in ("localhost", "~notfound"):  # ~NOTFOUND: a name our resolver rules answer without any lookup
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_of(value: Any) -> str:
    text = str(value.get("host", "")) if isinstance(value, dict) else str(value)
    if "://" in text:
        return urlsplit(text).hostname or ""
    return text.rsplit(":", 1)[0] if text.count(":") == 1 or text.startswith("[") else text


def non_local_traffic(net_log: Path) -> list[tuple[str, str]]:
    """(event, host) of every name lookup and connection attempt the log shows for a non-loopback host."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    found = []
    for event in log["events"]:
        name, params = names.get(event.get("type"), ""), event.get("params") or {}
        if name in LOOKUPS and "host" in params:
            host = _host_of(params["host"])
        elif name in CONNECTS and "address" in params:
            host = _host_of(params["address"])
        else:
            continue
        if not _is_local(host):
            found.append((name, host))
    return sorted(set(found))


async def _browse(config: BrowserConfig, url: str, net_log: Path) -> bool:
    from playwright.async_api import async_playwright

    options = config.launch_options()
    options["args"] = [*options["args"], f"--log-net-log={net_log}"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**options)
        try:
            page = await browser.new_page()
            response = await page.goto(url, wait_until="load")
            await asyncio.sleep(STAY_OPEN_S)
            return response is not None and response.ok
        finally:
            await browser.close()


def test_chromium_calls_no_google_service(local_page: str, tmp_path: Path) -> None:
    config = BrowserConfig.from_settings(load_settings())
    net_log = tmp_path / "netlog.json"
    assert asyncio.run(_browse(config, local_page, net_log))
    traffic = non_local_traffic(net_log)
    assert traffic == [], traffic
    # the log is the right one: the page's own lookup and connection are in it
    log = net_log.read_text(encoding="utf-8")
    assert local_page.rstrip("/") in log and "TCP_CONNECT" in log


async def _screenshot(config: BrowserConfig, url: str) -> bytes:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**config.launch_options())
        try:
            page = await browser.new_page(viewport={"width": 640, "height": 480})
            await page.goto(url, wait_until="load")
            return await page.screenshot(full_page=True, type="png")
        finally:
            await browser.close()


def test_full_page_screenshot_with_launch_options(local_page: str) -> None:
    config = BrowserConfig.from_settings(load_settings())
    png = asyncio.run(_screenshot(config, local_page))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])  # IHDR: the whole page, not the viewport
    assert (width, height) == (640, 1500)
