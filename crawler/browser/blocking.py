"""What a browser page may load: no internal hosts ever, and no images, fonts or media on crawl pages.

`abort_request` is the PLAYWRIGHT_ABORT_REQUEST hook: scrapy-playwright calls it from the route handler it installs
on the pages it opens, for the navigation and for every request the page itself makes (scripts, XHR, frames,
redirects), which never pass Scrapy's HostGuardMiddleware. It aborts (an aborted route sends nothing) any request to
a host `crawler.registry.netguard.host_problem` refuses (IP literals, loopback/private/reserved names), except the
host:port of the crawl's `--base-url` override (`exempt()`), and, on crawl pages, the blocked resource types.

Pages a spider or `pantau recheck` opens itself (screenshots, permalinks) are not routed by scrapy-playwright:
`guard(page_or_context, exempt=...)` installs the same host refusal on them (every resource type still loads, for
the picture). `configure()` is called once by the browser spiders from their BrowserConfig, `configure_hosts()` by a
spider once it knows its base URL (HOSTGUARD_ENABLED = False turns the host refusal off, as for the middleware).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from crawler.registry.netguard import host_problem

logger = logging.getLogger(__name__)

_BLOCKED: set[str] = {"image", "font", "media"}
_EXEMPT: set[str] = set()  # host:port (lower case) of base-url overrides
_GUARD = {"enabled": True}
NETWORK_SCHEMES = ("http", "https", "ws", "wss", "ftp")


def configure(types: frozenset[str] | set[str], enabled: bool = True) -> None:
    _BLOCKED.clear()
    if enabled:
        _BLOCKED.update(types)


def configure_hosts(*, enabled: bool = True, base_url: str | None = None) -> None:
    """Turn the host refusal on or off and exempt the host:port of `base_url` (an operator's explicit choice)."""
    _GUARD["enabled"] = enabled
    if base_url:
        _EXEMPT.add(netloc_of(base_url))


def netloc_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


@lru_cache(maxsize=4096)
def _host_verdict(host: str) -> str | None:
    return host_problem(host)


def host_refusal(url: str, exempt: Iterable[str] = ()) -> str | None:
    """Why a page may not request `url` (Indonesian), or None. Non-network schemes (data:, blob:) have no host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in NETWORK_SCHEMES:
        return None
    netloc = parts.netloc.lower()
    if netloc in exempt:
        return None
    return _host_verdict((parts.hostname or "").lower())


def _refused(request: Any) -> str | None:
    if not _GUARD["enabled"]:
        return None
    problem = host_refusal(request.url, _EXEMPT)
    if problem:
        logger.warning("browser request aborted: %s (%s)", request.url[:200], problem)
    return problem


def abort_request(request: Any) -> bool:
    if _refused(request):
        return True
    return request.resource_type in _BLOCKED


async def guard(target: Any, exempt: Iterable[str] = ()) -> None:
    """Abort requests to internal hosts on a page or browser context that scrapy-playwright does not route."""
    allowed = frozenset(exempt) | frozenset(_EXEMPT)

    async def handle(route: Any) -> None:
        problem = host_refusal(route.request.url, allowed) if _GUARD["enabled"] else None
        if problem:
            logger.warning("browser request aborted: %s (%s)", route.request.url[:200], problem)
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    await target.route("**/*", handle)
