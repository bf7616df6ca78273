"""PLAYWRIGHT_ABORT_REQUEST hook: block images, fonts and media on crawl pages (screenshot pages are not routed).

scrapy-playwright routes only the pages it opens, so the evidence pages a spider opens itself for screenshots load
every resource. `configure()` is called once by the browser spiders from their BrowserConfig.
"""
from __future__ import annotations

from typing import Any

_BLOCKED: set[str] = {"image", "font", "media"}


def configure(types: frozenset[str] | set[str], enabled: bool = True) -> None:
    _BLOCKED.clear()
    if enabled:
        _BLOCKED.update(types)


def abort_request(request: Any) -> bool:
    return request.resource_type in _BLOCKED
