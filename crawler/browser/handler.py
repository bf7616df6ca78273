"""How the browser spiders use scrapy-playwright without paying for what a data read does not need.

- `BrowserDownloadHandler`: Scrapy builds its HTTP download handlers eagerly, one per scheme, so with
  `DOWNLOAD_HANDLERS` set for `http` and `https` stock scrapy-playwright starts two Playwright drivers (two Node.js
  processes) although a crawl drives one browser. This subclass hands the same instance to both schemes: one driver,
  one browser, one context per platform for `http` and `https` pages alike, closed once.
- `request_headers` (PLAYWRIGHT_PROCESS_REQUEST_HEADERS): scrapy-playwright intercepts every request a page makes
  and its default asks the browser for each request's full headers first (one more round trip through the driver
  per request, the page's request waiting on it). The intercepted request already carries its headers (cookies
  included), so the same result — Scrapy's headers on the navigation, Scrapy's User-Agent on everything — is built
  without asking.
- `quiet_debug_hooks()`: with the `scrapy-playwright` logger open to DEBUG (Scrapy opens the root logger to every
  level), every page gets request/response loggers that fetch a header of each request and response from the
  browser only to write a DEBUG line that is then dropped; below DEBUG crawls the logger is set to INFO.
"""
from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

logger = logging.getLogger(__name__)

_ATTRIBUTE = "_pantau_browser_handler"


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    _closed: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        shared = getattr(crawler, _ATTRIBUTE, None)
        if shared is None:
            shared = super().from_crawler(crawler)
            setattr(crawler, _ATTRIBUTE, shared)
        return shared

    async def close(self) -> None:  # type: ignore[override]
        """Close the browser and the driver once, whichever scheme's turn comes first."""
        if self._closed:
            return
        self._closed = True
        await super().close()


async def request_headers(*, browser_type_name: str, playwright_request: Any,
                          scrapy_request_data: dict[str, Any]) -> dict[str, str]:
    """Scrapy's headers for the navigation request, the page's own (with Scrapy's User-Agent) for the others."""
    scrapy_headers: dict[str, str] = scrapy_request_data["headers"].to_unicode_dict()
    page_headers: dict[str, str] = dict(playwright_request.headers)
    if playwright_request.is_navigation_request():
        scrapy_headers.setdefault("user-agent", page_headers.get("user-agent", ""))
        if page_headers.get("referer"):
            scrapy_headers.setdefault("referer", page_headers["referer"])
        return scrapy_headers
    if scrapy_headers.get("user-agent"):
        page_headers["user-agent"] = scrapy_headers["user-agent"]
    return page_headers


def quiet_debug_hooks(settings: BaseSettings) -> None:
    """Keep scrapy-playwright's per-request DEBUG hooks off unless the crawl logs at DEBUG."""
    level = logging.getLevelName(str(settings.get("LOG_LEVEL") or "DEBUG").upper())
    debug = isinstance(level, int) and level <= logging.DEBUG
    logging.getLogger("scrapy-playwright").setLevel(logging.NOTSET if debug else logging.INFO)
