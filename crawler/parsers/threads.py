"""Threads (threads.net) → Post: the profile page's embedded `data-sjs` JSON and the GraphQL pages loaded on scroll.

Both hold `thread_items` lists (under `mediaData.edges[].node`, deep inside Relay's preloader structures on the page),
each item a `post`: {pk, code, caption: {text}, taken_at, like_count, text_post_app_info: {direct_reply_count,
repost_count, quote_count, reply_to_author: {username}}, user: {username, full_name}, image_versions2,
video_versions, accessibility_caption}; paging in `page_info` {has_next_page, end_cursor} next to `edges`.
The post id is the code (`https://www.threads.net/@<handle>/post/<code>`).
"""
from __future__ import annotations

import logging
from typing import Any, Iterator

from crawler.items import Author, Engagement, Media, Parent, Post
from crawler.parsers.common import ParsedPage, ParseError, hashtags, links, mentions
from crawler.parsers.instagram import sjs_blobs, unix_time

logger = logging.getLogger(__name__)

BASE = "https://www.threads.net"


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _media(post: dict[str, Any]) -> list[Media]:
    found = []
    items = post.get("carousel_media") or [post]
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        videos = item.get("video_versions") or []
        images = ((item.get("image_versions2") or {}).get("candidates")) or []
        alt = item.get("accessibility_caption") or ""
        if videos and isinstance(videos[0], dict) and videos[0].get("url"):
            found.append(Media(url=videos[0]["url"], type="video", alt=alt))
        elif images and isinstance(images[0], dict) and images[0].get("url"):
            found.append(Media(url=images[0]["url"], type="photo", alt=alt))
    return found


def post_to_post(raw: dict[str, Any]) -> Post | None:
    """One thread item's `post` → Post (None without a code or an author)."""
    if not isinstance(raw, dict):
        return None
    code = str(raw.get("code") or "")
    user = raw.get("user") if isinstance(raw.get("user"), dict) else {}
    handle = user.get("username") or ""
    if not code or not handle:
        return None
    text = str((raw.get("caption") or {}).get("text") or "") if isinstance(raw.get("caption"), dict) else ""
    info = raw.get("text_post_app_info") if isinstance(raw.get("text_post_app_info"), dict) else {}
    post = Post(
        platform="threads", post_id=code, url=f"{BASE}/@{handle}/post/{code}",
        author=Author("threads", handle, user.get("full_name") or handle, f"{BASE}/@{handle}"),
        text=text, hashtags=hashtags(text), mentions=mentions(text), links=links(text), media=_media(raw),
        posted_at=unix_time(raw.get("taken_at")),
        engagement=Engagement(likes=_int(raw.get("like_count")), replies=_int(info.get("direct_reply_count")),
                              shares=_int(info.get("repost_count")), quotes=_int(info.get("quote_count"))),
    )
    reply_to = info.get("reply_to_author") if isinstance(info.get("reply_to_author"), dict) else None
    if reply_to and reply_to.get("username") and reply_to["username"].lower() != handle.lower():
        post.kind = "reply"
        post.parent = Parent(author_handle=reply_to["username"])
    return post


def _walk(value: Any) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key, inner, value
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def parse_data(data: Any) -> ParsedPage:
    """Any Threads JSON (a page blob or a GraphQL answer) → the posts of its `thread_items`, in order, and the
    end cursor; ParseError when it holds no `thread_items` at all."""
    page = ParsedPage()
    seen: set[str] = set()
    found_items = False
    for key, inner, parent in _walk(data):
        if key == "thread_items" and isinstance(inner, list):
            found_items = True
            for item in inner:
                post = post_to_post((item or {}).get("post") if isinstance(item, dict) else None)
                if post is None:
                    page.skipped.append("thread item without code or user")
                elif post.post_id not in seen:
                    seen.add(post.post_id)
                    page.posts.append(post)
        elif key == "page_info" and isinstance(inner, dict) and "edges" in parent:
            if inner.get("has_next_page") and inner.get("end_cursor"):
                page.next_cursor = str(inner["end_cursor"])
    if not found_items:
        raise ParseError("no thread_items in the Threads data")
    return page


def parse_page(html: str) -> ParsedPage:
    """A profile or post page → the posts in its embedded `data-sjs` blobs (ParseError when none holds any)."""
    merged = ParsedPage()
    seen: set[str] = set()
    found = False
    for blob in sjs_blobs(html):
        try:
            parsed = parse_data(blob)
        except ParseError:
            continue
        found = True
        merged.next_cursor = merged.next_cursor or parsed.next_cursor
        merged.skipped += parsed.skipped
        for post in parsed.posts:
            if post.post_id not in seen:
                seen.add(post.post_id)
                merged.posts.append(post)
    if not found:
        raise ParseError("no data-sjs blob with thread_items")
    return merged
