"""PantauSpider: the base every spider shares (targets, base-URL override, incremental state, evidence, status).

A spider crawls one target (`-a target=...`) or many (`targets=[TargetSpec, ...]` from the registry) in one run.
Each target gets a `TargetRun`: its saved `TargetState`, the first-run depth limit and what this run has seen.
Spiders stay thin: they build requests with `self.request(...)`, hand pages to pure parsers in `crawler.parsers`,
and pass each parsed Post through `self.finish_post(...)` (evidence, fetched_at, target, candidate parent).

Incremental stop: `run.accept(post_id)` is False for a post already seen (the run then stops paginating);
`run.should_stop()` also stops a first run once it has read at least CRAWL_FIRST_RUN_MAX_PAGES pages and
CRAWL_FIRST_RUN_MAX_POSTS posts, and any run after CRAWL_MAX_PAGES_PER_RUN pages.
"""
from __future__ import annotations

import json
import logging
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.crawling.evidence import EvidenceStore
from crawler.crawling.state import CrawlStateStore, TargetState
from crawler.crawling.urls import platform_url, rewrite
from crawler.items import Evidence, Parent, Post

logger = logging.getLogger(__name__)

ROLES = ("asn", "candidate")
# Statuses a target can end a run with (saved in crawl state, shown by `pantau crawl`).
STATUSES = ("ok", "empty", "not_found", "blocked", "refuses_anonymous", "login_wall", "session_expired",
            "rate_limited", "malformed", "error")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class TargetSpec:
    """One thing to crawl: a handle/channel/URL, and whose it is."""

    target: str
    role: str = "asn"
    candidate_id: str = ""
    account_id: str = ""
    url: str = ""

    @classmethod
    def coerce(cls, value: Any) -> TargetSpec:
        if isinstance(value, TargetSpec):
            return value
        if isinstance(value, str):
            return cls(target=value)
        if isinstance(value, dict):
            target = value.get("target") or value.get("handle") or value.get("url") or ""
            return cls(target=str(target), role=value.get("role") or "asn",
                       candidate_id=value.get("candidate_id") or "", account_id=value.get("account_id") or "",
                       url=value.get("url") or "")
        # a registry CrawlTarget (or anything with the same attributes)
        return cls(target=getattr(value, "handle", "") or getattr(value, "url", ""),
                   role=getattr(value, "role", "asn") or "asn",
                   candidate_id=getattr(value, "candidate_id", "") or "",
                   account_id=getattr(value, "account_id", "") or "", url=getattr(value, "url", "") or "")


@dataclass
class TargetRun:
    """One target during one run: its saved state and what this run has done."""

    spec: TargetSpec
    state: TargetState
    max_pages: int
    max_posts: int
    max_pages_per_run: int
    pages: int = 0
    posts: int = 0
    reached_known: bool = False
    new_ids: list[str] = field(default_factory=list)  # newest first, in the order seen
    newest_at: str = ""
    status: str = ""
    reason: str = ""
    _known: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._known = set(self.state.seen_ids)
        if self.state.last_seen_id:
            self._known.add(self.state.last_seen_id)

    @property
    def key(self) -> str:
        return self.spec.target

    @property
    def first_run(self) -> bool:
        return self.state.first_run

    def is_known(self, post_id: str) -> bool:
        return post_id in self._known

    def accept(self, post_id: str, posted_at: str = "", *, ordered: bool = True) -> bool:
        """True for a post not seen before (counted); False when seen, and then an ordered feed stops here."""
        if post_id in self._known:
            if ordered:
                self.reached_known = True
            return False
        self._known.add(post_id)
        self.new_ids.append(post_id)
        self.posts += 1
        if posted_at and posted_at > self.newest_at:
            self.newest_at = posted_at
        return True

    def page_done(self) -> None:
        self.pages += 1

    def should_stop(self) -> bool:
        """Whether to stop paginating this target after the current page."""
        if self.reached_known or self.status not in ("", "ok"):
            return True
        if self.pages >= self.max_pages_per_run:
            return True
        if self.first_run:
            return self.pages >= self.max_pages and self.posts >= self.max_posts
        return False

    def final_status(self) -> str:
        if self.status:
            return self.status
        if self.posts or self.state.seen_ids or self.reached_known:
            return "ok"
        return "empty"


class PantauSpider(scrapy.Spider):
    """Base spider: subclasses set `platform` and implement `start_target(run)` and their callbacks."""

    platform: ClassVar[str] = ""
    #: spiders whose feed is newest-first stop at the first known post
    ordered_feed: ClassVar[bool] = True

    def __init__(self, target: str = "", base_url: str | None = None, role: str = "asn", candidate_id: str = "",
                 max_pages: int | str | None = None, max_posts: int | str | None = None,
                 targets: Any = None, account_id: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        if isinstance(targets, str):  # `-a targets=<json list>` from the scrapy command line
            targets = json.loads(targets)
        specs = [TargetSpec.coerce(t) for t in (targets or [])]
        if target:
            specs.insert(0, TargetSpec(target=target, role=role, candidate_id=candidate_id, account_id=account_id))
        self.specs: list[TargetSpec] = specs
        self.base_url_arg = base_url or None
        self.max_pages_arg = int(max_pages) if max_pages not in (None, "") else None
        self.max_posts_arg = int(max_posts) if max_posts not in (None, "") else None
        self.runs: dict[str, TargetRun] = {}
        self._evidence_cache: weakref.WeakKeyDictionary[Response, tuple[Evidence, str]] = \
            weakref.WeakKeyDictionary()

    # -- set-up ------------------------------------------------------------------------------------------------
    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Per-platform politeness (PLATFORM_RATE_LIMITS) at spider priority: command-line overrides win."""
        super().update_settings(settings)
        limits = (settings.getdict("PLATFORM_RATE_LIMITS") or {}).get(cls.platform) or {}
        if "delay" in limits:
            settings.set("DOWNLOAD_DELAY", float(limits["delay"]), priority="spider")
            settings.set("AUTOTHROTTLE_START_DELAY", float(limits["delay"]), priority="spider")
        if "concurrency" in limits:
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", int(limits["concurrency"]), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PantauSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._setup(crawler)
        crawler.signals.connect(spider._save_states, signal=signals.spider_closed)
        return spider

    def _setup(self, crawler: Crawler) -> None:
        settings = crawler.settings
        home = Path(settings.get("PANTAU_HOME") or "var")
        self.state_store = CrawlStateStore(home / "crawl-state")
        self.evidence_store = EvidenceStore(home / "evidence")
        self.base_url: str | None = self.base_url_arg or settings.get(f"{self.platform.upper()}_BASE_URL") or None
        max_pages = self.max_pages_arg or settings.getint("CRAWL_FIRST_RUN_MAX_PAGES", 3)
        max_posts = self.max_posts_arg or settings.getint("CRAWL_FIRST_RUN_MAX_POSTS", 100)
        per_run = max(settings.getint("CRAWL_MAX_PAGES_PER_RUN", 50), max_pages)
        for spec in self.specs:
            spec.target = self.normalise_target(spec.target)
            if spec.target in self.runs:
                continue
            state = self.state_store.get(self.platform, spec.target)
            self.runs[spec.target] = TargetRun(spec, state, max_pages, max_posts, per_run)

    @classmethod
    def normalise_target(cls, target: str) -> str:
        """The canonical form of a target (subclasses strip URLs, `@` and the like)."""
        return target.strip()

    # -- requests ------------------------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if not self.runs:
            logger.warning("%s: no target to crawl", self.platform)
        for run in list(self.runs.values()):
            try:
                requests = list(self.start_target(run))
            except ValueError as exc:
                self.report_target_status("error", str(exc), run)
                continue
            for request in requests:
                yield request

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        raise NotImplementedError

    def url(self, path_and_query: str, *, instance: str = "") -> str:
        """A platform URL from its real path, pointed at `base_url` when set."""
        return platform_url(self.platform, path_and_query, self.base_url, instance=instance)

    def rewrite(self, real_url: str) -> str:
        """A full real URL (e.g. a `Link` header, an RSS link) pointed at `base_url` when set."""
        return rewrite(real_url, self.base_url)

    def request(self, url: str, callback: Callable[..., Any], run: TargetRun, *,
                meta: dict[str, Any] | None = None, **kwargs: Any) -> Request:
        full_meta = {"pantau_target": run.key, **(meta or {})}
        return Request(url, callback=callback, errback=self.on_error, meta=full_meta, **kwargs)

    def run_for(self, response_or_request: Response | Request) -> TargetRun:
        return self.runs[response_or_request.meta["pantau_target"]]

    # -- incremental state (shortcuts for single-target spiders) ----------------------------------------------
    def _default_run(self, run: TargetRun | None) -> TargetRun:
        return run or next(iter(self.runs.values()))

    def is_known(self, post_id: str, run: TargetRun | None = None) -> bool:
        return self._default_run(run).is_known(post_id)

    def should_stop(self, run: TargetRun | None = None) -> bool:
        return self._default_run(run).should_stop()

    # -- evidence and posts --------------------------------------------------------------------------------------
    def evidence(self, response: Response) -> Evidence:
        """Keep the raw body in the evidence store (once per response) and describe it."""
        return self._evidence(response)[0]

    def _evidence(self, response: Response) -> tuple[Evidence, str]:
        cached = self._evidence_cache.get(response)
        if cached is None:
            stored = self.evidence_store.put_raw(response.body)
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            cached = (Evidence(sha256=stored.sha256, path=stored.path, content_type=content_type,
                               size=stored.size), utc_now())
            self._evidence_cache[response] = cached
            self.crawler.stats.inc_value("pantau/evidence_bodies")
        return cached

    def finish_post(self, post: Post, response: Response, run: TargetRun) -> Post:
        """Fill what every post from this response shares: evidence, fetched_at, target, candidate parent."""
        evidence, fetched_at = self._evidence(response)
        post.raw = Evidence(**evidence.__dict__)
        post.fetched_at = fetched_at
        post.target = run.key
        if post.author and not post.author.platform:
            post.author.platform = self.platform
        if run.spec.role == "candidate" and run.spec.candidate_id and post.parent is not None \
                and post.parent.candidate_id == "" and self._parent_is_target(post.parent, run):
            post.parent.candidate_id = run.spec.candidate_id
        self.crawler.stats.inc_value(f"pantau/posts/{post.kind}")
        return post

    def _parent_is_target(self, parent: Parent, run: TargetRun) -> bool:
        """Whether a parent post belongs to the target (a reply under the candidate's own post)."""
        handle = parent.author_handle.lower().lstrip("@")
        return bool(handle) and handle == run.key.lower().lstrip("@")

    def parse_failed(self, response: Response, run: TargetRun, exc: Exception) -> None:
        """A malformed page: logged and counted, the crawl goes on (this target stops paginating)."""
        logger.warning("%s %s: unreadable page %s skipped: %s", self.platform, run.key, response.url, exc)
        self.crawler.stats.inc_value("pantau/malformed_pages")
        if run.posts == 0 and not run.status:
            self.report_target_status("malformed", f"unreadable page {response.url}: {exc}", run)

    # -- status ------------------------------------------------------------------------------------------------
    def report_target_status(self, status: str, reason: str = "", run: TargetRun | None = None) -> None:
        """Record why a target yielded what it did (logged, saved in crawl state, in the stats)."""
        run = self._default_run(run)
        run.status, run.reason = status, reason
        level = logging.INFO if status in ("ok", "empty") else logging.WARNING
        logger.log(level, "%s %s: %s%s", self.platform, run.key, status, f" ({reason})" if reason else "")
        stats = self.crawler.stats
        stats.inc_value(f"pantau/target_status_count/{status}")
        if len(self.runs) == 1:
            stats.set_value("pantau/target_status", status)
            stats.set_value("pantau/target_reason", reason)

    def on_error(self, failure: Failure) -> Any:
        """Errback: map HTTP errors and network failures to a target status."""
        request = failure.request  # type: ignore[attr-defined]
        run = self.runs.get(request.meta.get("pantau_target", ""))
        if run is None:
            logger.error("%s: request failed: %s", self.platform, failure.getErrorMessage())
            return None
        response = getattr(failure.value, "response", None)
        if response is not None:
            if self.handle_http_error(response, run):
                return None
            status = response.status
            if status == 404 or status == 410:
                self.report_target_status("not_found", f"HTTP {status} {response.url}", run)
            elif status in (401, 403):
                self.report_target_status("blocked", f"HTTP {status} {response.url}", run)
            elif status == 429:
                self.report_target_status("rate_limited", f"HTTP 429 after retries {response.url}", run)
            else:
                self.report_target_status("error", f"HTTP {status} {response.url}", run)
        else:
            self.report_target_status("error", f"{failure.type.__name__}: {failure.getErrorMessage()}", run)
        return None

    def handle_http_error(self, response: Response, run: TargetRun) -> bool:
        """Platform-specific handling of an HTTP error; True when handled, False for the default mapping."""
        return False

    def _save_states(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is not self:
            return
        for run in self.runs.values():
            status = run.final_status()
            if not run.status:
                self.report_target_status(status, "", run)
            state = run.state
            # Only a complete run moves the incremental stop marker: after a cut-short or failed run the next one
            # reads through again (ids are deterministic, re-indexing is idempotent), so no older post is skipped.
            if run.new_ids and status in ("ok", "empty"):
                state.last_seen_id = run.new_ids[0]
                state.seen_ids = run.new_ids + [i for i in state.seen_ids if i not in set(run.new_ids)]
            if run.newest_at and run.newest_at > state.last_seen_at and status in ("ok", "empty"):
                state.last_seen_at = run.newest_at
            label = f"{status}: {run.reason}" if run.reason else status
            self.state_store.save(state, status=label, count_run=status in ("ok", "empty") or run.posts > 0)
