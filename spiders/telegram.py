"""Telegram channels through the public web preview `https://t.me/s/<channel>` (older pages: `?before=<id>`)."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.http import Request, Response

from crawler.crawling.base import PantauSpider, TargetRun
from crawler.parsers.common import ParseError
from crawler.parsers.telegram import channel_from_target, is_channel_page, parse_channel_page

logger = logging.getLogger(__name__)


class TelegramSpider(PantauSpider):
    name = "telegram"
    platform = "telegram"

    @classmethod
    def normalise_target(cls, target: str) -> str:
        return channel_from_target(target)

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        if not run.key:
            raise ValueError("empty Telegram channel name")
        yield self.request(self.url(f"/s/{run.key}"), self.parse_page, run)

    def parse_page(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        if not is_channel_page(response.url):
            self.report_target_status("not_found", f"t.me sent {response.url}: no public channel", run)
            return
        try:
            page = parse_channel_page(response.body, run.key)
        except ParseError as exc:
            self.parse_failed(response, run, exc)
            return
        run.page_done()
        for reason in page.skipped:
            logger.warning("telegram %s: message skipped on %s: %s", run.key, response.url, reason)
            self.crawler.stats.inc_value("pantau/skipped_items")
        for post in page.posts:
            if not run.accept(post.post_id, post.posted_at):
                break
            yield self.finish_post(post, response, run)
        if page.next_cursor and not run.should_stop():
            yield self.request(self.url(f"/s/{run.key}?before={page.next_cursor}"), self.parse_page, run)

    def handle_http_error(self, response: Response, run: TargetRun) -> bool:
        if not is_channel_page(response.url):  # redirected to the profile page, which may not exist either
            self.report_target_status("not_found", "no public channel with this name", run)
            return True
        return False
