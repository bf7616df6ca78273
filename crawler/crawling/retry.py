"""BackoffRetryMiddleware: Scrapy's retry (429, 5xx, network errors) with exponential backoff and Retry-After.

Replaces `scrapy.downloadermiddlewares.retry.RetryMiddleware` (same settings) and waits before each retry:
`Retry-After` when the server sends it (capped), else RETRY_BACKOFF_BASE × 2^attempt, at most RETRY_BACKOFF_MAX.
Waiting is asynchronous: other requests go on meanwhile.
"""
from __future__ import annotations

import asyncio
import logging
import random

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def backoff_delay(attempt: int, base: float, maximum: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number `attempt` (0-based)."""
    if retry_after:
        try:
            return max(0.0, min(float(retry_after.strip()), maximum))
        except ValueError:
            pass  # an HTTP date: fall back to the exponential delay
    delay = base * (2 ** attempt)
    return min(maximum, delay * (0.75 + random.random() * 0.5))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def _wait(self, request: Request, retry_after: str | None = None) -> None:
        attempt = request.meta.get("retry_times", 0)
        delay = backoff_delay(attempt, self.backoff_base, self.backoff_max, retry_after)
        if delay > 0:
            logger.debug("waiting %.2fs before retrying %s", delay, request.url)
            await asyncio.sleep(delay)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        header = response.headers.get("Retry-After")
        await self._wait(request, header.decode("latin-1") if header else None)
        self.crawler.stats.inc_value(f"pantau/retries/{response.status}")
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(request)
        return retry
