"""Threads profiles through a real browser: the posts embedded in the profile page's `data-sjs` JSON, then the
GraphQL pages the page fetches on scroll → Post items (post id = code)."""
from __future__ import annotations

import logging
import re
from typing import Any

from crawler.browser.capture import Captured
from crawler.browser.spider import BrowserSpider
from crawler.crawling.base import TargetRun
from crawler.items import Post
from crawler.parsers import threads as parser
from crawler.parsers.common import ParsedPage

logger = logging.getLogger(__name__)


class ThreadsSpider(BrowserSpider):
    name = "threads"
    platform = "threads"
    capture_patterns = {"graphql": r"/api/graphql\b"}
    embedded_feed = True
    permalink_selector = '[data-pressable-container="true"]'

    @classmethod
    def normalise_target(cls, target: str) -> str:
        target = target.strip()
        match = re.match(r"^(?:https?://)?(?:www\.)?threads\.(?:net|com)/@?([^/?#]+)", target)
        return (match.group(1) if match else target).lstrip("@").lower()

    def profile_url(self, run: TargetRun) -> str:
        return self.url(f"/@{run.key}")

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        if captured.name == "html":
            return parser.parse_page(captured.body.decode("utf-8", "replace"))
        if captured.data is None or "thread_items" not in captured.body.decode("utf-8", "replace"):
            return None
        return parser.parse_data(captured.data)

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'[data-pressable-container="true"][data-code="{post.post_id}"]').first
