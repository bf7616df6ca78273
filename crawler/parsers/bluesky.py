"""Bluesky public AppView XRPC (`app.bsky.feed.getAuthorFeed`, `app.bsky.feed.getPostThread`): JSON → Posts.

Post ids are the at:// URIs; urls `https://bsky.app/profile/<handle>/post/<rkey>`. A feed item with
`reason.$type == app.bsky.feed.defs#reasonRepost` is a share by `reason.by` (id from `share_post_id`); a record
with `reply.parent` is a reply (parent from the item's `reply.parent` view or the record's strong ref); a pinned
post (`reasonPin`) is marked so the incremental stop ignores it. Times: `record.createdAt` ("Z" → +00:00).
"""
from __future__ import annotations

import json
from typing import Any

from crawler.items import Author, Engagement, Media, Parent, Post, share_post_id
from crawler.parsers.common import ParsedPage, ParseError, hashtags, iso_time, links, merge_unique, mentions

WEB = "https://bsky.app"
REPOST = "app.bsky.feed.defs#reasonRepost"
PIN = "app.bsky.feed.defs#reasonPin"


def handle_from_target(target: str) -> str:
    """"@budi.bsky.social", "https://bsky.app/profile/budi.bsky.social" → "budi.bsky.social"."""
    value = target.strip()
    if "/profile/" in value:
        value = value.split("/profile/", 1)[1].split("/")[0]
    return value.lstrip("@").lower() if not value.startswith("did:") else value


def post_url(handle: str, uri: str) -> str:
    return f"{WEB}/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def load_json(body: str | bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc


def _author(view: dict[str, Any]) -> Author:
    handle = view.get("handle") or view.get("did", "")
    return Author(platform="bluesky", handle=handle, display_name=view.get("displayName") or "",
                  url=f"{WEB}/profile/{handle}")


def _facets(record: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    tags, mention_dids, uris = [], [], []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            kind = feature.get("$type", "")
            if kind.endswith("#tag"):
                tags.append(feature.get("tag", ""))
            elif kind.endswith("#mention"):
                mention_dids.append(feature.get("did", ""))
            elif kind.endswith("#link"):
                uris.append(feature.get("uri", ""))
    return tags, mention_dids, uris


def _media(embed: dict[str, Any] | None) -> tuple[list[Media], list[str], str]:
    """Media, links and a quoted post uri from an embed view."""
    if not embed:
        return [], [], ""
    kind = embed.get("$type", "")
    media: list[Media] = []
    found_links: list[str] = []
    quoted = ""
    if kind.startswith("app.bsky.embed.images"):
        media = [Media(url=i.get("fullsize") or i.get("thumb", ""), type="photo", alt=i.get("alt", ""))
                 for i in embed.get("images") or []]
    elif kind.startswith("app.bsky.embed.video"):
        media = [Media(url=embed.get("playlist", ""), type="video", alt=embed.get("alt", ""))]
    elif kind.startswith("app.bsky.embed.external"):
        ext = embed.get("external") or {}
        media = [Media(url=ext.get("uri", ""), type="link", alt=ext.get("title", ""))]
        found_links = [ext.get("uri", "")]
    elif kind.startswith("app.bsky.embed.recordWithMedia"):
        media, found_links, _ = _media(embed.get("media"))
        quoted = ((embed.get("record") or {}).get("record") or {}).get("uri", "")
    elif kind.startswith("app.bsky.embed.record"):
        quoted = (embed.get("record") or {}).get("uri", "")
    return media, [u for u in found_links if u], quoted


def parse_post_view(view: dict[str, Any], *, parent_view: dict[str, Any] | None = None) -> Post:
    """A `app.bsky.feed.defs#postView` → Post (kind post or reply)."""
    uri = view.get("uri", "")
    record = view.get("record") or {}
    if not uri.startswith("at://") or not isinstance(record, dict):
        raise ParseError("post view without uri or record")
    posted_at = iso_time(record.get("createdAt")) or iso_time(view.get("indexedAt"))
    if not posted_at:
        raise ParseError(f"{uri}: no readable createdAt")
    author = _author(view.get("author") or {})
    text = record.get("text") or ""
    tags, _mention_dids, facet_links = _facets(record)
    media, embed_links, quoted = _media(view.get("embed"))
    kind, parent = "post", None
    reply_ref = record.get("reply") or {}
    if reply_ref.get("parent"):
        kind = "reply"
        parent_uri = reply_ref["parent"].get("uri", "")
        parent_handle = ((parent_view or {}).get("author") or {}).get("handle", "")
        parent = Parent(post_id=parent_uri, url=post_url(parent_handle or parent_uri.split("/")[2], parent_uri),
                        author_handle=parent_handle,
                        text=((parent_view or {}).get("record") or {}).get("text", "") if parent_view else "")
    elif quoted:
        embed_links.append(post_url(quoted.split("/")[2], quoted))
    return Post(
        platform="bluesky", post_id=uri, url=post_url(author.handle, uri), kind=kind, author=author, text=text,
        hashtags=merge_unique(tags, hashtags(text)), mentions=mentions(text),
        links=merge_unique(facet_links, embed_links, links(text)), media=media, posted_at=posted_at,
        parent=parent, lang=",".join(record.get("langs") or []),
        engagement=Engagement(likes=view.get("likeCount"), replies=view.get("replyCount"),
                              shares=view.get("repostCount"), quotes=view.get("quoteCount")),
    )


def parse_feed_item(item: dict[str, Any]) -> tuple[Post, bool]:
    """One getAuthorFeed item → (Post, pinned)."""
    view = item.get("post") or {}
    reply = item.get("reply") or {}
    parent_view = reply.get("parent") if isinstance(reply.get("parent"), dict) else None
    post = parse_post_view(view, parent_view=parent_view)
    reason = item.get("reason") or {}
    if reason.get("$type") == REPOST:
        sharer = _author(reason.get("by") or {})
        original = post
        post = Post(
            platform="bluesky", post_id=share_post_id(original.post_id, sharer.handle), url=original.url,
            kind="share", author=sharer, text=original.text, hashtags=original.hashtags,
            mentions=original.mentions, links=original.links, media=original.media,
            posted_at=iso_time(reason.get("indexedAt")) or original.posted_at,
            parent=Parent(post_id=original.post_id, url=original.url, author_handle=original.author.handle,
                          text=original.text),
            engagement=Engagement(),
        )
    return post, reason.get("$type") == PIN


def parse_author_feed(body: str | bytes) -> ParsedPage:
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("feed"), list):
        raise ParseError("getAuthorFeed response without a feed list")
    page = ParsedPage(next_cursor=data.get("cursor") or None)
    pinned: list[str] = []
    for item in data["feed"]:
        try:
            post, is_pin = parse_feed_item(item)
        except (ParseError, AttributeError, TypeError) as exc:
            page.skipped.append(str(exc))
            continue
        if is_pin:
            pinned.append(post.post_id)
        page.posts.append(post)
    page.profile["pinned"] = pinned
    if not data["feed"]:
        page.next_cursor = None
    return page


def parse_thread(body: str | bytes) -> ParsedPage:
    """getPostThread → the replies under the thread's post (all depths), oldest structure first."""
    data = load_json(body)
    thread = data.get("thread") if isinstance(data, dict) else None
    if not isinstance(thread, dict) or "post" not in thread:
        raise ParseError("getPostThread response without a thread post")
    page = ParsedPage()

    def walk(node: dict[str, Any]) -> None:
        for child in node.get("replies") or []:
            if not isinstance(child, dict) or not child.get("$type", "").endswith("threadViewPost"):
                continue  # notFoundPost / blockedPost
            try:
                page.posts.append(parse_post_view(child["post"], parent_view=node.get("post")))
            except (ParseError, KeyError, TypeError) as exc:
                page.skipped.append(str(exc))
            walk(child)

    walk(thread)
    page.profile["root"] = thread["post"].get("uri", "")
    return page


def xrpc_error(body: str | bytes) -> tuple[str, str]:
    """(error, message) of an XRPC error body ("", "") when not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "", ""
    if isinstance(data, dict):
        return str(data.get("error", "")), str(data.get("message", ""))
    return "", ""
