"""Facebook profiles and pages through a real browser, by the markup fallback: the `div[role="article"]` posts the
page renders, read from the DOM after each scroll (infinite scroll adds more) → Post items.

Before each read of the page, every cut message ("… Lihat selengkapnya" / "See more") in the posts shown is opened
by clicking its button (`crawler.browser.expand`, shared with `pantau recheck`), so the full text is read; shares
carry their original as `parent` (see the parser)."""
from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.browser.capture import Captured
from crawler.browser.expand import expand_cut_texts
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

    async def snapshot(self, page: Any) -> Captured:
        await self.expand_messages(page)
        return await super().snapshot(page)

    async def expand_messages(self, page: Any) -> int:
        """Open every cut message in the posts shown (`crawler.browser.expand`); returns how many were clicked."""
        assert self.config is not None
        clicked = await expand_cut_texts(page, max(1000, self.config.navigation_timeout_ms // 3))
        if clicked:
            self.crawler.stats.inc_value("pantau/facebook/messages_expanded", clicked)
        return clicked

    def parse_captured(self, captured: Captured) -> ParsedPage | None:
        if captured.name != "html":
            return None
        parsed = parser.parse_feed_html(captured.body.decode("utf-8", "replace"))
        cut = parsed.profile.get("truncated") or []
        if cut:
            logger.warning("facebook: %d post(s) read with a cut message (the expander did not open): %s",
                           len(cut), ", ".join(cut[:5]))
            self.crawler.stats.inc_value("pantau/facebook/messages_cut", len(cut))
        return parsed

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'div[role="article"]:has(a[href*="/posts/{post.post_id}"])').first
