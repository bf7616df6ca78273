"""Candidate and party websites (RSS/Atom feeds or HTML listings with per-site CSS selectors, WEB_SITES_FILE).

Targets are site ids from the configuration, or a feed URL (read as RSS/Atom). `--base-url` / WEB_BASE_URL
replaces the scheme and host of every configured URL (tests, the demo).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.http import Request, Response

from crawler.crawling.base import PantauSpider, TargetRun
from crawler.parsers.common import ParseError
from crawler.parsers.web import SiteConfig, load_sites, parse_feed, parse_listing

logger = logging.getLogger(__name__)


class WebSpider(PantauSpider):
    name = "web"
    platform = "web"

    def site_for(self, run: TargetRun) -> SiteConfig:
        if not hasattr(self, "_sites"):
            self._sites = load_sites(self.settings.get("WEB_SITES_FILE") or "")
        site = self._sites.get(run.key)
        if site is None:
            if not run.key.startswith(("http://", "https://")):
                raise ValueError(f"unknown site {run.key!r} (not in WEB_SITES_FILE, not a URL)")
            site = SiteConfig(id=run.key, url=run.key, type="rss")
        if run.spec.candidate_id and not site.candidate_id:
            site.candidate_id = run.spec.candidate_id
        return site

    def start_target(self, run: TargetRun) -> Iterable[Request]:
        site = self.site_for(run)
        yield self.request(self.rewrite(site.url), self.parse_page, run)

    def parse_page(self, response: Response) -> Iterator[Any]:
        run = self.run_for(response)
        site = self.site_for(run)
        try:
            page = parse_listing(response.body, site) if site.type == "html" else parse_feed(response.body, site)
        except ParseError as exc:
            self.parse_failed(response, run, exc)
            return
        run.page_done()
        for reason in page.skipped:
            logger.warning("web %s: item skipped: %s", run.key, reason)
        for post in page.posts:
            if not run.accept(post.post_id, post.posted_at):
                break
            yield self.finish_post(post, response, run)
        if page.next_cursor and not run.should_stop():
            yield self.request(self.rewrite(response.urljoin(page.next_cursor)), self.parse_page, run)
