"""TikTok profiles through a real browser: the profile's own `/api/post/item_list/` responses → Post items."""
from __future__ import annotations

import logging
import re
from typing import Any

from crawler.browser.capture import Captured
from crawler.browser.spider import BrowserSpider
from crawler.crawling.base import TargetRun
from crawler.items import Post
from crawler.parsers import tiktok as parser
from crawler.parsers.common import ParsedPage

logger = logging.getLogger(__name__)


class TikTokSpider(BrowserSpider):
    name = "tiktok"
    platform = "tiktok"
    capture_patterns = {"item_list": r"/api/post/item_list/"}
    permalink_selector = '[data-e2e="browse-video-desc"]'

    @classmethod
    def normalise_target(cls, target: str) -> str:
        target = target.strip()
        match = re.match(r"^(?:https?://)?(?:www\.|m\.)?tiktok\.com/@([^/?#]+)", target)
        return (match.group(1) if match else target).lstrip("@")

    def profile_url(self, run: TargetRun) -> str:
        return self.url(f"/@{run.key}")

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        if captured.data is None:
            return None
        return parser.parse_item_list(captured.data)

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'[data-e2e="user-post-item"][data-video-id="{post.post_id}"]').first
