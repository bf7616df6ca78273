"""Browser pages never reach internal hosts: the page's own requests (not only the first navigation, which passes
Scrapy's HostGuardMiddleware) to IP literals and internal names are aborted, the `--base-url` host:port keeps
working. The real-Chromium test sends every non-loopback request to a recording proxy on 127.0.0.1, so nothing
leaves the machine even if the guard failed: the proxy's log shows what would have gone out."""
from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crawler.browser import blocking
from crawler.browser.blocking import abort_request, configure_hosts, guard, host_refusal
from crawler.browser.config import BrowserConfig
from crawler.browser.screenshot import permalink_screenshot
from crawler.config import load_settings
from crawler.crawling.evidence import EvidenceStore

INTERNAL = ["http://10.255.255.1/", "http://169.254.169.254/latest/meta-data/", "http://metadata.internal/x",
            "http://2130706433/", "http://[::1]:9200/", "https://localhost/"]
PUBLIC_CONTROL = "http://kontrol-publik.example.id/ok"  # a public name: not refused, so it reaches the proxy


@pytest.fixture(autouse=True)
def _guard_state() -> Iterator[None]:
    exempt, enabled = set(blocking._EXEMPT), dict(blocking._GUARD)
    blocking._EXEMPT.clear()
    yield
    blocking._EXEMPT.clear()
    blocking._EXEMPT.update(exempt)
    blocking._GUARD.update(enabled)


def _request(url: str, resource_type: str = "fetch") -> Any:
    return SimpleNamespace(url=url, resource_type=resource_type)


def test_host_refusal_decision() -> None:
    for url in INTERNAL:
        assert host_refusal(url), url
    assert host_refusal("http://127.0.0.1:8123/a") and host_refusal("http://127.0.0.1:8124/a", ["127.0.0.1:8123"])
    assert host_refusal("http://127.0.0.1:8123/a", ["127.0.0.1:8123"]) is None
    assert host_refusal("https://www.facebook.com/x") is None
    assert host_refusal("data:image/png;base64,AAAA") is None and host_refusal("blob:https://x.com/abc") is None


def test_abort_request_hook_refuses_internal_hosts_except_base_url() -> None:
    configure_hosts(enabled=True, base_url="http://127.0.0.1:8123")
    assert abort_request(_request("http://169.254.169.254/latest/meta-data/"))
    assert abort_request(_request("http://127.0.0.1:9250/_search"))  # another port of loopback: refused
    assert not abort_request(_request("http://127.0.0.1:8123/budi_asn"))
    assert not abort_request(_request("https://www.facebook.com/budi", "document"))
    assert abort_request(_request("https://scontent.xx.fbcdn.net/a.jpg", "image"))  # resource blocking stays
    configure_hosts(enabled=False)  # HOSTGUARD_ENABLED = False
    assert not abort_request(_request("http://10.255.255.1/"))


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str]

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_OPTIONS = do_CONNECT = _answer

    def log_message(self, *args: Any) -> None:
        pass


def _page_html() -> bytes:
    urls = json.dumps([*INTERNAL, PUBLIC_CONTROL, "/same-origin"])
    return (f"""<html><body><h1 id="post">Kiriman</h1>
<img src="http://169.254.169.254/img.png"><iframe src="http://10.255.255.1/frame"></iframe>
<script>
Promise.allSettled({urls}.map(u => fetch(u, {{mode: "no-cors"}}).then(r => "ok"))).then(results => {{
  document.body.setAttribute("data-done", JSON.stringify(results.map(r => r.status)));
}});
</script></body></html>""").encode()


class _Site(BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = _page_html() if self.path == "/" else b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8" if self.path == "/" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler], seen: list[str]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (handler,), {"seen": seen}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def _visit(config: BrowserConfig, proxy: str, base: str, evidence: Path) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    statuses: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**config.launch_options(), proxy={"server": proxy, "bypass": "127.0.0.1"})
        try:
            # 1. the crawl's pages: scrapy-playwright's route handler asks abort_request for every request
            context = await browser.new_context()
            page = await context.new_page()

            async def scrapy_playwright_like(route: Any) -> None:
                await (route.abort() if abort_request(route.request) else route.continue_())

            await page.route("**/*", scrapy_playwright_like)
            await page.goto(base + "/", wait_until="load")
            await page.wait_for_selector("body[data-done]")
            statuses["crawl"] = json.loads(await page.get_attribute("body", "data-done") or "[]")
            # 2. a screenshot page (not routed by scrapy-playwright)
            shot, html = await permalink_screenshot(context, base + "/", EvidenceStore(evidence),
                                                    wait_selector="body[data-done]", timeout_ms=15_000)
            statuses["screenshot"] = shot is not None and "data-done" in html
            await context.close()
            # 3. recheck's contexts: the guard on the whole context, base-url exemption passed in
            blocking._EXEMPT.clear()
            context = await browser.new_context()
            await guard(context, exempt=[blocking.netloc_of(base)])
            page = await context.new_page()
            await page.goto(base + "/", wait_until="load")
            await page.wait_for_selector("body[data-done]")
            statuses["recheck"] = json.loads(await page.get_attribute("body", "data-done") or "[]")
            await context.close()
        finally:
            await browser.close()
    return statuses


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_chromium_never_requests_internal_hosts(tmp_path: Path) -> None:
    config = BrowserConfig.from_settings(load_settings())
    proxied: list[str] = []
    site_seen: list[str] = []
    proxy, site = _serve(_Recorder, proxied), _serve(_Site, site_seen)
    try:
        base = f"http://127.0.0.1:{site.server_address[1]}"
        configure_hosts(enabled=True, base_url=base)
        statuses = asyncio.run(_visit(config, f"http://127.0.0.1:{proxy.server_address[1]}", base, tmp_path))
    finally:
        proxy.shutdown()
        site.shutdown()
    internal = ["10.255.255.1", "169.254.169.254", "metadata.internal", "2130706433", "::1", "localhost"]
    assert not [line for line in proxied if any(name in line for name in internal)], proxied
    # the control: a public name is not refused and goes out (to the recording proxy here), three times
    assert sum("kontrol-publik.example.id" in line for line in proxied) == 3, proxied
    expected = ["rejected"] * len(INTERNAL) + ["fulfilled", "fulfilled"]
    assert statuses["crawl"] == expected and statuses["recheck"] == expected, statuses
    assert statuses["screenshot"] is True
    assert site_seen.count("/same-origin") == 3 and site_seen.count("/") == 3, site_seen
