"""X (x.com) as its web app loads it: an app shell whose script fetches `UserTweets` / `TweetDetail` GraphQL JSON
(shaped like the real responses: instructions, tweet-/cursor- entries, core.user_results, legacy), renders
`article[data-testid=tweet]`, and loads more on scroll. Login wall: `/i/flow/login`; removed post: TweetDetail
errors `_Missing` and the page says "Hmm...this page doesn’t exist".
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from crawler.mocksite.browser_common import (HTML, JSON, decode_cursor, encode_cursor, session_state, shell)
from crawler.mocksite.world import World, WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

LOGIN_PATH = "/i/flow/login"
_TAG_RE = re.compile(r"(?<![\w#])#(\w+)")
_MENTION_RE = re.compile(r"(?<![\w@])@(\w{1,15})")
_URL_RE = re.compile(r"https?://[^\s]+")


def x_date(posted_at: str) -> str:
    moment = datetime.fromisoformat(posted_at).astimezone(timezone.utc)
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def user_result(world: World, handle: str) -> dict[str, Any]:
    account = world.account("x", handle)
    name = account.display_name if account else handle
    rest_id = account.id if account else str(abs(hash(handle)))[:12]
    return {"__typename": "User", "id": "VXNlcjo" + rest_id, "rest_id": rest_id,
            "core": {"created_at": "Mon Jan 01 00:00:00 +0000 2018", "name": name, "screen_name": handle},
            "avatar": {"image_url": "https://pbs.twimg.com/profile_images/1/avatar_normal.jpg"},
            "legacy": {"followers_count": 120, "statuses_count": 40}, "privacy": {"protected": False},
            "verification": {"verified": False}}


def _tco(url: str) -> str:
    return "https://t.co/" + hashlib.sha256(url.encode()).hexdigest()[:10]


def _legacy(world: World, post: WorldPost, text: str) -> dict[str, Any]:
    full_text, urls = text, []
    for match in _URL_RE.finditer(text):
        short = _tco(match.group(0))
        full_text = full_text.replace(match.group(0), short, 1)
        urls.append({"display_url": match.group(0).split("://", 1)[1][:24], "expanded_url": match.group(0),
                     "url": short, "indices": [0, 0]})
    for item in urls:
        start = full_text.find(item["url"])
        item["indices"] = [start, start + len(item["url"])]
    counts = post.counts or {}
    account = world.account("x", post.handle)
    legacy: dict[str, Any] = {
        "bookmark_count": 0, "bookmarked": False, "conversation_id_str": post.id, "created_at": x_date(post.posted_at),
        "display_text_range": [0, len(full_text)],
        "entities": {"hashtags": [{"indices": [m.start(), m.end()], "text": m.group(1)}
                                  for m in _TAG_RE.finditer(full_text)],
                     "symbols": [], "timestamps": [], "urls": urls,
                     "user_mentions": [{"id_str": "1", "indices": [m.start(), m.end()], "name": m.group(1),
                                        "screen_name": m.group(1)} for m in _MENTION_RE.finditer(full_text)]},
        "favorite_count": counts.get("likes", 0), "favorited": False, "full_text": full_text,
        "id_str": post.id, "is_quote_status": False, "lang": "in", "quote_count": counts.get("quotes", 0),
        "reply_count": counts.get("replies", 0), "retweet_count": counts.get("shares", 0), "retweeted": False,
        "user_id_str": account.id if account else "0",
    }
    for media in post.media:
        entry = {"display_url": "pic.x.com/abc", "expanded_url": f"https://x.com/{post.handle}/status/{post.id}/photo/1",
                 "id_str": "1", "media_key": "3_1", "media_url_https": media.get("url", ""), "type": "photo",
                 "url": _tco(media.get("url", "")), "ext_alt_text": media.get("alt", ""),
                 "ext_media_availability": {"status": "Available"}}
        legacy.setdefault("extended_entities", {"media": []})["media"].append(entry)
        legacy["entities"].setdefault("media", []).append(entry)
        legacy["full_text"] += " " + entry["url"]
    return legacy


def tweet_result(world: World, post: WorldPost) -> dict[str, Any]:
    text = post.text
    legacy: dict[str, Any]
    parent = world.post("x", post.parent["handle"], post.parent["id"]) if post.parent else None
    if post.kind == "share" and parent is not None:
        legacy = _legacy(world, post, f"RT @{parent.handle}: {parent.text}"[:140])
        legacy["retweeted_status_result"] = {"result": tweet_result(world, parent)}
        legacy["retweet_count"] = (parent.counts or {}).get("shares", 0)
    else:
        legacy = _legacy(world, post, text)
    if post.kind == "reply" and post.parent:
        legacy["in_reply_to_screen_name"] = post.parent["handle"]
        legacy["in_reply_to_status_id_str"] = post.parent["id"]
        parent_account = world.account("x", post.parent["handle"])
        legacy["in_reply_to_user_id_str"] = parent_account.id if parent_account else "0"
    return {"__typename": "Tweet", "rest_id": post.id,
            "core": {"user_results": {"result": user_result(world, post.handle)}},
            "edit_control": {"edit_tweet_ids": [post.id], "editable_until_msecs": "0", "edits_remaining": "5",
                             "is_edit_eligible": False},
            "is_translatable": False, "source": "<a href=\"https://x.com\">X Web App</a>",
            "views": {"count": str((post.counts or {}).get("views", 0)), "state": "EnabledWithCount"},
            "legacy": legacy}


def _item(world: World, post: WorldPost, entry_prefix: str = "tweet-") -> dict[str, Any]:
    return {"entryId": f"{entry_prefix}{post.id}", "sortIndex": post.id,
            "content": {"__typename": "TimelineTimelineItem", "entryType": "TimelineTimelineItem",
                        "itemContent": {"__typename": "TimelineTweet", "itemType": "TimelineTweet",
                                        "tweetDisplayType": "Tweet",
                                        "tweet_results": {"result": tweet_result(world, post)}}}}


def _cursor_entry(kind: str, value: str) -> dict[str, Any]:
    return {"entryId": f"cursor-{kind.lower()}-{value[-8:]}", "sortIndex": "0",
            "content": {"__typename": "TimelineTimelineCursor", "cursorType": kind,
                        "entryType": "TimelineTimelineCursor", "value": value}}


def user_tweets(world: World, handle: str, cursor: str | None, count: int) -> dict[str, Any]:
    posts = [p for p in world.posts_of("x", handle) if p.kind != "comment"]
    pinned = [p for p in posts if p.pinned]
    rest = [p for p in posts if not p.pinned]
    offset = decode_cursor(cursor)
    chunk = rest[offset:offset + count]
    instructions: list[dict[str, Any]] = [{"type": "TimelineClearCache"}]
    if pinned and offset == 0:
        instructions.append({"type": "TimelinePinEntry", "entry": _item(world, pinned[0])})
    entries = [_item(world, p) for p in chunk]
    entries.append(_cursor_entry("Top", encode_cursor(0)))
    entries.append(_cursor_entry("Bottom", encode_cursor(offset + count)))
    instructions.append({"type": "TimelineAddEntries", "entries": entries})
    return {"data": {"user": {"result": {"__typename": "User", "timeline": {"timeline": {
        "instructions": instructions, "metadata": {"scribeConfig": {"page": "profileBest"}}}}}}}}


def tweet_detail(world: World, tweet_id: str) -> dict[str, Any]:
    post = next((p for p in world.posts if p.platform == "x" and p.id == tweet_id and not p.deleted), None)
    if post is None:
        return {"errors": [{"message": "_Missing: No status found with that ID.", "code": 144, "kind": "NonFatal",
                            "name": "GenericError", "source": "Server", "tracing": {"trace_id": "0"}}], "data": {}}
    entries = [_item(world, post)]
    for reply in world.replies_to("x", post.handle, post.id):
        module = _item(world, reply, f"conversationthread-{reply.id}-tweet-")
        entries.append({"entryId": f"conversationthread-{reply.id}", "sortIndex": reply.id,
                        "content": {"__typename": "TimelineTimelineModule", "entryType": "TimelineTimelineModule",
                                    "displayType": "VerticalConversation",
                                    "items": [{"entryId": module["entryId"], "item": {
                                        "itemContent": module["content"]["itemContent"]}}]}})
    return {"data": {"threaded_conversation_with_injections_v2": {"instructions": [
        {"type": "TimelineClearCache"}, {"type": "TimelineAddEntries", "entries": entries},
        {"direction": "Top", "type": "TimelineTerminateTimeline"}]}}}


def serve_graphql(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    match = re.fullmatch(r"/i/api/graphql/[\w-]+/(UserTweets|TweetDetail)", request.path)
    if not match:
        return None
    if session_state(request, "x") == "expired":
        return Reply(401, json.dumps({"errors": [{"message": "Could not authenticate you", "code": 32}]}), JSON)
    try:
        variables = json.loads(request.query.get("variables", "{}"))
    except ValueError:
        return Reply(400, '{"errors":[{"message":"bad variables"}]}', JSON)
    if match.group(1) == "TweetDetail":
        return Reply(body=json.dumps(tweet_detail(site.world, str(variables.get("focalTweetId", "")))),
                     content_type=JSON)
    account = site.world.account_by_id("x", str(variables.get("userId", "")))
    if account is None:
        return Reply(body=json.dumps({"data": {"user": {}}}), content_type=JSON)
    failure = site.gate(account, key=f"x-api:{account.handle}")
    if failure is not None:
        return failure
    count = int(variables.get("count") or 20)
    return Reply(body=json.dumps(user_tweets(site.world, account.handle, variables.get("cursor"), count)),
                 content_type=JSON)


def _login_page() -> str:
    return shell("Masuk ke X / X", '<div data-testid="login-wall"><h1>Sign in to X</h1>'
                 '<input name="text" autocomplete="username"></div>')


def serve_page(site: MockSite, request: Request) -> Reply | None:
    """`/<handle>`, `/<handle>/status/<id>` and the login flow; None when the path is not an X account's."""
    from crawler.mocksite.server import Reply

    if request.path.startswith(LOGIN_PATH):
        return Reply(body=_login_page(), content_type=HTML)
    parts = [p for p in request.path.split("/") if p]
    if not parts or len(parts) not in (1, 3) or (len(parts) == 3 and parts[1] != "status"):
        return None
    account = site.world.account("x", parts[0])
    if account is None:
        if parts[0] in {a.handle for a in site.world.accounts}:
            return None  # another platform's account on the same path
        return Reply(200, shell("Profil / X", '<div data-testid="emptyState"><span>This account doesn\u2019t '
                                "exist</span><span>Try searching for another.</span></div>"), HTML)
    state = session_state(request, "x")
    if state == "expired" or (account.status == "login_wall" and state != "valid"):
        return Reply(302, "", HTML, {"Location": f"{LOGIN_PATH}?redirect_after_login=%2F{account.handle}"})
    if account.status == "not_found":
        return Reply(200, shell("Profil / X", '<div data-testid="emptyState"><span>This account doesn\u2019t '
                                "exist</span></div>"), HTML)
    if len(parts) == 3:
        body = (f'<div id="react-root" data-mode="detail" data-tweet-id="{parts[2]}"><main>'
                '<section id="timeline" aria-label="Percakapan"></section></main></div>')
        return Reply(body=shell("Postingan / X", body, "x.js"), content_type=HTML)
    body = (f'<div id="react-root" data-mode="profile" data-user-id="{account.id}"><main>'
            f'<h2>{html.escape(account.display_name)}</h2><section id="timeline" aria-label="Timeline"></section></main></div>')
    return Reply(body=shell(f"{account.display_name} (@{account.handle}) / X", body, "x.js"), content_type=HTML)
