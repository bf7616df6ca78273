"""Instagram web JSON → Post: `web_profile_info` (the profile's first posts) and the profile-posts GraphQL pages.

Both carry `edge_owner_to_timeline_media` {count, page_info: {has_next_page, end_cursor}, edges: [{node}]}:
`web_profile_info` under `data.user` (with the profile: id, username, full_name), the GraphQL query page under
`data.user` too. A node: id, shortcode, taken_at_timestamp, edge_media_to_caption.edges[0].node.text,
edge_liked_by / edge_media_preview_like {count}, edge_media_to_comment {count}, display_url,
accessibility_caption, is_video, video_view_count, owner {id, username}; a carousel (`GraphSidecar`) lists its
children in edge_sidecar_to_children. The post id is the shortcode (`https://www.instagram.com/p/<shortcode>/`).
A post page embeds its node as `shortcode_media` / `xdt_shortcode_media` in a `data-sjs` JSON script.
A refused data request answers `{"message", "status": "fail"}` instead, with `require_login: true` (HTTP 401: no
or a dead session) or `message: "checkpoint_required"` and a `checkpoint_url` (the account must be verified):
`parse_timeline` returns no posts and says so in `profile` (`error`, `require_login`, `checkpoint`).
"""
from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timezone
from typing import Any, Iterator

from crawler.items import Author, Engagement, Media, Post
from crawler.parsers.common import ParsedPage, ParseError, hashtags, links, mentions

logger = logging.getLogger(__name__)

BASE = "https://www.instagram.com"
SJS_RE = re.compile(r'<script[^>]*type="application/json"[^>]*data-sjs[^>]*>(.*?)</script>', re.DOTALL)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def unix_time(value: Any) -> str:
    seconds = _int(value)
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat() if seconds is not None else ""


def _count(node: dict[str, Any], *names: str) -> int | None:
    for name in names:
        value = node.get(name)
        if isinstance(value, dict) and _int(value.get("count")) is not None:
            return _int(value.get("count"))
    return None


def _caption(node: dict[str, Any]) -> str:
    edges = (node.get("edge_media_to_caption") or {}).get("edges") or []
    if edges and isinstance(edges[0], dict):
        return str((edges[0].get("node") or {}).get("text") or "")
    return ""


def _media_of(node: dict[str, Any]) -> list[Media]:
    children = [(e or {}).get("node") or {} for e in (node.get("edge_sidecar_to_children") or {}).get("edges") or []]
    found = []
    for item in children or [node]:
        video = bool(item.get("is_video"))
        url = (item.get("video_url") if video else None) or item.get("display_url") or ""
        if url:
            found.append(Media(url=url, type="video" if video else "photo",
                               alt=item.get("accessibility_caption") or ""))
    return found


def node_to_post(node: dict[str, Any], owner_handle: str = "", owner_name: str = "") -> Post | None:
    """One timeline media node → Post (None without a shortcode or an owner)."""
    if not isinstance(node, dict):
        return None
    code = str(node.get("shortcode") or node.get("code") or "")
    owner = node.get("owner") if isinstance(node.get("owner"), dict) else {}
    handle = owner.get("username") or owner_handle
    if not code or not handle:
        return None
    name = owner.get("full_name") or (owner_name if handle == owner_handle else "") or handle
    text = _caption(node)
    return Post(
        platform="instagram", post_id=code, url=f"{BASE}/p/{code}/",
        author=Author("instagram", handle, name, f"{BASE}/{handle}/"),
        text=text, hashtags=hashtags(text), mentions=mentions(text), links=links(text), media=_media_of(node),
        posted_at=unix_time(node.get("taken_at_timestamp")),
        engagement=Engagement(likes=_count(node, "edge_liked_by", "edge_media_preview_like"),
                              replies=_count(node, "edge_media_to_comment", "edge_media_preview_comment"),
                              views=_int(node.get("video_view_count")) if node.get("is_video") else None),
    )


def failure(data: Any) -> dict[str, Any] | None:
    """A refused request's answer (`{"message", "status": "fail", ...}`) → {error, require_login, checkpoint};
    None for any other answer."""
    if not isinstance(data, dict) or data.get("status") != "fail":
        return None
    message = str(data.get("message") or "")
    return {"error": message, "require_login": bool(data.get("require_login")),
            "checkpoint": bool(data.get("checkpoint_url")) or message == "checkpoint_required"}


def parse_timeline(data: Any) -> ParsedPage:
    """A `web_profile_info` or profile-posts GraphQL response → posts (newest first) and the end cursor."""
    try:
        user = data["data"]["user"]
        timeline = user["edge_owner_to_timeline_media"]
    except (KeyError, TypeError) as exc:
        refused = failure(data)
        if refused is not None:
            page = ParsedPage()
            page.profile.update(refused)
            return page
        raise ParseError(f"not an Instagram timeline response: missing {exc}") from exc
    if not isinstance(user, dict) or not isinstance(timeline, dict):
        raise ParseError("not an Instagram timeline response")
    page = ParsedPage()
    page.profile.update({k: user.get(k) for k in ("id", "username", "full_name", "is_private") if k in user})
    handle, name = user.get("username") or "", user.get("full_name") or ""
    for edge in timeline.get("edges") or []:
        post = node_to_post((edge or {}).get("node") or {}, handle, name)
        if post is None:
            page.skipped.append("node without shortcode or owner")
        else:
            page.posts.append(post)
    info = timeline.get("page_info") or {}
    if info.get("has_next_page") and info.get("end_cursor") and timeline.get("edges"):
        page.next_cursor = str(info["end_cursor"])
    return page


def _walk(value: Any, keys: tuple[str, ...]) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys:
                yield inner
            yield from _walk(inner, keys)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, keys)


def sjs_blobs(html: str) -> list[Any]:
    """The parsed `<script type="application/json" data-sjs>` blobs of a page (unreadable ones skipped)."""
    found = []
    for raw in SJS_RE.findall(html):
        try:
            found.append(json.loads(raw))
        except ValueError:
            logger.debug("instagram: unreadable data-sjs blob skipped")
    return found


def parse_post_page(html: str) -> ParsedPage:
    """A post page (`/p/<shortcode>/`) → its one post; `profile["missing"]` when the page says it is gone."""
    page = ParsedPage()
    for blob in sjs_blobs(html):
        for media in _walk(blob, ("shortcode_media", "xdt_shortcode_media")):
            post = node_to_post(media) if isinstance(media, dict) else None
            if post is not None:
                page.posts.append(post)
                return page
    if "Sorry, this page isn" in html:
        page.profile["missing"] = True
        return page
    raise ParseError("no shortcode_media on the post page")
