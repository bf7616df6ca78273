"""HostGuardMiddleware: the crawler never fetches an internal address.

Every request's host must be a public name (no IP literals, loopback, private or reserved names; see
`crawler.registry.netguard`) that resolves only to public addresses, except the host of the `--base-url` override
the spider was started with (tests, mirrors, the demo; host and port), which the operator named explicitly on the
command line. The DNS answer comes from `crawler.crawling.safedns` (one lookup per host, shared with the resolver
that makes the connection), so a refused request fails with its reason (`IgnoreRequest: host refused: ...`) on the
target's status line instead of a bare DNS error. A lookup that fails (no such name, DNS down) is left to the
download, which reports it as a DNSLookupError and retries it.

Browser requests (scrapy-playwright): the navigation request passes here like any other (name and DNS answer).
Chromium then loads the page's own sub-requests and redirects, and the screenshot and re-check pages, without
Scrapy: `crawler.browser.blocking` aborts those when their host is refused by name (IP literals, internal names);
a public name that Chromium resolves to an internal address is caught only for the navigation.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.crawling.safedns import HostAnswers, installed_resolver
from crawler.registry.netguard import host_problem

logger = logging.getLogger(__name__)


class HostGuardMiddleware:
    def __init__(self, *, check_dns: bool = True, answers: HostAnswers | None = None) -> None:
        self.crawler: Crawler | None = None
        self.check_dns = check_dns
        self._answers = answers  # None: the installed PublicOnlyResolver's, else a cache of our own
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        if not crawler.settings.getbool("HOSTGUARD_ENABLED", True):
            raise NotConfigured
        middleware = cls(check_dns=crawler.settings.getbool("HOSTGUARD_CHECK_DNS", True))
        middleware.crawler = crawler
        return middleware

    def _allowed_override(self) -> str | None:
        spider: Any = self.crawler.spider if self.crawler else None
        base = getattr(spider, "base_url", None)
        return urlsplit(base).netloc.lower() if base else None

    def answers(self) -> HostAnswers:
        if self._answers is None:
            resolver = installed_resolver()
            self._answers = resolver.answers if resolver is not None else HostAnswers()
        return self._answers

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if host and parts.netloc.lower() == self._allowed_override():
            resolver = installed_resolver()
            if resolver is not None:
                resolver.exempt(host)
            return None
        if host not in self._verdicts:
            self._verdicts[host] = host_problem(host) if host else "no host"
        problem = self._verdicts[host]
        if problem is None and self.check_dns:
            problem = await self._dns_problem(host)
        if problem:
            logger.error("refused to fetch %s: %s", request.url[:200], problem)
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("pantau/hostguard/refused")
            raise IgnoreRequest(f"host refused: {problem}")
        return None

    async def _dns_problem(self, host: str) -> str | None:
        answers = self.answers()
        answer = answers.cached(host)
        if answer is None:
            try:
                answer = await maybe_deferred_to_future(answers.answer(host))
            except (OSError, UnicodeError) as exc:  # the download reports it (DNSLookupError) and retries
                logger.debug("DNS lookup of %s failed: %s", host, exc)
                return None
        return answer.problem
