"""ValidatePipeline: drop items that are not valid Posts before anything else sees them, saying why.

Spiders parse hostile pages; a broken page must cost one item with a clear log line, never a crash or a half
document in the index. Control characters are removed from text fields here, once, for every later stage.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import KINDS, PLATFORMS, Post

logger = logging.getLogger(__name__)

# C0/C1 controls except tab and newline; NUL and friends come from binary junk in pages.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value)


def problems(post: Post) -> list[str]:
    found = []
    if post.platform not in PLATFORMS:
        found.append(f"unknown platform {post.platform!r}")
    if not post.post_id:
        found.append("no post_id")
    if post.kind not in KINDS:
        found.append(f"unknown kind {post.kind!r}")
    for name in ("posted_at", "fetched_at"):
        value = getattr(post, name)
        if value:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                found.append(f"{name} is not ISO 8601: {value[:40]!r}")
                continue
            if parsed.tzinfo is None:
                found.append(f"{name} has no UTC offset: {value!r}")
    return found


class ValidatePipeline:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        if not crawler.settings.getbool("VALIDATE_ENABLED", True):
            raise NotConfigured
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Post):
            return item
        for name in ("text", "title"):
            setattr(item, name, clean_text(getattr(item, name) or ""))
        item.author.display_name = clean_text(item.author.display_name)
        found = problems(item)
        if found:
            raise DropItem(f"invalid post {item.platform}:{item.post_id[:80]} from {item.url[:200]}: "
                           + "; ".join(found))
        return item
