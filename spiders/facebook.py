"""Facebook profiles and pages through a real browser, by the markup fallback: the `div[role="article"]` posts the
page renders, read from the DOM after each scroll (infinite scroll adds more) → Post items."""
from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.browser.capture import Captured
from crawler.browser.spider import BrowserSpider
from crawler.crawling.base import TargetRun
from crawler.items import Post
from crawler.parsers import facebook as parser
from crawler.parsers.common import ParsedPage

logger = logging.getLogger(__name__)


class FacebookSpider(BrowserSpider):
    name = "facebook"
    platform = "facebook"
    # not parsed (the posts are read from the DOM): watched so a scroll waits for the feed's pending answer
    capture_patterns = {"feed": r"/api/graphql/"}
    dom_item_selector = 'div[role="article"]'
    permalink_selector = 'div[role="article"]'

    @classmethod
    def normalise_target(cls, target: str) -> str:
        target = target.strip()
        match = re.match(r"^(?:https?://)?(?:www\.|m\.|web\.|mbasic\.)?facebook\.com(/[^#]*)", target)
        if not match:
            return target.lstrip("@")
        parts = urlsplit(match.group(1))
        if parts.path.rstrip("/") == "/profile.php":
            return (parse_qs(parts.query).get("id") or [""])[0]
        return next((s for s in parts.path.split("/") if s), "")

    def profile_url(self, run: TargetRun) -> str:
        if run.key.isdigit():
            return self.url(f"/profile.php?id={run.key}")
        return self.url(f"/{run.key}")

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        if captured.name != "html":
            return None
        return parser.parse_feed_html(captured.body.decode("utf-8", "replace"))

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'div[role="article"]:has(a[href*="/posts/{post.post_id}"])').first
