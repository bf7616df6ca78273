"""Instagram profiles through a real browser: the profile's own `web_profile_info` and profile-posts GraphQL
responses → Post items (post id = shortcode)."""
from __future__ import annotations

import logging
import re
from typing import Any

from crawler.browser.capture import Captured
from crawler.browser.spider import BrowserSpider
from crawler.crawling.base import TargetRun
from crawler.items import Post
from crawler.parsers import instagram as parser
from crawler.parsers.common import ParsedPage

logger = logging.getLogger(__name__)


class InstagramSpider(BrowserSpider):
    name = "instagram"
    platform = "instagram"
    capture_patterns = {"web_profile_info": r"/api/v1/users/web_profile_info/",
                        "ProfilePosts": r"/graphql/query/?\?"}
    permalink_selector = "article"

    @classmethod
    def normalise_target(cls, target: str) -> str:
        target = target.strip()
        match = re.match(r"^(?:https?://)?(?:www\.|m\.)?instagram\.com/([^/?#]+)", target)
        return (match.group(1) if match else target).lstrip("@").lower()

    def profile_url(self, run: TargetRun) -> str:
        return self.url(f"/{run.key}/")

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        if captured.data is None:
            return None
        parsed = parser.parse_timeline(captured.data)
        return None if parsed.profile.get("error") is not None and not parsed.posts else parsed

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'[data-shortcode="{post.post_id}"]').first
