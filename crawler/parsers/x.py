"""X (Twitter) web GraphQL → Post: `UserTweets` timelines and `TweetDetail` conversations, as x.com's app loads them.

Shapes follow the real responses: `data.user.result.timeline.timeline.instructions[]` (UserTweets) and
`data.threaded_conversation_with_injections_v2.instructions[]` (TweetDetail); entries are `tweet-<id>` items,
`profile-conversation-*`/`conversationthread-*` modules and `cursor-bottom-*` cursors; a pinned tweet comes in a
`TimelinePinEntry`. A tweet result may be wrapped (`TweetWithVisibilityResults`) or gone (`TweetTombstone`); a
deleted tweet's TweetDetail answers `errors: [{"message": "_Missing: No status found with that ID."}]`.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from crawler.items import Author, Engagement, Media, Parent, Post
from crawler.parsers.common import ParsedPage, ParseError, hashtags, merge_unique, mentions

logger = logging.getLogger(__name__)

BASE = "https://x.com"


def x_time(value: str) -> str:
    """"Wed Jul 08 15:46:13 +0000 2026" → "2026-07-08T15:46:13+00:00"."""
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").isoformat()
    except (TypeError, ValueError):
        return ""


def _count(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _unwrap(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if not isinstance(result, dict):
        return None
    if result.get("__typename") == "TweetWithVisibilityResults":
        result = result.get("tweet")
    if not isinstance(result, dict) or result.get("__typename") in ("TweetTombstone", "TweetUnavailable"):
        return None
    return result if isinstance(result.get("legacy"), dict) else None


def _user(result: dict[str, Any]) -> tuple[str, str]:
    user = ((result.get("core") or {}).get("user_results") or {}).get("result") or {}
    core, legacy = user.get("core") or {}, user.get("legacy") or {}
    handle = core.get("screen_name") or legacy.get("screen_name") or ""
    return handle, core.get("name") or legacy.get("name") or handle


def _text(result: dict[str, Any], legacy: dict[str, Any]) -> str:
    note = ((result.get("note_tweet") or {}).get("note_tweet_results") or {}).get("result") or {}
    text = note.get("text") or legacy.get("full_text") or ""
    entities = legacy.get("entities") or {}
    for url in entities.get("urls") or []:
        if url.get("url") and url.get("expanded_url"):
            text = text.replace(url["url"], url["expanded_url"])
    for media in entities.get("media") or []:  # the trailing pic.x.com link of attached media
        if media.get("url"):
            text = text.replace(media["url"], "")
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip()


def _media(legacy: dict[str, Any]) -> list[Media]:
    found = []
    for item in (legacy.get("extended_entities") or legacy.get("entities") or {}).get("media") or []:
        kind = item.get("type") or "photo"
        url = item.get("media_url_https") or ""
        if kind in ("video", "animated_gif"):
            variants = [v for v in (item.get("video_info") or {}).get("variants") or []
                        if v.get("content_type") == "video/mp4"]
            if variants:
                url = max(variants, key=lambda v: v.get("bitrate") or 0)["url"]
        found.append(Media(url=url, type="video" if kind == "animated_gif" else kind,
                           alt=item.get("ext_alt_text") or ""))
    return found


def tweet_to_post(result: dict[str, Any] | None) -> Post | None:
    """One tweet result → Post (None for tombstones and unreadable results)."""
    tweet = _unwrap(result)
    if tweet is None:
        return None
    legacy = tweet["legacy"]
    tweet_id = tweet.get("rest_id") or legacy.get("id_str") or ""
    handle, name = _user(tweet)
    if not tweet_id or not handle:
        return None
    text = _text(tweet, legacy)
    entities = legacy.get("entities") or {}
    post = Post(
        platform="x", post_id=tweet_id, url=f"{BASE}/{handle}/status/{tweet_id}",
        author=Author("x", handle, name, f"{BASE}/{handle}"),
        posted_at=x_time(legacy.get("created_at", "")), lang=legacy.get("lang") or "",
        media=_media(legacy),
        engagement=Engagement(likes=_count(legacy.get("favorite_count")), replies=_count(legacy.get("reply_count")),
                              shares=_count(legacy.get("retweet_count")), quotes=_count(legacy.get("quote_count")),
                              views=_count((tweet.get("views") or {}).get("count"))),
    )
    original = _unwrap((legacy.get("retweeted_status_result") or {}).get("result"))
    quoted = _unwrap((tweet.get("quoted_status_result") or {}).get("result"))
    if original is not None:
        inner = tweet_to_post(original)
        post.kind = "share"
        if inner is not None:
            text, entities = inner.text, original["legacy"].get("entities") or {}
            post.media = inner.media
            post.parent = Parent(inner.post_id, inner.url, inner.author.handle, text=inner.text)
    elif legacy.get("in_reply_to_status_id_str"):
        parent_handle = legacy.get("in_reply_to_screen_name") or ""
        parent_id = legacy["in_reply_to_status_id_str"]
        post.kind = "reply"
        post.parent = Parent(parent_id, f"{BASE}/{parent_handle}/status/{parent_id}" if parent_handle else "",
                             parent_handle)
    elif quoted is not None:
        inner = tweet_to_post(quoted)
        if inner is not None:
            post.kind = "share"
            post.parent = Parent(inner.post_id, inner.url, inner.author.handle, text=inner.text)
    post.text = text
    post.hashtags = merge_unique([h.get("text", "") for h in entities.get("hashtags") or []], hashtags(text))
    post.mentions = merge_unique([m.get("screen_name", "") for m in entities.get("user_mentions") or []],
                                 mentions(text))
    post.links = merge_unique([u.get("expanded_url", "") for u in entities.get("urls") or []])
    return post


def _entry_results(entry: dict[str, Any]) -> list[dict[str, Any]]:
    content = entry.get("content") or {}
    if entry.get("entryId", "").startswith(("promoted-", "who-to-follow-")):
        return []
    results = []
    item_content = content.get("itemContent") or {}
    if item_content.get("itemType") == "TimelineTweet" or item_content.get("__typename") == "TimelineTweet":
        results.append((item_content.get("tweet_results") or {}).get("result"))
    for item in content.get("items") or []:
        inner = (item.get("item") or {}).get("itemContent") or {}
        if inner.get("__typename") == "TimelineTweet":
            results.append((inner.get("tweet_results") or {}).get("result"))
    return [r for r in results if isinstance(r, dict)]


def _cursor(entry: dict[str, Any]) -> str | None:
    content = entry.get("content") or {}
    if content.get("cursorType") == "Bottom":
        return content.get("value")
    inner = content.get("itemContent") or {}
    if inner.get("cursorType") == "Bottom":
        return inner.get("value")
    return None


def parse_instructions(instructions: list[dict[str, Any]]) -> ParsedPage:
    page = ParsedPage()
    pinned: list[str] = []
    seen: set[str] = set()
    for instruction in instructions:
        kind = instruction.get("type")
        entries = instruction.get("entries") or ([instruction["entry"]] if instruction.get("entry") else [])
        for entry in entries:
            cursor = _cursor(entry)
            if cursor:
                page.next_cursor = cursor
                continue
            for result in _entry_results(entry):
                post = tweet_to_post(result)
                if post is None:
                    page.skipped.append(f"{entry.get('entryId')}: unavailable tweet")
                    continue
                if post.post_id in seen:
                    continue
                seen.add(post.post_id)
                page.posts.append(post)
                if kind == "TimelinePinEntry":
                    pinned.append(post.post_id)
    page.profile["pinned_ids"] = pinned
    return page


def parse_user_tweets(data: Any) -> ParsedPage:
    """A `UserTweets` response → posts (timeline order) and the bottom cursor."""
    try:
        timeline = data["data"]["user"]["result"]["timeline"]
        instructions = (timeline.get("timeline") or timeline)["instructions"]
    except (KeyError, TypeError) as exc:
        raise ParseError(f"not a UserTweets response: missing {exc}") from exc
    page = parse_instructions(instructions)
    if not any(e for i in instructions for e in (i.get("entries") or []) if _entry_results(e)):
        page.next_cursor = None  # an empty page still carries a cursor: stop there
    return page


def parse_tweet_detail(data: Any) -> ParsedPage:
    """A `TweetDetail` response → the focal tweet first, then the conversation; `profile["missing"]` when deleted."""
    if isinstance(data, dict) and data.get("errors") and not (data.get("data") or {}).get(
            "threaded_conversation_with_injections_v2"):
        message = "; ".join(str(e.get("message", "")) for e in data["errors"] if isinstance(e, dict))
        page = ParsedPage()
        page.profile["missing"] = "_Missing" in message or "No status found" in message
        page.profile["error"] = message
        return page
    try:
        instructions = data["data"]["threaded_conversation_with_injections_v2"]["instructions"]
    except (KeyError, TypeError) as exc:
        raise ParseError(f"not a TweetDetail response: missing {exc}") from exc
    return parse_instructions(instructions)
