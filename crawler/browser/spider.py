"""BrowserSpider: the PantauSpider for pages built by JavaScript (X, TikTok, Instagram, Facebook, Threads).

Only these spiders route requests through scrapy-playwright (DOWNLOAD_HANDLERS in `update_settings`, per spider,
one shared `BrowserDownloadHandler`: one Playwright driver); their requests opt in with `meta["playwright"]`. One
browser context per platform (and session) is reused for every page; images/fonts/media are aborted.

Pages are lanes (`PageLanes`): PLAYWRIGHT_MAX_PAGES_PER_CONTEXT pages each visit one target after another, so a
crawl of hundreds of profiles opens a few pages, not one per profile; every page is closed by its lane's last
target or when its visit fails (callback and errback). The JSON a page's own JavaScript fetches is read from the
network (`NetworkCapture`), and the page is scrolled until the last seen post, the depth limit or the end the data
gives. Where a page carries its first posts in its own HTML (`embedded_feed`: Threads' JSON blobs) the first batch
is a snapshot of the page; where no JSON is read at all (`dom_item_selector`: Facebook's markup fallback) every
batch is a snapshot taken after the DOM grew.

Evidence: the JSON a post came from is stored raw; a post the matcher flags (the same `Matcher` the pipeline runs,
on the post's text, at capture time) also gets a full-page PNG of its permalink page, opened in the same context
(else a picture of the post's element on the profile page). Screenshots only for flagged posts keep crawls cheap.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.browser import blocking
from crawler.browser.backoff import PlatformBackoff
from crawler.browser.capture import Captured, NetworkCapture
from crawler.browser.config import BrowserConfig, BrowserConfigError, BrowserNotFoundError
from crawler.browser.detect import PageVerdict, classify, target_status
from crawler.browser.handler import quiet_debug_hooks
from crawler.browser.lanes import PageLanes
from crawler.browser.screenshot import element_screenshot, permalink_screenshot
from crawler.browser.scrolling import ScrollingMixin
from crawler.crawling.base import PantauSpider, TargetRun
from crawler.items import Evidence, Post
from crawler.parsers.common import ParsedPage, ParseError

logger = logging.getLogger(__name__)

HANDLER = "crawler.browser.handler.BrowserDownloadHandler"


class BrowserSpider(ScrollingMixin, PantauSpider):
    #: name → URL regex of the JSON responses to read
    capture_patterns: ClassVar[dict[str, str]] = {}
    #: CSS selector that shows a post on its permalink page (screenshots wait for it)
    permalink_selector: ClassVar[str] = ""
    browser_error: ClassVar[str] = ""
    #: the profile page's own HTML carries the first page of posts (read before any scroll)
    embedded_feed: ClassVar[bool] = False
    #: markup fallback: posts are read from the DOM; a scroll waits for more of these elements
    dom_item_selector: ClassVar[str] = ""

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        settings.set("DOWNLOAD_HANDLERS", {"http": HANDLER, "https": HANDLER}, priority="spider")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", "crawler.browser.blocking.abort_request", priority="spider")
        settings.set("PLAYWRIGHT_PROCESS_REQUEST_HEADERS", "crawler.browser.handler.request_headers",
                     priority="spider")
        try:
            config = BrowserConfig.from_settings(settings)
        except (BrowserNotFoundError, BrowserConfigError) as exc:
            cls.browser_error = str(exc)
            return
        cls.browser_error = ""
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", config.launch_options(), priority="spider")
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", config.max_contexts, priority="spider")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", config.max_pages_per_context, priority="spider")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", config.navigation_timeout_ms, priority="spider")
        blocking.configure(config.blocked_types, config.block_resources)

    def _setup(self, crawler: Any) -> None:
        super()._setup(crawler)
        self.config: BrowserConfig | None = None
        if not self.browser_error:
            self.config = BrowserConfig.from_settings(crawler.settings)
        quiet_debug_hooks(crawler.settings)
        blocking.configure_hosts(enabled=crawler.settings.getbool("HOSTGUARD_ENABLED", True), base_url=self.base_url)
        self.backoff = PlatformBackoff(Path(crawler.settings.get("PANTAU_HOME") or "var") / "browser-backoff.json")
        self._matcher: Any = None
        self.lanes = PageLanes(self.config.max_pages_per_context if self.config else 1, self.start_target,
                               lambda run, reason: self.report_target_status("error", reason, run))
        crawler.signals.connect(self._restart_lanes, signal=signals.spider_idle)

    # -- requests ------------------------------------------------------------------------------------------------
    def session_file(self) -> Path | None:
        return self.config.session_file(self.platform) if self.config else None

    def context_meta(self) -> dict[str, Any]:
        """One reused context per platform; the operator's storage state (never logged) when there is one."""
        kwargs: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "id-ID",
                                  "timezone_id": "Asia/Jakarta"}
        session = self.session_file()
        if session is not None:
            kwargs["storage_state"] = str(session)
        return {"playwright_context": f"{self.platform}-{'session' if session else 'public'}",
                "playwright_context_kwargs": kwargs}

    def page_request(self, url: str, run: TargetRun, callback: Any, **meta: Any) -> Request:
        full = {"playwright": True, "playwright_include_page": True,
                "playwright_page_init_callback": self._init_page, **self.context_meta(), **meta}
        return self.request(url, callback, run, meta=full, errback=self.on_page_error, dont_filter=True)

    async def start(self) -> AsyncIterator[Any]:
        if self.browser_error:
            for run in self.runs.values():
                self.report_target_status("error", self.browser_error, run)
            return
        paused = self.backoff.until(self.platform)
        if paused:
            when = datetime.fromtimestamp(paused, timezone.utc).isoformat(timespec="seconds")
            for run in self.runs.values():
                self.report_target_status("rate_limited", f"platform dijeda (backoff) sampai {when}", run)
            return
        if not self.runs:
            logger.warning("%s: no target to crawl", self.platform)
        self.lanes.queue(self.runs.values())
        for request in self.lanes.first_requests():
            yield request

    def _restart_lanes(self, spider: Any) -> None:
        if spider is not self:
            return
        requests = self.lanes.restart()
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def request(self, url: str, callback: Any, run: TargetRun, *, meta: dict[str, Any] | None = None,
                **kwargs: Any) -> Request:
        errback = kwargs.pop("errback", self.on_error)
        full_meta = {"pantau_target": run.key, **(meta or {})}
        return Request(url, callback=callback, errback=errback, meta=full_meta, **kwargs)

    async def _init_page(self, page: Any, request: Request) -> None:
        request.meta["pantau_capture"] = NetworkCapture.of(**self.capture_patterns).attach(page)

    async def on_page_error(self, failure: Failure) -> list[Request]:
        """Errback: report the target, close the page (if one was opened); the lane goes on in a new page."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        capture = meta.get("pantau_capture")
        if capture is not None:
            capture.detach()
        self.on_error(failure)
        page = meta.get("playwright_page")
        if page is not None:
            return await self.lanes.hand_over(page, reusable=False)
        return self.lanes.next_requests(None)

    # -- page reading ----------------------------------------------------------------------------------------------
    async def verdict(self, page: Any, response: Response) -> PageVerdict:
        """What the page is (posts, login wall, ...), from its HTML as it is now (after a redirect its scripts
        made, from the page it led to)."""
        try:
            html = await page.content()
        except Exception as exc:  # playwright's Error "... the page is navigating ...": read where it lands
            if "navigating" not in str(exc):
                raise
            await page.wait_for_load_state("domcontentloaded")
            html = await page.content()
        return classify(self.platform, page.url, html, response.status)

    def report_verdict(self, verdict: PageVerdict, run: TargetRun) -> None:
        status, reason = target_status(verdict, has_session=self.session_file() is not None)
        if status == "rate_limited" or verdict.verdict == "captcha":
            assert self.config is not None
            self.backoff.hit(self.platform, self.config.backoff_for(self.platform))
        self.report_target_status(status, reason, run)

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        """Posts from one captured JSON response (None: not a page of posts)."""
        raise NotImplementedError

    def keep(self, post: Post, run: TargetRun) -> bool:
        """Whether a post on the target's page belongs to the target (not a suggested or quoted account)."""
        return post.author.handle.lower() == run.key.lower().lstrip("@")

    async def read_feed(self, page: Any, capture: NetworkCapture, run: TargetRun) -> list[tuple[Post, Captured]]:
        """Read captured pages, scrolling for more until the last seen post, the depth limit or the end the data
        gives (no cursor / has_more / progress bar on the newest page read). A page the data promised that never
        comes (no answer within the navigation timeout) marks the target `error`: a partial read is never "ok"."""
        assert self.config is not None
        found: list[tuple[Post, Captured]] = []
        pinned: set[str] = set()
        timeout = max(2.0, self.config.navigation_timeout_ms / 1000 / 3)
        emitted: set[str] = set()  # a DOM snapshot shows the earlier posts again
        for scrolls in range(self.config.scroll_max + 1):
            batch = await (self.first_batch(page, capture, timeout) if scrolls == 0
                           else self.more_batch(page, capture, timeout))
            if not batch:
                if scrolls:  # the last page read said there is more, and the page never showed it
                    self._feed_cut_short(run, capture)
                break
            more = False
            for captured in batch:
                if captured.status == 429:
                    self.report_verdict(PageVerdict("rate_limited", "HTTP 429"), run)
                    return found
                try:
                    parsed = self.parse_captured(captured)
                except ParseError as exc:
                    logger.warning("%s %s: unreadable response %s: %s", self.platform, run.key, captured.url, exc)
                    self.crawler.stats.inc_value("pantau/malformed_pages")
                    continue
                if parsed is None:
                    continue
                pinned.update(parsed.profile.get("pinned_ids") or [])
                for post in parsed.posts:
                    if not self.keep(post, run) or post.post_id in emitted:
                        continue
                    emitted.add(post.post_id)
                    if run.accept(post.post_id, post.posted_at, ordered=post.post_id not in pinned):
                        found.append((post, captured))
                run.page_done()
                more = bool(parsed.next_cursor)  # the newest page read says whether the feed goes on
                logger.debug("%s %s: %d posts from %s, next %r", self.platform, run.key, len(parsed.posts),
                             captured.name, parsed.next_cursor)
            if not more or run.should_stop():
                break
        return found

    def _feed_cut_short(self, run: TargetRun, capture: NetworkCapture) -> None:
        """The feed said more posts exist but none came: a partial read, never a silent "ok"."""
        assert self.config is not None
        logger.warning("%s %s: the feed has more posts but the page loaded none within %d ms (%d request(s) "
                       "unanswered)", self.platform, run.key, self.config.navigation_timeout_ms, capture.in_flight)
        self.crawler.stats.inc_value("pantau/browser/feed_cut_short")
        if not run.status:
            self.report_target_status("error", "halaman berikutnya tidak termuat (feed terpotong)", run)

    async def snapshot(self, page: Any) -> Captured:
        """The page's HTML as it is now, as a capture (kept as the evidence of the posts read from it)."""
        body = (await page.content()).encode("utf-8")
        return Captured(page.url, 200, body, None, "html", content_type="text/html; charset=utf-8")

    async def first_batch(self, page: Any, capture: NetworkCapture, timeout: float) -> list[Captured]:
        """What the page shows before any scroll: its own HTML (embedded or DOM feeds), else its first JSON."""
        if self.dom_item_selector:
            try:
                await page.wait_for_selector(self.dom_item_selector, timeout=timeout * 1000)
            except Exception:  # no post shown (yet): the snapshot says what is there
                logger.debug("%s: no %s on %s", self.platform, self.dom_item_selector, page.url)
        if self.dom_item_selector or self.embedded_feed:
            return [await self.snapshot(page), *capture.take()]
        await capture.wait_for(1, timeout=timeout)
        return capture.take()

    async def more_batch(self, page: Any, capture: NetworkCapture, timeout: float) -> list[Captured]:
        """What one more scroll brings: the next JSON page, or (DOM feeds) a snapshot once more posts show."""
        if self.dom_item_selector:
            return [await self.snapshot(page)] if await self._scroll_for_dom(page, capture, timeout) else []
        return capture.take() if await self._scroll_for_more(page, capture, timeout) else []

    # -- evidence ------------------------------------------------------------------------------------------------
    def matcher(self) -> Any:
        if self._matcher is None:
            from crawler.matching import Matcher
            from crawler.matching.loader import load_lexicon

            contests, terms = load_lexicon(self.crawler.settings)
            self._matcher = Matcher.from_data(contests, terms)
        return self._matcher

    def is_flagged(self, post: Post) -> bool:
        parent = post.parent
        decision = self.matcher().match(post.text or "", kind=post.kind, posted_at=post.posted_at,
                                        parent_text=(parent.text or None) if parent else None,
                                        parent_candidate=(parent.candidate_id or None) if parent else None)
        return bool(decision.flagged)

    def post_locator(self, page: Any, post: Post) -> Any:
        """The post's element on the profile page (fallback screenshot)."""
        return None

    async def keep_evidence(self, page: Any, post: Post, captured: Captured, response: Response,
                            run: TargetRun) -> Post:
        post = self.finish_post(post, response, run)
        if captured.stored is None:  # hashed and written once per response, not once per post
            captured.stored = self.evidence_store.put_raw(captured.body)
        stored = captured.stored
        post.raw = Evidence(sha256=stored.sha256, path=stored.path, content_type=captured.content_type,
                            size=stored.size)
        if self.config is None or not self.config.screenshot_flagged or not self.is_flagged(post):
            return post
        shot = None
        if self.config.screenshot_permalink:
            shot, html = await permalink_screenshot(page.context, self.rewrite(post.url), self.evidence_store,
                                                    wait_selector=self.permalink_selector,
                                                    timeout_ms=self.config.navigation_timeout_ms)
            if shot is not None and not classify(self.platform, "", html).ok:
                shot = None  # a login wall is no picture of the post
        if shot is None:
            locator = self.post_locator(page, post)
            if locator is not None:
                shot = await element_screenshot(locator, self.evidence_store)
        if shot is not None:
            post.raw.screenshot_sha256, post.raw.screenshot_path = shot.sha256, shot.path
            self.crawler.stats.inc_value("pantau/screenshots")
        return post

    # -- the callback ----------------------------------------------------------------------------------------------
    async def parse_profile(self, response: Response) -> AsyncIterator[Post]:
        page = response.meta["playwright_page"]
        capture: NetworkCapture = response.meta["pantau_capture"]
        run = self.run_for(response)
        posts: list[Post] = []
        following: list[Request] = []
        done = False
        try:
            posts = await self._read_target(page, capture, response, run)
            done = True
        except Exception as exc:  # a page that broke mid-read fails its target, not the lane
            logger.exception("%s %s: reading %s failed", self.platform, run.key, page.url)
            self.crawler.stats.inc_value("pantau/browser/page_failures")
            if not run.status:
                self.report_target_status("error", f"halaman gagal dibaca: {type(exc).__name__}", run)
        finally:
            capture.detach()
            following = await self.lanes.hand_over(page, reusable=done)
            self.crawler.stats.set_value("pantau/browser/pages_reused", self.lanes.reused)
        for request in following:  # the lane's next target loads while these posts go through the pipelines
            yield request
        for post in posts:
            yield post

    async def _read_target(self, page: Any, capture: NetworkCapture, response: Response,
                           run: TargetRun) -> list[Post]:
        # the download ended when the document arrived (`commit`, see start_target): wait until it is parsed
        await page.wait_for_load_state("domcontentloaded")
        verdict = await self.verdict(page, response)
        if not verdict.ok:
            self.report_verdict(verdict, run)
            return []
        found = await self.read_feed(page, capture, run)
        if not found and not run.status:
            verdict = await self.verdict(page, response)  # a wall its scripts drew after loading
            if not verdict.ok:
                self.report_verdict(verdict, run)
        posts = [await self.keep_evidence(page, post, captured, response, run) for post, captured in found]
        if not run.status and not found and self.session_file() is None and not run.state.seen_ids:
            self.report_target_status("empty", "tanpa sesi: hanya konten publik yang terlihat", run)
        return posts

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        # The download (Scrapy's slot: DOWNLOAD_DELAY, one navigation at a time per domain) ends when the profile's
        # document has arrived; its scripts, data requests and scrolling run in the callback, alongside the other
        # lanes, instead of holding the slot until the page's `load` event.
        yield self.page_request(self.profile_url(run), run, self.parse_profile,
                                playwright_page_goto_kwargs={"wait_until": "commit"})

    def profile_url(self, run: TargetRun) -> str:
        raise NotImplementedError
