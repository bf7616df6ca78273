"""HostGuardMiddleware: the crawler never fetches an internal address.

Every request's host must be a public name (no IP literals, loopback, private or reserved names; see
`crawler.registry.netguard`), except the host of the `--base-url` override the spider was started with (tests,
mirrors, the demo; host and port), which the operator named explicitly on the command line.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.registry.netguard import host_problem

logger = logging.getLogger(__name__)


class HostGuardMiddleware:
    def __init__(self) -> None:
        self.crawler: Crawler | None = None
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        if not crawler.settings.getbool("HOSTGUARD_ENABLED", True):
            raise NotConfigured
        middleware = cls()
        middleware.crawler = crawler
        return middleware

    def _allowed_override(self) -> str | None:
        spider: Any = self.crawler.spider if self.crawler else None
        base = getattr(spider, "base_url", None)
        return urlsplit(base).netloc.lower() if base else None

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if host and parts.netloc.lower() == self._allowed_override():
            return None
        if host not in self._verdicts:
            self._verdicts[host] = host_problem(host) if host else "no host"
        problem = self._verdicts[host]
        if problem:
            logger.error("refused to fetch %s: %s", request.url[:200], problem)
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("pantau/hostguard/refused")
            raise IgnoreRequest(f"host refused: {problem}")
        return None
