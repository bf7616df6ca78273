"""Instagram (www.instagram.com) as its web app loads it: the profile `/<handle>/` fetches
`/api/v1/users/web_profile_info/?username=` (with the `X-IG-App-ID` header, as the real app sends it) for the profile
and its first 12 posts, then `/graphql/query/?query_hash=...&variables={"id","first","after"}` pages of
`edge_owner_to_timeline_media` on scroll. The post page `/p/<shortcode>/` embeds its node as `xdt_shortcode_media`
in a `data-sjs` JSON script ("Sorry, this page isn't available." when removed). Login wall / dead session:
a redirect to `/accounts/login/?next=`. Where the page itself loads but its data needs a login (account option
`"wall": "api"`: every data request; `"login_after": N`: the GraphQL pages past the first N posts), the data
request is answered as Instagram does, HTTP 401 `{"message": ..., "require_login": true, "status": "fail"}`, to
anyone without a valid session.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.mocksite.browser_common import (HTML, JSON, decode_cursor, encode_cursor, graphql_variables,
                                             relay_script, session_state, shell)
from crawler.mocksite.world import World, WorldAccount, WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

APP_ID = "936619743392459"
QUERY_HASH = "69cba40317214236af40e7efa697781d"
PAGE_SIZE = 12
LOGIN_PATH = "/accounts/login/"


def _epoch(posted_at: str) -> int:
    return int(datetime.fromisoformat(posted_at).timestamp())


def node(world: World, post: WorldPost) -> dict[str, Any]:
    account = world.account("instagram", post.handle)
    counts = post.counts or {}
    media = post.media[0] if post.media else {}
    video = media.get("type") == "video"
    return {
        "__typename": "GraphVideo" if video else "GraphImage", "id": post.extra.get("pk") or post.id,
        "shortcode": post.id, "dimensions": {"height": 1080, "width": 1080},
        "display_url": media.get("url") or f"https://scontent.cdninstagram.com/v/t51.2885-15/{post.id}_n.jpg",
        "accessibility_caption": media.get("alt") or None, "is_video": video,
        "video_view_count": counts.get("views", 0) if video else None,
        "edge_media_to_caption": {"edges": [{"node": {"text": post.text}}] if post.text else []},
        "edge_media_to_comment": {"count": counts.get("replies", 0)},
        "edge_liked_by": {"count": counts.get("likes", 0)},
        "edge_media_preview_like": {"count": counts.get("likes", 0)},
        "comments_disabled": False, "taken_at_timestamp": _epoch(post.posted_at),
        "owner": {"id": account.id if account else "0", "username": post.handle},
        "thumbnail_src": media.get("url") or "", "location": None,
    }


def timeline(world: World, handle: str, offset: int) -> dict[str, Any]:
    posts = world.posts_of("instagram", handle)
    chunk = posts[offset:offset + PAGE_SIZE]
    more = offset + PAGE_SIZE < len(posts)
    return {"count": len(posts),
            "page_info": {"has_next_page": more, "end_cursor": encode_cursor(offset + PAGE_SIZE) if more else None},
            "edges": [{"node": node(world, p)} for p in chunk]}


def _login_redirect(next_path: str) -> Reply:
    from crawler.mocksite.server import Reply
    from urllib.parse import quote

    return Reply(302, "", HTML, {"Location": f"{LOGIN_PATH}?next={quote(next_path, safe='')}"})


def _require_login() -> Reply:
    from crawler.mocksite.server import Reply

    return Reply(401, json.dumps({"message": "Please wait a few minutes before you try again.",
                                  "require_login": True, "status": "fail"}), JSON)


def _needs_login(request: Request, account: WorldAccount, offset: int) -> bool:
    """Whether a data request for the posts from `offset` on is refused (HTTP 401 require_login)."""
    state = session_state(request, "instagram")
    if state == "expired":
        return True
    if state == "valid":
        return False
    limit = account.extra.get("login_after")
    return account.extra.get("wall") == "api" or (limit is not None and offset >= int(limit))


def serve_profile_info(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    if request.headers.get("x-ig-app-id") != APP_ID:
        return Reply(400, json.dumps({"message": "useragent mismatch", "status": "fail"}), JSON)
    account = site.world.account("instagram", request.query.get("username", ""))
    if account is None or account.status == "not_found":
        return Reply(404, json.dumps({"data": {"user": None}, "status": "ok"}), JSON)
    if _needs_login(request, account, 0):
        return _require_login()
    failure = site.gate(account, key=f"instagram-api:{account.handle}")
    if failure is not None:
        return failure
    user = {"id": account.id, "username": account.handle, "full_name": account.display_name,
            "biography": account.extra.get("bio", ""), "is_private": False, "is_verified": False,
            "edge_followed_by": {"count": 321}, "edge_follow": {"count": 12},
            "edge_owner_to_timeline_media": timeline(site.world, account.handle, 0)}
    return Reply(body=json.dumps({"data": {"user": user}, "status": "ok"}), content_type=JSON)


def serve_graphql(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    if request.query.get("query_hash") != QUERY_HASH:
        return None
    variables = graphql_variables(request, '{"message":"bad variables","status":"fail"}')
    if not isinstance(variables, dict):  # unreadable variables: the 400 reply
        return variables
    account = site.world.account_by_id("instagram", str(variables.get("id", "")))
    if account is None:
        return Reply(body=json.dumps({"data": {"user": None}, "status": "ok"}), content_type=JSON)
    offset = decode_cursor(variables.get("after"))
    if _needs_login(request, account, offset):
        return _require_login()
    failure = site.gate(account, key=f"instagram-api:{account.handle}")
    if failure is not None:
        return failure
    data = {"user": {"edge_owner_to_timeline_media": timeline(site.world, account.handle, offset)}}
    return Reply(body=json.dumps({"data": data, "status": "ok"}), content_type=JSON)


def _unavailable() -> str:
    return shell("Instagram", "<main><h2>Sorry, this page isn't available.</h2><p>The link you followed may be "
                 "broken, or the page may have been removed.</p></main>")


def _post_page(site: MockSite, code: str) -> str:
    post = next((p for p in site.world.posts if p.platform == "instagram" and p.id == code and not p.deleted), None)
    if post is None:
        return _unavailable()
    script = relay_script(f"adp_PolarisPostRootQueryRelayPreloader_{code}",
                          {"xdt_shortcode_media": node(site.world, post)})
    account = site.world.account("instagram", post.handle)
    body = (f'<main><article role="presentation" data-shortcode="{html.escape(code)}"><header><a href="/'
            f'{html.escape(post.handle)}/">{html.escape(account.display_name if account else post.handle)}</a>'
            f'</header><img src="/pantau-mock-static/avatar.png" alt=""><h1 dir="auto">{html.escape(post.text)}</h1>'
            f'</article></main>{script}')
    return shell(f"Instagram post by {post.handle}", body)


def serve_page(site: MockSite, request: Request) -> Reply | None:
    """`/<handle>/`, `/p/<shortcode>/` and `/accounts/login/`; None when the path is not Instagram's."""
    from crawler.mocksite.server import Reply

    if request.path.startswith(LOGIN_PATH):
        body = ('<main id="loginForm"><h2>Log in to see photos and videos from your friends.</h2>'
                '<input name="username" aria-label="Phone number, username, or email"></main>')
        return Reply(body=shell("Login \u2022 Instagram", body), content_type=HTML)
    match = re.fullmatch(r"/p/([\w-]+)/?", request.path)
    if match:
        if session_state(request, "instagram") == "expired":
            return _login_redirect(request.path)
        return Reply(body=_post_page(site, match.group(1)), content_type=HTML)
    match = re.fullmatch(r"/([\w.]+)/?", request.path)
    account = site.world.account("instagram", match.group(1)) if match else None
    if account is None:
        return None
    state = session_state(request, "instagram")
    walled = state == "expired" or (account.status == "login_wall" and state != "valid")
    if walled and account.extra.get("wall") != "api":  # "api": the page loads, its data request is refused
        return _login_redirect(f"/{account.handle}/")
    if account.status == "not_found":
        return Reply(body=_unavailable(), content_type=HTML)
    body = (f'<main id="ig-root" data-username="{html.escape(account.handle)}" data-app-id="{APP_ID}" '
            f'data-query-hash="{QUERY_HASH}"><header><h2>{html.escape(account.handle)}</h2>'
            f'<span>{html.escape(account.display_name)}</span></header><div id="grid"></div></main>')
    return Reply(body=shell(f"{account.display_name} (@{account.handle}) \u2022 Instagram photos and videos", body,
                            "instagram.js"), content_type=HTML)
