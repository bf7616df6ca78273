"""Collect the JSON a page's own JavaScript fetches (GraphQL, item lists) from Playwright network events.

`NetworkCapture(patterns).attach(page)` listens to `response` events; every response whose URL matches one of the
patterns has its body read and parsed as JSON. Spiders then `await capture.wait_for(n)` after a scroll and read
`capture.take()` (new captures since the last take). Bodies are kept verbatim for the evidence store.
`request`/`requestfailed` events are counted too: `in_flight` says whether the page has asked for a matching
response that has not come yet (a slow answer is then waited for, not taken for the end of the feed).
`detach()` stops listening (a page reused for the next target gets a capture of its own).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass
class Captured:
    url: str
    status: int
    body: bytes
    data: Any  # parsed JSON (None when the body is not JSON)
    name: str = ""  # which pattern matched (e.g. "UserTweets"); "html" for a snapshot of the page itself
    content_type: str = "application/json"
    stored: Any = None  # the body's StoredEvidence once kept (every post from this response shares it)


@dataclass
class NetworkCapture:
    patterns: dict[str, re.Pattern[str]]
    items: list[Captured] = field(default_factory=list)
    _taken: int = 0
    _pending: set[asyncio.Task[Any]] = field(default_factory=set)
    _event: asyncio.Event | None = None
    requested: int = 0  # matching requests the page sent
    answered: int = 0  # ... that got a response or failed
    _page: Any = None

    @classmethod
    def of(cls, **patterns: str) -> NetworkCapture:
        return cls({name: re.compile(rx) for name, rx in patterns.items()})

    def attach(self, page: Any) -> NetworkCapture:
        self._event = asyncio.Event()
        self._page = page
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        return self

    def detach(self) -> None:
        """Stop listening to the page (idempotent); bodies still being read are dropped."""
        page, self._page = self._page, None
        if page is None:
            return
        page.remove_listener("request", self._on_request)
        page.remove_listener("requestfailed", self._on_request_failed)
        page.remove_listener("response", self._on_response)
        for task in list(self._pending):
            task.cancel()

    @property
    def untaken(self) -> int:
        """Captures read and not taken yet."""
        return len(self.items) - self._taken

    @property
    def in_flight(self) -> int:
        """Matching requests sent and not answered yet."""
        return max(0, self.requested - self.answered)

    def _on_request(self, request: Any) -> None:
        if self.match(request.url) is not None:
            self.requested += 1

    def _on_request_failed(self, request: Any) -> None:
        if self.match(request.url) is not None:
            self.answered += 1
            if self._event is not None:
                self._event.set()

    def match(self, url: str) -> str | None:
        for name, pattern in self.patterns.items():
            if pattern.search(url):
                return name
        return None

    def _on_response(self, response: Any) -> None:
        name = self.match(response.url)
        if name is None:
            return
        self.answered += 1
        task = asyncio.ensure_future(self._read(response, name))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _read(self, response: Any, name: str) -> None:
        try:
            body = await response.body()
        except Exception as exc:  # the page navigated or closed before the body arrived
            logger.debug("capture: body of %s unavailable: %s", response.url, exc)
            return
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        self.items.append(Captured(response.url, response.status, body, data, name))
        if self._event is not None:
            self._event.set()

    async def settle(self) -> None:
        """Wait until every body being read has been read."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def wait_for(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until at least `count` captures are untaken (True) or `timeout` seconds pass (False)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.items) - self._taken < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                await self.settle()
                return len(self.items) - self._taken >= count
            assert self._event is not None
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), timeout=remaining)
            except asyncio.TimeoutError:
                pass
        await self.settle()
        return True

    def take(self) -> list[Captured]:
        new = self.items[self._taken:]
        self._taken = len(self.items)
        return new
