"""ScrollingMixin: how a browser spider scrolls a feed for its next page and waits for it (BrowserSpider uses it).

A scroll goes to the bottom and fires a `scroll` event (lazy loaders listen to it). After a scroll the spider waits
for what the data says exists: the page's next JSON answer (`_scroll_for_more`) or, for markup feeds, more post
elements (`_scroll_for_dom`); while the page's request for it is on its way it is waited for (up to the navigation
timeout), not taken for the end of the feed. No fixed sleeps: every wait ends as soon as the awaited thing arrives.
Both share one scroll-and-wait loop (`_scroll_until`), given what to wait for; a scroll that had to be repeated is
counted (`pantau/browser/scrolls_repeated`).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from crawler.browser.capture import NetworkCapture

logger = logging.getLogger(__name__)


class ScrollingMixin:
    config: Any
    crawler: Any
    dom_item_selector: str

    async def scroll(self, page: Any) -> None:
        # to the bottom, and a scroll event even when the page is too short to move (lazy loaders listen to it)
        await page.evaluate("window.scrollTo(0, document.body.scrollHeight);"
                            "window.dispatchEvent(new Event('scroll'))")

    def _more_budget(self) -> tuple[float, float, int]:
        """(pause between scrolls, wall-clock budget, minimum scrolls) for a page the feed says exists."""
        assert self.config is not None
        pause = max(0.1, self.config.scroll_pause_ms / 1000)
        budget = max(2.0, self.config.navigation_timeout_ms / 1000)
        return pause, budget, max(1, int(budget / pause))

    async def _await_in_flight(self, capture: NetworkCapture, arrived: Any) -> bool:
        """While the page's request for the next page is on its way, wait for it (up to the navigation timeout)
        instead of guessing the feed ended; `arrived()` says whether it has shown up."""
        assert self.config is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.navigation_timeout_ms / 1000
        while capture.in_flight and loop.time() < deadline:
            await capture.wait_for(1, timeout=min(0.5, max(0.05, deadline - loop.time())))
            if await arrived():
                return True
        return await arrived()

    async def _scroll_until(self, page: Any, capture: NetworkCapture, wait: Callable[[float], Awaitable[bool]],
                            arrived: Callable[[], Awaitable[bool]]) -> bool:
        """Scroll, then `wait(pause)` for what the scroll should bring; scroll again while it has not come (the
        page may have been busy with the previous batch when the first scroll came), and while the page's request
        for it is on its way wait for that answer (`arrived()` says whether it has shown up). False when nothing
        came within the scroll budget (at least `tries` scrolls and the budget's wall-clock time)."""
        pause, budget, tries = self._more_budget()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        attempt = 0
        while attempt < tries or loop.time() < deadline:
            attempt += 1
            if attempt > 1:
                self.crawler.stats.inc_value("pantau/browser/scrolls_repeated")
            await self.scroll(page)
            if await wait(pause):
                return True
            if capture.in_flight and await self._await_in_flight(capture, arrived):
                return True
        return False

    async def _scroll_for_dom(self, page: Any, capture: NetworkCapture, timeout: float) -> bool:
        """Scroll until more `dom_item_selector` elements are shown; while the page's request for them is pending,
        wait for it. False when none came within the scroll budget."""
        capture.take()  # the JSON behind the DOM is not read here: only new answers count below
        shown = await page.locator(self.dom_item_selector).count()
        script = "([s, n]) => document.querySelectorAll(s).length > n"
        args = [self.dom_item_selector, shown]

        async def shown_more(pause: float) -> bool:
            try:
                await page.wait_for_function(script, arg=args, timeout=pause * 1000)
                return True
            except Exception:  # playwright's TimeoutError: not yet
                return False

        async def grew() -> bool:
            return bool(await page.evaluate(script, args))

        return await self._scroll_until(page, capture, shown_more, grew)

    async def _scroll_for_more(self, page: Any, capture: NetworkCapture, timeout: float) -> bool:
        """Scroll until the page fetches its next page (its JSON answer is captured)."""

        async def answered(pause: float) -> bool:
            return await capture.wait_for(1, timeout=pause)

        async def came() -> bool:
            return capture.untaken > 0

        return await self._scroll_until(page, capture, answered, came)
