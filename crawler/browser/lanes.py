"""PageLanes: a few browser pages, each visiting one target after another, instead of one new page per target.

Opening and closing a page costs the browser more than reading a profile in it, so a crawl of hundreds of profiles
keeps `lanes` pages (PLAYWRIGHT_MAX_PAGES_PER_CONTEXT) open in the platform's one context. When a page is done with
its target, the next waiting target's request carries that page (`meta["playwright_page"]`, which scrapy-playwright
navigates again instead of opening a new one). Navigations still go through Scrapy's downloader, so DOWNLOAD_DELAY
and the per-domain concurrency apply to every profile as before.

A page whose visit failed is closed and its lane goes on in a new page; the last target of a lane closes its page.
If a lane ends without handing over (a request dropped on the way), `restart()` — called on `spider_idle` — starts
lanes again while targets are waiting, so no target is stranded.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from scrapy.http import Request

logger = logging.getLogger(__name__)


class PageLanes:
    def __init__(self, lanes: int, start_target: Callable[[Any], Iterable[Request]],
                 on_bad_target: Callable[[Any, str], None]) -> None:
        self.lanes = max(1, lanes)
        self._start_target = start_target
        self._on_bad_target = on_bad_target
        self.waiting: deque[Any] = deque()  # TargetRuns no lane has visited yet
        self.reused = 0  # visits made in a page that an earlier target had used

    def queue(self, runs: Iterable[Any]) -> None:
        self.waiting.extend(runs)

    def first_requests(self) -> list[Request]:
        """One request per lane (each opens its page)."""
        requests: list[Request] = []
        for _ in range(self.lanes):
            requests.extend(self.next_requests(None))
        return requests

    def next_requests(self, page: Any) -> list[Request]:
        """The next waiting target's request(s); the first one visits it in `page` (None: a new page)."""
        while self.waiting:
            run = self.waiting.popleft()
            try:
                requests = list(self._start_target(run))
            except ValueError as exc:
                self._on_bad_target(run, str(exc))
                continue
            if requests:
                if page is not None and requests[0].meta.get("playwright"):
                    requests[0].meta["playwright_page"] = page
                return requests
        return []

    async def hand_over(self, page: Any, reusable: bool) -> list[Request]:
        """A target is done with `page`: it goes on to the next waiting target, else (or when unusable) closes."""
        usable = reusable and not page.is_closed()
        following = self.next_requests(page if usable else None)
        if following and following[0].meta.get("playwright_page") is page:
            self.reused += 1
        elif not page.is_closed():
            await page.close()
        return following

    def restart(self) -> list[Request]:
        """Requests that start lanes again while targets wait (nothing is in flight when this is called)."""
        if not self.waiting:
            return []
        waiting = len(self.waiting)
        requests = self.first_requests()
        if requests:
            logger.warning("browser lanes restarted: %d target(s) were still waiting", waiting)
        return requests
