"""Re-check flagged posts: visit each again in the browser and record what happened to it.

Flagged, not yet deleted posts are read from the posts alias; each post's permalink is opened (same launch options,
the platform's session when there is one; requests to internal hosts other than the `base_url` override are
aborted, `crawler.browser.blocking.guard`). Gone → `deleted_at`; changed text → a new entry in `edits` (the text as
it now reads; `text` keeps what was flagged). Nothing else is touched: the evidence (raw response, screenshot) of a
deleted post stays. A text the permalink shows cut (Facebook's "Lihat selengkapnya") is opened first, as the spider
does (`crawler.browser.expand`), so an edit in a long post is seen; one that stays cut is not compared (it would
read as an edit). Writes are partial-document updates (no scripts: the server may have no painless).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.browser.blocking import guard, netloc_of
from crawler.browser.capture import NetworkCapture
from crawler.browser.config import BrowserConfig
from crawler.browser.detect import classify
from crawler.browser.expand import expand_cut_texts
from crawler.crawling.urls import rewrite
from crawler.parsers import facebook as facebook_parser
from crawler.parsers import instagram as instagram_parser
from crawler.parsers import threads as threads_parser
from crawler.parsers import tiktok as tiktok_parser
from crawler.parsers import x as x_parser
from crawler.parsers.common import ParseError

logger = logging.getLogger(__name__)

DETAIL_PATTERNS = {"x": {"TweetDetail": r"/i/api/graphql/[\w-]+/TweetDetail\b"}}
# Permalink pages whose own HTML carries the post (Instagram's and Threads' data-sjs JSON, Facebook's article).
# Facebook's may show the message cut: it is opened before the page is read.
EXPANDS_CUT_TEXT = {"facebook"}
PAGE_READERS = {"instagram": instagram_parser.parse_post_page, "threads": threads_parser.parse_page,
                "facebook": facebook_parser.parse_feed_html}


@dataclass
class RecheckOutcome:
    doc_id: str
    platform: str
    post_id: str
    status: str  # present | deleted | edited | unknown
    reason: str = ""
    new_text: str = ""


@dataclass
class RecheckSummary:
    outcomes: list[RecheckOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def flagged_posts(client: Any, posts_alias: str, *, platform: str | None = None, limit: int = 200,
                  max_age_days: int | None = None, now: datetime | None = None) -> list[dict]:
    """Flagged, not deleted posts that became findings within `max_age_days` (`flagged_at`; all when None): the ones
    seen present longest ago first (`last_seen`: set by crawls and by re-check), so that successive runs go round
    all of them."""
    filters: list[dict[str, Any]] = [{"term": {"flagged": True}}]
    if platform:
        filters.append({"term": {"platform": platform}})
    if max_age_days is not None:
        since = (now or datetime.now(timezone.utc)) - timedelta(days=max_age_days)
        filters.append({"range": {"flagged_at": {"gte": since.isoformat()}}})
    query = {"bool": {"filter": filters, "must_not": [{"exists": {"field": "deleted_at"}}]}}
    order = [{"last_seen": {"order": "asc", "missing": "_first"}}, {"posted_at": {"order": "desc"}}]
    result = client.search(index=posts_alias, query=query, size=limit, sort=order, ignore_unavailable=True,
                           allow_no_indices=True)
    return list(result["hits"]["hits"])


def read_page_post(platform: str, html: str, post_id: str) -> tuple[str, str, str] | None:
    """("present", reason, current text) of `post_id` on a permalink page whose HTML carries it, else None. A text
    the page shows cut ("… Lihat selengkapnya": the parser's `profile["truncated"]`) is not the post's text: it is
    returned empty (no edit is recorded from it), with the reason."""
    parsed = PAGE_READERS[platform](html)
    post = next((p for p in parsed.posts if p.post_id == post_id), None)
    if post is None:
        return None
    if post_id in (parsed.profile.get("truncated") or []):
        logger.warning("recheck %s %s: text shown cut (Lihat selengkapnya), not compared", platform, post_id)
        return "present", "teks terpotong (Lihat selengkapnya): tidak dibandingkan", ""
    return "present", "", post.text


async def _inspect(context: Any, source: dict[str, Any], base_url: str | None, timeout_ms: int) -> tuple[str, str, str]:
    """(status, reason, current text) of one post."""
    platform = source.get("platform", "")
    url = rewrite(source.get("url", ""), base_url)
    page = await context.new_page()
    capture = NetworkCapture.of(**DETAIL_PATTERNS.get(platform, {})).attach(page)
    try:
        response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        status = response.status if response is not None else 200
        if platform in DETAIL_PATTERNS:
            await capture.wait_for(1, timeout=timeout_ms / 1000 / 3)
        if platform in EXPANDS_CUT_TEXT:
            await expand_cut_texts(page, timeout_ms // 3)
        html = await page.content()
        post_id = source.get("post_id", "")
        if platform == "x":
            for captured in capture.take():
                parsed = x_parser.parse_tweet_detail(captured.data)
                if parsed.profile.get("missing"):
                    return "deleted", "TweetDetail: _Missing", ""
                for post in parsed.posts:
                    if post.post_id == post_id:
                        return "present", "", post.text
        if platform == "tiktok" and "__UNIVERSAL_DATA_FOR_REHYDRATION__" in html:
            parsed = tiktok_parser.parse_video_page(html)
            if parsed.profile.get("missing"):
                return "deleted", f"statusCode {parsed.profile.get('status_code')}", ""
            if parsed.posts:
                return "present", "", parsed.posts[0].text
        verdict = classify(platform, page.url, html, status)
        if verdict.ok and platform in PAGE_READERS:
            read = read_page_post(platform, html, post_id)
            if read is not None:
                return read
        if verdict.verdict == "unavailable":
            return "deleted", verdict.evidence, ""
        if not verdict.ok:
            return "unknown", verdict.verdict, ""
        return "present", "page shown, text not read", ""
    except ParseError as exc:
        return "unknown", f"unreadable: {exc}", ""
    except Exception as exc:  # one post failing must not stop the job
        return "unknown", f"{type(exc).__name__}: {exc}", ""
    finally:
        await page.close()


async def recheck_async(client: Any, posts_alias: str, config: BrowserConfig, *, base_url: str | None = None,
                        platform: str | None = None, limit: int = 200,
                        max_age_days: int | None = None) -> RecheckSummary:
    from playwright.async_api import async_playwright

    hits = flagged_posts(client, posts_alias, platform=platform, limit=limit, max_age_days=max_age_days)
    summary = RecheckSummary()
    if not hits:
        return summary
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**config.launch_options())
        contexts: dict[str, Any] = {}
        try:
            for hit in hits:
                source = hit["_source"]
                name = source.get("platform", "")
                if name not in contexts:
                    session = config.session_file(name)
                    contexts[name] = await browser.new_context(
                        locale="id-ID", timezone_id="Asia/Jakarta",
                        **({"storage_state": str(session)} if session else {}))
                    await guard(contexts[name], exempt=[netloc_of(base_url)] if base_url else [])
                status, reason, text = await _inspect(contexts[name], source, base_url, config.navigation_timeout_ms)
                if status == "present" and text and text.strip() != (source.get("text") or "").strip():
                    edits = list(source.get("edits") or [])
                    if not edits or edits[-1].get("text") != text:
                        edits.append({"text": text, "seen_at": now})
                        client.update(index=hit["_index"], id=hit["_id"], doc={"edits": edits, "last_seen": now},
                                      refresh="wait_for")
                        status = "edited"
                elif status == "deleted":
                    client.update(index=hit["_index"], id=hit["_id"], doc={"deleted_at": now}, refresh="wait_for")
                elif status == "present":
                    client.update(index=hit["_index"], id=hit["_id"], doc={"last_seen": now})
                logger.info("recheck %s %s: %s %s", name, source.get("post_id"), status, reason)
                summary.outcomes.append(RecheckOutcome(hit["_id"], name, source.get("post_id", ""), status, reason,
                                                       text))
        finally:
            for context in contexts.values():
                await context.close()
            await browser.close()
    return summary


def recheck(client: Any, posts_alias: str, config: BrowserConfig, **kwargs: Any) -> RecheckSummary:
    return asyncio.run(recheck_async(client, posts_alias, config, **kwargs))
