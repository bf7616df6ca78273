"""X (Twitter) profiles through a real browser: the timeline's own `UserTweets` GraphQL responses → Post items."""
from __future__ import annotations

import logging
import re
from typing import Any

from crawler.browser.capture import Captured
from crawler.browser.spider import BrowserSpider
from crawler.crawling.base import TargetRun
from crawler.items import Post
from crawler.parsers import x as parser
from crawler.parsers.common import ParsedPage

logger = logging.getLogger(__name__)


class XSpider(BrowserSpider):
    name = "x"
    platform = "x"
    capture_patterns = {"UserTweets": r"/i/api/graphql/[\w-]+/UserTweets\b",
                        "TweetDetail": r"/i/api/graphql/[\w-]+/TweetDetail\b"}
    permalink_selector = 'article[data-testid="tweet"]'

    @classmethod
    def normalise_target(cls, target: str) -> str:
        target = target.strip()
        match = re.match(r"^(?:https?://)?(?:www\.|mobile\.)?(?:x|twitter)\.com/([^/?#]+)", target)
        return (match.group(1) if match else target).lstrip("@")

    def profile_url(self, run: TargetRun) -> str:
        return self.url(f"/{run.key}")

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        if captured.name != "UserTweets" or captured.data is None:
            return None
        return parser.parse_user_tweets(captured.data)

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'article[data-testid="tweet"][data-tweet-id="{post.post_id}"]').first
