"""YouTube channels through their Atom feed (`/feeds/videos.xml?channel_id=`): the 15 newest videos, no paging.

The feed answers 404 or 500 now and then for channels that exist: a 404 is retried (YOUTUBE_NOT_FOUND_RETRIES)
before the channel is reported `not_found`; 5xx go through the usual backoff retries.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.http import Request, Response

from crawler.crawling.base import PantauSpider, TargetRun
from crawler.parsers.common import ParseError
from crawler.parsers.youtube import CHANNEL_ID_RE, channel_from_target, parse_feed

logger = logging.getLogger(__name__)


class YouTubeSpider(PantauSpider):
    name = "youtube"
    platform = "youtube"

    @classmethod
    def normalise_target(cls, target: str) -> str:
        return channel_from_target(target)

    def feed_request(self, run: TargetRun, attempt: int = 0) -> Request:
        return self.request(self.url(f"/feeds/videos.xml?channel_id={run.key}"), self.parse_feed, run,
                            meta={"not_found_attempt": attempt}, dont_filter=attempt > 0)

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        if not CHANNEL_ID_RE.match(run.key):
            raise ValueError(f"not a YouTube channel id (UC...): {run.key!r}")
        yield self.feed_request(run)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        try:
            page = parse_feed(response.body)
        except ParseError as exc:
            self.parse_failed(response, run, exc)
            return
        run.page_done()
        for reason in page.skipped:
            logger.warning("youtube %s: entry skipped: %s", run.key, reason)
        for post in page.posts:
            if not run.accept(post.post_id, post.posted_at):
                break
            yield self.finish_post(post, response, run)

    def handle_http_error(self, response: Response, run: TargetRun) -> bool:
        if response.status != 404:
            return False
        attempt = response.meta.get("not_found_attempt", 0) + 1
        if attempt <= self.settings.getint("YOUTUBE_NOT_FOUND_RETRIES", 3):
            logger.info("youtube %s: feed answered 404, retrying (%d)", run.key, attempt)
            self.crawler.stats.inc_value("pantau/retries/youtube_404")
            self.crawler.engine.crawl(self.feed_request(run, attempt))
            return True
        self.report_target_status("not_found", f"feed answered 404 {attempt} times", run)
        return True
