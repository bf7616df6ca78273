"""Instagram profiles through a real browser: the profile's own `web_profile_info` and profile-posts GraphQL
responses → Post items (post id = shortcode).

The profile page can load while its data requests are refused: Instagram answers them HTTP 401
`{"require_login": true, "status": "fail"}` (no session, or a dead one) or `checkpoint_required`. Such an answer
is the target's status (login wall, or session expired when an operator's session was in use), never "no posts";
posts read before a later page was refused are kept, and the run still counts as cut short.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from crawler.browser.capture import Captured, NetworkCapture
from crawler.browser.detect import PageVerdict, target_status
from crawler.browser.spider import BrowserSpider
from crawler.crawling.base import TargetRun
from crawler.items import Post
from crawler.parsers import instagram as parser
from crawler.parsers.common import ParsedPage

logger = logging.getLogger(__name__)


def refusal(captured: Captured) -> PageVerdict | None:
    """What a refused data answer means (login wall or checkpoint); None for an answer that is not a refusal."""
    if captured.status == 429:
        return None  # the base spider reports rate limits
    profile = parser.failure(captured.data) or {}
    evidence = f"{captured.name} HTTP {captured.status}"
    if profile.get("checkpoint"):
        return PageVerdict("checkpoint", f"{evidence} checkpoint_required")
    if profile.get("require_login") or captured.status == 401:
        return PageVerdict("login_wall", evidence + (" require_login" if profile.get("require_login") else ""))
    return None


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

    async def read_feed(self, page: Any, capture: NetworkCapture, run: TargetRun) -> list[tuple[Post, Captured]]:
        found = await super().read_feed(page, capture, run)
        if not run.status:
            verdict = next((v for v in map(refusal, capture.items) if v is not None), None)
            if verdict is not None:
                self.report_refusal(verdict, run)
        return found

    def report_refusal(self, verdict: PageVerdict, run: TargetRun) -> None:
        """A refused data request → login_wall / blocked, or session_expired when a session was in use."""
        status, reason = target_status(verdict, has_session=self.session_file() is not None)
        self.crawler.stats.inc_value("pantau/browser/data_refused")
        self.report_target_status(status, f"{reason}; permintaan data ditolak ({verdict.evidence})", run)

    def post_locator(self, page: Any, post: Post) -> Any:
        return page.locator(f'[data-shortcode="{post.post_id}"]').first
