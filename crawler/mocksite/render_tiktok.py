"""TikTok (www.tiktok.com) as its web app loads it: the profile `/@handle` fetches `/api/post/item_list/`
(`itemList` of itemStructs, `cursor` = createTime in ms of the oldest item, `hasMore`), the video page
`/@handle/video/<id>` carries `__UNIVERSAL_DATA_FOR_REHYDRATION__` (statusCode 10204 and "Video currently
unavailable" when removed). An account set to `login_wall` shows nothing to anonymous visitors but a login modal.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.mocksite.browser_common import HTML, JSON, session_state, shell
from crawler.mocksite.world import World, WorldPost, stable_number

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

_TAG_RE = re.compile(r"(?<![\w#])#(\w+)")
_MENTION_RE = re.compile(r"(?<![\w@])@([\w.]{2,24})")


def sec_uid(handle: str) -> str:
    return "MS4wLjABAAAA" + stable_number(f"tiktok-sec:{handle.lower()}", 30)


def _epoch(posted_at: str) -> int:
    return int(datetime.fromisoformat(posted_at).timestamp())


def item_struct(world: World, post: WorldPost) -> dict[str, Any]:
    account = world.account("tiktok", post.handle)
    counts = post.counts or {}
    extras = [{"awemeId": "", "start": m.start(), "end": m.end(), "hashtagName": m.group(1), "hashtagId": "1",
               "type": 1, "subType": 0, "isCommerce": False} for m in _TAG_RE.finditer(post.text)]
    extras += [{"awemeId": "", "start": m.start(), "end": m.end(), "hashtagName": "", "type": 0,
                "userId": stable_number(m.group(1), 19), "userUniqueId": m.group(1), "secUid": sec_uid(m.group(1))}
               for m in _MENTION_RE.finditer(post.text)]
    return {
        "id": post.id, "desc": post.text, "createTime": str(_epoch(post.posted_at)), "scheduleTime": 0,
        "video": {"id": post.id, "height": 1024, "width": 576, "duration": 21, "ratio": "540p", "format": "mp4",
                  "cover": f"https://p16-sign-sg.tiktokcdn.com/obj/cover-{post.id}.jpeg",
                  "playAddr": f"https://v16-webapp-prime.tiktok.com/video/tos/{post.id}/play.mp4"},
        "author": {"id": account.id if account else "0", "uniqueId": post.handle,
                   "nickname": account.display_name if account else post.handle, "secUid": sec_uid(post.handle),
                   "verified": False, "privateAccount": False},
        "music": {"id": "1", "title": "original sound", "authorName": post.handle, "original": True},
        "challenges": [{"id": "1", "title": t} for t in _TAG_RE.findall(post.text)],
        "stats": {"diggCount": counts.get("likes", 0), "shareCount": counts.get("shares", 0),
                  "commentCount": counts.get("replies", 0), "playCount": counts.get("views", 0),
                  "collectCount": "0"},
        "statsV2": {"diggCount": str(counts.get("likes", 0)), "shareCount": str(counts.get("shares", 0)),
                    "commentCount": str(counts.get("replies", 0)), "playCount": str(counts.get("views", 0)),
                    "collectCount": "0", "repostCount": "0"},
        "textExtra": extras, "textLanguage": "id", "isAd": False, "privateItem": False, "secret": False,
        "contents": [{"desc": post.text, "textExtra": extras}], "locationCreated": "ID",
    }


def item_list(world: World, handle: str, cursor: int, count: int) -> dict[str, Any]:
    posts = world.posts_of("tiktok", handle)
    if cursor:
        posts = [p for p in posts if _epoch(p.posted_at) * 1000 < cursor]
    chunk = posts[:count]
    has_more = len(posts) > count
    next_cursor = str(_epoch(chunk[-1].posted_at) * 1000) if chunk else "0"
    return {"cursor": next_cursor, "extra": {"fatal_item_ids": [], "logid": "2024", "now": 0}, "hasMore": has_more,
            "itemList": [item_struct(world, p) for p in chunk], "log_pb": {"impr_id": "2024"}, "statusCode": 0,
            "status_code": 0, "status_msg": ""}


def serve_item_list(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    uid = request.query.get("secUid", "")
    account = next((a for a in site.world.accounts if a.platform == "tiktok" and sec_uid(a.handle) == uid), None)
    if account is None:
        return Reply(body=json.dumps({"statusCode": 10201, "status_code": 10201, "itemList": []}), content_type=JSON)
    failure = site.gate(account, key=f"tiktok-api:{account.handle}")
    if failure is not None:
        return failure
    if account.status == "login_wall" and session_state(request, "tiktok") != "valid":
        return Reply(body=json.dumps({"cursor": "0", "hasMore": False, "itemList": [], "statusCode": 0}),
                     content_type=JSON)
    try:
        cursor, count = int(request.query.get("cursor") or 0), int(request.query.get("count") or 30)
    except ValueError:
        return Reply(400, '{"statusCode":10000}', JSON)
    return Reply(body=json.dumps(item_list(site.world, account.handle, cursor, count)), content_type=JSON)


def _rehydration(scope: dict[str, Any]) -> str:
    data = json.dumps({"__DEFAULT_SCOPE__": scope}, ensure_ascii=False).replace("</", "<\\/")
    return f'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{data}</script>'


def serve_page(site: MockSite, request: Request) -> Reply | None:
    """`/@handle` and `/@handle/video/<id>`; None when the handle is not a TikTok account's."""
    from crawler.mocksite.server import Reply

    match = re.fullmatch(r"/@([\w.]+)(?:/video/(\d+|[\w-]+))?/?", request.path)
    if not match:
        return None
    handle, video_id = match.groups()
    account = site.world.account("tiktok", handle)
    if account is None:
        if handle.lower() in {a.handle.lower() for a in site.world.accounts}:
            return None
        return Reply(200, shell("TikTok", "<main><p>Couldn't find this account</p></main>"), HTML)
    state = session_state(request, "tiktok")
    if state == "expired":
        return Reply(302, "", HTML, {"Location": f"/login?redirect_url=%2F%40{account.handle}"})
    if account.status == "not_found":
        return Reply(200, shell("TikTok", "<main><p>Couldn't find this account</p></main>"), HTML)
    if video_id:
        post = site.world.post("tiktok", account.handle, video_id)
        if post is None or post.deleted:
            scope = {"webapp.video-detail": {"statusCode": 10204, "statusMsg": "item doesn't exist"}}
            body = f"<main><p>Video currently unavailable</p></main>{_rehydration(scope)}"
            return Reply(body=shell("TikTok - Make Your Day", body), content_type=HTML)
        scope = {"webapp.video-detail": {"itemInfo": {"itemStruct": item_struct(site.world, post)},
                                         "shareMeta": {"title": f"{account.display_name} on TikTok",
                                                       "desc": post.text}, "statusCode": 0, "statusMsg": ""}}
        body = (f'<main><div data-e2e="browse-video-desc">{html.escape(post.text)}</div>'
                f'<img src="/pantau-mock-static/avatar.png" alt=""></main>{_rehydration(scope)}')
        return Reply(body=shell(f"{post.text[:40]} | TikTok", body), content_type=HTML)
    login = ' data-login-wall="1"' if account.status == "login_wall" and state != "valid" else ""
    scope = {"webapp.user-detail": {"userInfo": {"user": {"id": account.id, "uniqueId": account.handle,
                                                          "nickname": account.display_name,
                                                          "secUid": sec_uid(account.handle)}}, "statusCode": 0}}
    body = (f'<div id="app" data-sec-uid="{sec_uid(account.handle)}"{login}><h1 data-e2e="user-title">'
            f'{html.escape(account.handle)}</h1><div id="posts" data-e2e="user-post-item-list"></div></div>'
            f"{_rehydration(scope)}")
    return Reply(body=shell(f"{account.display_name} (@{account.handle}) | TikTok", body, "tiktok.js"),
                 content_type=HTML)


def serve_login(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    return Reply(body=shell("Masuk | TikTok", "<main><h2>Log in to TikTok</h2></main>"), content_type=HTML)
