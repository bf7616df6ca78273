"""Mastodon through the public API of the account's own instance (lookup, then statuses paged by `Link`).

A server that refuses anonymous API access (HTTP 401/403) is reported as `refuses_anonymous`, once, without retry.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from scrapy.http import Request, Response

from crawler.crawling.base import PantauSpider, TargetRun
from crawler.parsers.common import ParseError
from crawler.parsers.mastodon import parse_account, parse_statuses, parse_target

logger = logging.getLogger(__name__)


class MastodonSpider(PantauSpider):
    name = "mastodon"
    platform = "mastodon"

    @classmethod
    def normalise_target(cls, target: str) -> str:
        try:
            user, instance = parse_target(target)
        except ValueError:
            return target.strip()
        return f"{user}@{instance}"

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        user, instance = parse_target(run.key)
        if not user or not instance:
            raise ValueError(f"Mastodon target must be user@instance, got {run.key!r}")
        url = self.url(f"/api/v1/accounts/lookup?acct={quote(user)}", instance=instance)
        yield self.request(url, self.parse_account, run, meta={"instance": instance})

    def parse_account(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        try:
            account = parse_account(response.body)
        except ParseError as exc:
            self.parse_failed(response, run, exc)
            return
        instance = response.meta["instance"]
        limit = self.settings.getint("MASTODON_PAGE_LIMIT", 40)
        url = self.url(f"/api/v1/accounts/{account['id']}/statuses?limit={limit}", instance=instance)
        yield self.request(url, self.parse_statuses, run, meta={"instance": instance})

    def parse_statuses(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        instance = response.meta["instance"]
        link = response.headers.get("Link")
        try:
            page = parse_statuses(response.body, instance, link.decode("latin-1") if link else None)
        except ParseError as exc:
            self.parse_failed(response, run, exc)
            return
        run.page_done()
        for reason in page.skipped:
            logger.warning("mastodon %s: status skipped: %s", run.key, reason)
            self.crawler.stats.inc_value("pantau/skipped_items")
        for post in page.posts:
            if not run.accept(post.post_id, post.posted_at):
                break
            yield self.finish_post(post, response, run)
        if page.next_cursor and not run.should_stop():
            yield self.request(self.rewrite(page.next_cursor), self.parse_statuses, run, meta={"instance": instance})

    def handle_http_error(self, response: Response, run: TargetRun) -> bool:
        if response.status in (401, 403):
            self.report_target_status(
                "refuses_anonymous",
                f"server {response.meta.get('instance', '')} refuses anonymous API access (HTTP {response.status})",
                run)
            return True
        return False

    def _parent_is_target(self, parent: Any, run: TargetRun) -> bool:
        return parent.author_handle.lower() == run.key.lower()
