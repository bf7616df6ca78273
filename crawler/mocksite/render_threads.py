"""Threads (www.threads.net) as its web app loads it: the profile `/@handle` embeds its first posts in a
`<script type="application/json" data-sjs>` blob (Relay preloader structure: `...result.data.mediaData.edges[].node
.thread_items[].post` with `page_info`), scrolling fetches `/api/graphql?fb_api_req_friendly_name=
BarcelonaProfileThreadsTabRefetchableDirectQuery&variables=...` (GET here; the real app POSTs the same variables)
whose JSON holds `thread_items` too. A post page `/@handle/post/<code>` embeds its one thread the same way. Login wall
and dead session: a redirect to `/login?next=` ("Log in with your Instagram"). A reply's thread holds the post it
answers first (`line_type: "line"`), then the reply (`text_post_app_info.reply_to_author`); a repost (`kind: "share"`)
is the reposter's item with no caption of its own and the original in `text_post_app_info.share_info.reposted_post`.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from crawler.mocksite.browser_common import (HTML, JSON, decode_cursor, encode_cursor, graphql_variables,
                                             relay_script, session_state, shell)
from crawler.mocksite.world import World, WorldPost, stable_number

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

PAGE_SIZE = 10
FRIENDLY = "BarcelonaProfileThreadsTabRefetchableDirectQuery"


def _referenced(world: World, post: WorldPost) -> WorldPost | None:
    """The post a reply answers or a repost repeats (None: none, or it is gone)."""
    ref = post.parent or {}
    if post.kind not in ("reply", "share") or not ref:
        return None
    found = world.post("threads", ref.get("handle", ""), ref.get("id", ""))
    return None if found is None or found.deleted else found


def post_json(world: World, post: WorldPost) -> dict[str, Any]:
    account = world.account("threads", post.handle)
    counts = post.counts or {}
    reposted = _referenced(world, post) if post.kind == "share" else None
    info: dict[str, Any] = {"direct_reply_count": counts.get("replies", 0), "repost_count": counts.get("shares", 0),
                            "quote_count": counts.get("quotes", 0), "is_reply": post.kind == "reply",
                            "reply_to_author": None, "is_post_unavailable": False,
                            "share_info": {"can_repost": True, "can_quote_post": True,
                                           "is_reposted_by_viewer": False, "quoted_post": None,
                                           "reposted_post": post_json(world, reposted) if reposted else None}}
    if post.kind == "reply" and post.parent:
        info["reply_to_author"] = {"username": post.parent.get("handle", ""), "id": None}
    media = post.media[0] if post.media else None
    return {
        "pk": stable_number(f"threads:{post.id}", 19),
        "id": f"{stable_number(post.id, 19)}_{account.id if account else 0}",
        "code": post.id, "caption": {"text": post.text} if post.text and not reposted else None,
        "taken_at": int(datetime.fromisoformat(post.posted_at).timestamp()), "like_count": counts.get("likes", 0),
        "text_post_app_info": info, "media_type": 1 if media else 19,
        "image_versions2": {"candidates": [{"url": media.get("url", ""), "width": 1080, "height": 1080}]
                            if media else []},
        "accessibility_caption": (media or {}).get("alt"), "video_versions": [],
        "user": {"pk": account.id if account else "0", "username": post.handle,
                 "full_name": account.display_name if account else post.handle, "is_verified": False,
                 "profile_pic_url": "https://scontent.cdninstagram.com/v/t51.2885-19/avatar.jpg"},
    }


def thread_items(world: World, post: WorldPost) -> list[dict[str, Any]]:
    """One thread as the feed holds it: a reply comes after the post it answers (joined by a line)."""
    parent = _referenced(world, post) if post.kind == "reply" else None
    chain = [parent, post] if parent else [post]
    return [{"post": post_json(world, p), "line_type": "line" if i < len(chain) - 1 else "none"}
            for i, p in enumerate(chain)]


def media_data(world: World, posts: list[WorldPost], offset: int, more: bool) -> dict[str, Any]:
    return {"edges": [{"node": {"id": f"thread-{p.id}", "thread_items": thread_items(world, p)}} for p in posts],
            "page_info": {"has_next_page": more, "end_cursor": encode_cursor(offset) if more else None}}


def _visible(world: World, handle: str) -> list[WorldPost]:
    return [p for p in world.posts_of("threads", handle) if p.kind != "comment"]


def _blob(query: str, data: dict[str, Any]) -> str:
    return relay_script(f"adp_{query}RelayPreloader_6611", data)


def serve_graphql(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    if request.query.get("fb_api_req_friendly_name") != FRIENDLY:
        return None
    variables = graphql_variables(request)
    if not isinstance(variables, dict):  # unreadable variables: the 400 reply
        return variables
    account = site.world.account_by_id("threads", str(variables.get("userID", "")))
    if account is None or session_state(request, "threads") == "expired":
        return Reply(body=json.dumps({"data": {"mediaData": None}}), content_type=JSON)
    failure = site.gate(account, key=f"threads-api:{account.handle}")
    if failure is not None:
        return failure
    offset = decode_cursor(variables.get("after"))
    posts = _visible(site.world, account.handle)
    chunk, more = posts[offset:offset + PAGE_SIZE], offset + PAGE_SIZE < len(posts)
    return Reply(body=json.dumps({"data": {"mediaData": media_data(site.world, chunk, offset + PAGE_SIZE, more)},
                                  "extensions": {"is_final": True}}), content_type=JSON)


def serve_page(site: MockSite, request: Request) -> Reply | None:
    """`/@handle` and `/@handle/post/<code>`; None when the handle is not a Threads account's."""
    from crawler.mocksite.server import Reply

    match = re.fullmatch(r"/@([\w.]+)(?:/post/([\w-]+))?/?", request.path)
    account = site.world.account("threads", match.group(1)) if match else None
    if account is None or match is None:
        return None
    state = session_state(request, "threads")
    if state == "expired" or (account.status == "login_wall" and state != "valid"):
        return Reply(302, "", HTML, {"Location": f"/login?next={quote(request.path, safe='')}"})
    if account.status == "not_found":
        return Reply(body=shell("Threads", "<main><h2>Sorry, this page isn't available</h2></main>"), content_type=HTML)
    code = match.group(2)
    if code:
        post = site.world.post("threads", account.handle, code)
        if post is None or post.deleted:
            return Reply(body=shell("Threads", "<main><h2>Sorry, this page isn't available</h2></main>"),
                         content_type=HTML)
        data = {"data": {"edges": [{"node": {"thread_items": [{"post": post_json(site.world, post)}]}}]}}
        body = (f'<main><div data-pressable-container="true" data-code="{html.escape(code)}"><a href="/@'
                f'{html.escape(post.handle)}">{html.escape(post.handle)}</a><span dir="auto">{html.escape(post.text)}'
                f'</span></div></main>{_blob("BarcelonaPostPageQuery", data)}')
        return Reply(body=shell(f"{account.display_name} on Threads", body), content_type=HTML)
    failure = site.gate(account)
    if failure is not None:
        return failure
    posts = _visible(site.world, account.handle)
    more = PAGE_SIZE < len(posts)
    data = {"mediaData": media_data(site.world, posts[:PAGE_SIZE], PAGE_SIZE, more)}
    cards = "".join(f'<div style="min-height:160px" data-pressable-container="true" '
                    f'data-code="{html.escape(p.id)}"><span dir="auto">'
                    f'{html.escape((_referenced(site.world, p) or p).text if p.kind == "share" else p.text)}'
                    f'</span></div>' for p in posts[:PAGE_SIZE])
    body = (f'<div id="barcelona-page-layout" data-user-id="{account.id}" data-friendly="{FRIENDLY}">'
            f'<h1>{html.escape(account.display_name)}</h1><div id="feed">{cards}</div></div>'
            f'{_blob("BarcelonaProfileThreadsTabQuery", data)}')
    return Reply(body=shell(f"{account.display_name} (@{account.handle}) \u2022 Threads", body, "threads.js"),
                 content_type=HTML)


def serve_login(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    if not request.query.get("next", "").startswith("/@"):
        return None
    body = '<main><h2>Log in with your Instagram account</h2><input name="username"></main>'
    return Reply(body=shell("Threads", body), content_type=HTML)
