"""TikTok → Post: `/api/post/item_list/` (a profile's videos, the web app's own fetch) and the video page's
`<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">` (`__DEFAULT_SCOPE__["webapp.video-detail"].itemInfo.itemStruct`).

item_list answers `{"itemList": [itemStruct...], "cursor": "...", "hasMore": bool, "statusCode": 0}`; a video
page whose item is gone has `statusCode` ≠ 0 (10204: removed/not found, 10216: private) and no itemStruct.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timezone
from typing import Any

from crawler.items import Author, Engagement, Media, Post
from crawler.parsers.common import ParsedPage, ParseError, hashtags, links, merge_unique, mentions

logger = logging.getLogger(__name__)

BASE = "https://www.tiktok.com"
REHYDRATION_RE = re.compile(
    r'<script[^>]*id="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(.*?)</script>', re.DOTALL)
GONE_CODES = {10204: "removed", 10216: "private", 10202: "user not found", 10221: "banned", 10222: "private"}


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def unix_time(value: Any) -> str:
    seconds = _int(value)
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()


def item_to_post(item: dict[str, Any]) -> Post | None:
    """One itemStruct → Post (None when it has no id or author)."""
    if not isinstance(item, dict):
        return None
    item_id = str(item.get("id") or "")
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    handle = author.get("uniqueId") or (item.get("author") if isinstance(item.get("author"), str) else "")
    if not item_id or not handle:
        return None
    text = item.get("desc") or ""
    extras = item.get("textExtra") or []
    stats, stats2 = item.get("stats") or {}, item.get("statsV2") or {}

    def stat(name: str) -> int | None:
        value = _int(stats.get(name))
        return value if value is not None else _int(stats2.get(name))

    video = item.get("video") or {}
    media = [Media(url=video.get("playAddr") or video.get("downloadAddr") or
                   f"{BASE}/@{handle}/video/{item_id}", type="video", alt="")]
    if video.get("cover"):
        media.append(Media(url=video["cover"], type="photo", alt="cover"))
    for image in ((item.get("imagePost") or {}).get("images") or []):
        urls = (image.get("imageURL") or {}).get("urlList") or []
        if urls:
            media.append(Media(url=urls[0], type="photo"))
    return Post(
        platform="tiktok", post_id=item_id, url=f"{BASE}/@{handle}/video/{item_id}",
        author=Author("tiktok", handle, author.get("nickname") or handle, f"{BASE}/@{handle}"),
        text=text,
        hashtags=merge_unique([e.get("hashtagName", "") for e in extras if e.get("hashtagName")], hashtags(text)),
        mentions=merge_unique([e.get("userUniqueId", "") for e in extras if e.get("userUniqueId")], mentions(text)),
        links=links(text), media=media, posted_at=unix_time(item.get("createTime")),
        lang=item.get("textLanguage") or "",
        engagement=Engagement(likes=stat("diggCount"), replies=stat("commentCount"), shares=stat("shareCount"),
                              views=stat("playCount")),
    )


def parse_item_list(data: Any) -> ParsedPage:
    """An item_list response → posts and the next cursor (None when `hasMore` is false)."""
    if not isinstance(data, dict) or "statusCode" not in data and "itemList" not in data:
        raise ParseError("not an item_list response")
    page = ParsedPage()
    status = _int(data.get("statusCode")) or 0
    if status:
        page.profile["status_code"] = status
        return page
    for item in data.get("itemList") or []:
        post = item_to_post(item)
        if post is None:
            page.skipped.append("item without id or author")
        else:
            page.posts.append(post)
    if data.get("hasMore") and data.get("itemList"):
        page.next_cursor = str(data.get("cursor") or "")
    return page


def rehydration_data(html: str) -> dict[str, Any]:
    match = REHYDRATION_RE.search(html)
    if not match:
        raise ParseError("no __UNIVERSAL_DATA_FOR_REHYDRATION__ script")
    try:
        return json.loads(match.group(1))
    except ValueError as exc:
        raise ParseError(f"unreadable rehydration JSON: {exc}") from exc


def parse_video_page(html_or_data: str | dict[str, Any]) -> ParsedPage:
    """A video page → its one post; `profile["missing"]` when TikTok says the item is gone."""
    data = rehydration_data(html_or_data) if isinstance(html_or_data, str) else html_or_data
    detail = (data.get("__DEFAULT_SCOPE__") or {}).get("webapp.video-detail")
    page = ParsedPage()
    if not isinstance(detail, dict):
        raise ParseError("no webapp.video-detail scope")
    status = _int(detail.get("statusCode")) or 0
    item = (detail.get("itemInfo") or {}).get("itemStruct")
    if status or not item:
        page.profile["missing"] = True
        page.profile["status_code"] = status
        page.profile["reason"] = GONE_CODES.get(status, detail.get("statusMsg") or "unavailable")
        return page
    post = item_to_post(item)
    if post is not None:
        page.posts.append(post)
    return page
