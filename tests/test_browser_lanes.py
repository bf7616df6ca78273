"""Browser lanes without a browser: PageLanes hands a finished target's page to the next waiting target, closes it
when none waits or when it is unusable, reports a target that cannot be built, and restarts lanes; the
scrapy-playwright helpers (shared handler, headers without a round trip, DEBUG hooks off) behave."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pytest
from scrapy.http import Headers, Request
from scrapy.settings import Settings

from crawler.browser.handler import BrowserDownloadHandler, quiet_debug_hooks, request_headers
from crawler.browser.lanes import PageLanes


@dataclass
class FakePage:
    closed: bool = False
    closes: int = 0

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closes += 1
        self.closed = True


@dataclass
class Lanes:
    bad: list[tuple[str, str]] = field(default_factory=list)

    def start_target(self, run: str) -> Iterable[Request]:
        if run.startswith("rusak"):
            raise ValueError(f"target {run} tidak valid")
        yield Request(f"http://127.0.0.1/{run}", meta={"playwright": True, "pantau_target": run})

    def lanes(self, count: int, runs: list[str]) -> PageLanes:
        lanes = PageLanes(count, self.start_target, lambda run, reason: self.bad.append((run, reason)))
        lanes.queue(runs)
        return lanes


def targets(requests: list[Request]) -> list[str]:
    return [r.meta["pantau_target"] for r in requests]


def test_lanes_start_with_new_pages_then_reuse_them() -> None:
    helper = Lanes()
    lanes = helper.lanes(2, ["a", "b", "c", "d", "e"])
    first = lanes.first_requests()
    assert targets(first) == ["a", "b"] and all("playwright_page" not in r.meta for r in first)
    page = FakePage()
    following = asyncio.run(lanes.hand_over(page, reusable=True))
    assert targets(following) == ["c"] and following[0].meta["playwright_page"] is page
    assert page.closes == 0 and lanes.reused == 1
    # a page whose visit failed is closed; its lane goes on in a new page
    broken = FakePage()
    following = asyncio.run(lanes.hand_over(broken, reusable=False))
    assert targets(following) == ["d"] and "playwright_page" not in following[0].meta and broken.closes == 1
    # a page closed under us (crash) is not handed on either
    crashed = FakePage(closed=True)
    following = asyncio.run(lanes.hand_over(crashed, reusable=True))
    assert targets(following) == ["e"] and "playwright_page" not in following[0].meta and crashed.closes == 0
    # nothing waits any more: the page is closed, no request follows
    last = FakePage()
    assert asyncio.run(lanes.hand_over(last, reusable=True)) == [] and last.closes == 1
    assert helper.bad == [] and lanes.restart() == []


def test_lanes_skip_and_report_a_target_that_cannot_be_built() -> None:
    helper = Lanes()
    lanes = helper.lanes(1, ["rusak-1", "a", "rusak-2", "b"])
    assert targets(lanes.first_requests()) == ["a"]
    assert helper.bad == [("rusak-1", "target rusak-1 tidak valid")]
    page = FakePage()
    following = asyncio.run(lanes.hand_over(page, reusable=True))
    assert targets(following) == ["b"] and following[0].meta["playwright_page"] is page
    assert [run for run, _ in helper.bad] == ["rusak-1", "rusak-2"]


def test_lanes_restart_while_targets_wait() -> None:
    helper = Lanes()
    lanes = helper.lanes(2, ["a", "b", "c", "d", "e"])
    lanes.first_requests()  # both lanes' requests are lost on the way: nothing hands over
    restarted = lanes.restart()
    assert targets(restarted) == ["c", "d"] and all("playwright_page" not in r.meta for r in restarted)
    assert targets(lanes.restart()) == ["e"] and lanes.restart() == []


def test_lanes_count_is_at_least_one() -> None:
    lanes = Lanes().lanes(0, ["a", "b"])
    assert targets(lanes.first_requests()) == ["a"]


@dataclass
class FakePlaywrightRequest:
    headers: dict[str, str]
    navigation: bool

    def is_navigation_request(self) -> bool:
        return self.navigation

    async def all_headers(self) -> dict[str, str]:  # the round trip request_headers must not make
        raise AssertionError("all_headers() asked the browser")


def test_request_headers_without_asking_the_browser() -> None:
    scrapy = {"headers": Headers({"User-Agent": "PantauNetralitas/0.1", "Accept-Language": "id"})}
    page_headers = {"user-agent": "HeadlessChrome/156", "cookie": "auth_token=x", "referer": "http://127.0.0.1/a",
                    "x-csrf-token": "t"}
    sub = asyncio.run(request_headers(browser_type_name="chromium", scrapy_request_data=scrapy,
                                      playwright_request=FakePlaywrightRequest(dict(page_headers), False)))
    assert sub == {**page_headers, "user-agent": "PantauNetralitas/0.1"}  # cookies and the page's own kept
    nav = asyncio.run(request_headers(browser_type_name="chromium", scrapy_request_data=scrapy,
                                      playwright_request=FakePlaywrightRequest(dict(page_headers), True)))
    assert nav == {"User-Agent": "PantauNetralitas/0.1", "Accept-Language": "id", "referer": "http://127.0.0.1/a"}


@pytest.fixture()
def playwright_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("scrapy-playwright")
    level = logger.level
    yield logger
    logger.setLevel(level)


@pytest.mark.parametrize("log_level,expected", [("INFO", logging.INFO), ("WARNING", logging.INFO),
                                                ("DEBUG", logging.NOTSET)])
def test_debug_hooks_off_below_debug(playwright_logger: logging.Logger, log_level: str, expected: int) -> None:
    playwright_logger.setLevel(logging.WARNING if expected == logging.NOTSET else logging.NOTSET)
    quiet_debug_hooks(Settings({"LOG_LEVEL": log_level}))
    assert playwright_logger.level == expected


def test_one_handler_for_both_schemes_closed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    closed: list[object] = []

    def fake_init(self: BrowserDownloadHandler, crawler: object) -> None:
        built.append(self)

    async def fake_close(self: BrowserDownloadHandler) -> None:
        closed.append(self)

    base = BrowserDownloadHandler.__mro__[1]
    monkeypatch.setattr(base, "__init__", fake_init)
    monkeypatch.setattr(base, "close", fake_close)

    class Crawler:
        pass

    crawler, other = Crawler(), Crawler()
    http, https = BrowserDownloadHandler.from_crawler(crawler), BrowserDownloadHandler.from_crawler(crawler)
    assert http is https and len(built) == 1
    assert BrowserDownloadHandler.from_crawler(other) is not http  # one per crawler, not per process
    asyncio.run(http.close())
    asyncio.run(https.close())
    assert closed == [http]
