"""Threads (threads.net) → Post: the profile page's embedded `data-sjs` JSON and the GraphQL pages loaded on scroll.

Both hold `thread_items` lists (under `mediaData.edges[].node`, deep inside Relay's preloader structures on the page),
each item a `post`: {pk, code, caption: {text}, taken_at, like_count, text_post_app_info: {direct_reply_count,
repost_count, quote_count, reply_to_author: {username}}, user: {username, full_name}, image_versions2,
video_versions, accessibility_caption}; paging in `page_info` {has_next_page, end_cursor} next to `edges`.
The post id is the code (`https://www.threads.net/@<handle>/post/<code>`).

A reply's thread lists the post it answers first, then the reply (`reply_to_author` names the parent's author): the
reply gets `kind="reply"` and `parent` {post_id, url, author_handle, text} from the item before it (only the author
when the parent is not in the list); a reply to oneself continues a thread and stays a post. A repost is the
reposter's item with the original in `text_post_app_info.share_info.reposted_post`: `kind="share"`, the original's
text, media and URL, `parent` the original, and an id built from the original's code and the reposter
(`share_post_id`: a repost has no page of its own). A quote (`share_info.quoted_post`) is a share with its own code
and words, the quoted post as `parent`.
"""
from __future__ import annotations

import logging
from typing import Any, Iterator

from crawler.items import Author, Engagement, Media, Parent, Post, share_post_id
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


def _info(raw: dict[str, Any]) -> dict[str, Any]:
    info = raw.get("text_post_app_info")
    return info if isinstance(info, dict) else {}


def _shared(info: dict[str, Any], key: str) -> dict[str, Any] | None:
    share = info.get("share_info") if isinstance(info.get("share_info"), dict) else {}
    found = share.get(key)
    return found if isinstance(found, dict) else None


def _as_parent(post: Post) -> Parent:
    return Parent(post_id=post.post_id, url=post.url, author_handle=post.author.handle, text=post.text)


def _repost(raw: dict[str, Any], reposter: Author, original: Post) -> Post:
    return Post(
        platform="threads", post_id=share_post_id(original.post_id, reposter.handle), url=original.url,
        kind="share", author=reposter, text=original.text, hashtags=original.hashtags, mentions=original.mentions,
        links=original.links, media=original.media, posted_at=unix_time(raw.get("taken_at")) or original.posted_at,
        parent=_as_parent(original),
    )


def post_to_post(raw: dict[str, Any], previous: dict[str, Any] | None = None) -> Post | None:
    """One thread item's `post` → Post (None without a code or an author); `previous` is the item before it in
    the same thread (the post a reply answers)."""
    if not isinstance(raw, dict):
        return None
    code = str(raw.get("code") or "")
    user = raw.get("user") if isinstance(raw.get("user"), dict) else {}
    handle = user.get("username") or ""
    if not code or not handle:
        return None
    author = Author("threads", handle, user.get("full_name") or handle, f"{BASE}/@{handle}")
    info = _info(raw)
    reposted = _shared(info, "reposted_post")
    original = post_to_post(reposted) if reposted is not None else None
    if original is not None:
        return _repost(raw, author, original)
    text = str((raw.get("caption") or {}).get("text") or "") if isinstance(raw.get("caption"), dict) else ""
    post = Post(
        platform="threads", post_id=code, url=f"{BASE}/@{handle}/post/{code}", author=author,
        text=text, hashtags=hashtags(text), mentions=mentions(text), links=links(text), media=_media(raw),
        posted_at=unix_time(raw.get("taken_at")),
        engagement=Engagement(likes=_int(raw.get("like_count")), replies=_int(info.get("direct_reply_count")),
                              shares=_int(info.get("repost_count")), quotes=_int(info.get("quote_count"))),
    )
    reply_to = info.get("reply_to_author") if isinstance(info.get("reply_to_author"), dict) else None
    parent_handle = str((reply_to or {}).get("username") or "")
    quoted = _shared(info, "quoted_post")
    if parent_handle and parent_handle.lower() != handle.lower():
        post.kind = "reply"
        answered = post_to_post(previous) if previous is not None else None
        if answered is not None and answered.author.handle.lower() == parent_handle.lower():
            post.parent = _as_parent(answered)
        else:
            post.parent = Parent(author_handle=parent_handle)
    elif quoted is not None:
        inner = post_to_post(quoted)
        if inner is not None:
            post.kind = "share"
            post.parent = _as_parent(inner)
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
            previous = None
            for item in inner:
                raw = item.get("post") if isinstance(item, dict) else None
                post = post_to_post(raw, previous)
                previous = raw if isinstance(raw, dict) else None
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
