"""Bluesky through the public AppView (`app.bsky.feed.getAuthorFeed` with cursor; `getPostThread` for the replies
under a candidate's posts, so that ASN replies there are found)."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.crawling.base import PantauSpider, TargetRun
from crawler.parsers.bluesky import handle_from_target, parse_author_feed, parse_thread, xrpc_error
from crawler.parsers.common import ParseError

logger = logging.getLogger(__name__)

GONE_ERRORS = {"AccountDeactivated": "account deactivated", "AccountTakedown": "account taken down"}


class BlueskySpider(PantauSpider):
    name = "bluesky"
    platform = "bluesky"

    @classmethod
    def normalise_target(cls, target: str) -> str:
        return handle_from_target(target)

    def feed_url(self, run: TargetRun, cursor: str | None = None) -> str:
        params = {"actor": run.key, "limit": self.settings.getint("BLUESKY_PAGE_LIMIT", 50),
                  "filter": "posts_with_replies"}
        if cursor:
            params["cursor"] = cursor
        return self.url(f"/xrpc/app.bsky.feed.getAuthorFeed?{urlencode(params)}")

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        if not run.key:
            raise ValueError("empty Bluesky handle")
        yield self.request(self.feed_url(run), self.parse_feed, run)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        try:
            page = parse_author_feed(response.body)
        except ParseError as exc:
            self.parse_failed(response, run, exc)
            return
        run.page_done()
        pinned = set(page.profile.get("pinned", []))
        for reason in page.skipped:
            logger.warning("bluesky %s: feed item skipped: %s", run.key, reason)
            self.crawler.stats.inc_value("pantau/skipped_items")
        for post in page.posts:
            is_own = post.kind != "share" and post.author.handle.lower() == run.key.lower()
            if run.spec.role == "candidate" and is_own and (post.engagement.replies or 0) > 0:
                params = {"uri": post.post_id, "depth": self.settings.getint("BLUESKY_THREAD_DEPTH", 6)}
                yield self.request(self.url(f"/xrpc/app.bsky.feed.getPostThread?{urlencode(params)}"),
                                   self.parse_thread, run)
            if post.post_id in pinned:
                if run.accept(post.post_id, post.posted_at, ordered=False):
                    yield self.finish_post(post, response, run)
                continue
            if not run.accept(post.post_id, post.posted_at):
                break
            yield self.finish_post(post, response, run)
        if page.next_cursor and not run.should_stop():
            yield self.request(self.feed_url(run, page.next_cursor), self.parse_feed, run)

    def parse_thread(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        try:
            page = parse_thread(response.body)
        except ParseError as exc:
            logger.warning("bluesky %s: unreadable thread %s skipped: %s", run.key, response.url, exc)
            self.crawler.stats.inc_value("pantau/malformed_pages")
            return
        for post in page.posts:
            if run.accept(post.post_id, post.posted_at, ordered=False):
                yield self.finish_post(post, response, run)

    def handle_http_error(self, response: Response, run: TargetRun) -> bool:
        error, message = xrpc_error(response.body)
        if "getPostThread" in response.url:
            logger.info("bluesky %s: thread not readable (%s %s)", run.key, response.status, error or message)
            return True  # a deleted post under a candidate page does not fail the target
        if response.status == 400 and (error in GONE_ERRORS or "not found" in message.lower()):
            self.report_target_status("not_found", GONE_ERRORS.get(error, message or error), run)
            return True
        return False
