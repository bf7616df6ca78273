"""Facebook (www.facebook.com) for the markup fallback: a profile `/<handle>` renders its first posts as
`div[role="article"]` in a `div[role="feed"]` (a `role="progressbar"` after the last while more exist); scrolling
fetches more (`/api/graphql/?fb_api_req_friendly_name=ProfileCometTimelineFeedRefetchQuery`, answered here with the
next articles' markup). An article: author link in `h2`, `abbr[data-utime]` inside the permalink
`https://www.facebook.com/<handle>/posts/<id>?__cft__...`, the message in `div[data-ad-preview="message"]`, counts
in the UFI2 test ids, comments as nested articles. The permalink page shows one article ("This content isn't
available right now" when removed). Walls: `/login/?next=` (login wall, dead session) and `/checkpoint/`.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from crawler.mocksite.browser_common import HTML, JSON, decode_cursor, encode_cursor, session_state, shell
from crawler.mocksite.world import World, WorldAccount, WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

BASE = "https://www.facebook.com"
PAGE_SIZE = 5
FRIENDLY = "ProfileCometTimelineFeedRefetchQuery"
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember")


def _count(value: int, noun: str = "") -> str:
    shown = f"{value / 1000:.1f}".replace(".", ",").replace(",0", "") + " rb" if value >= 1000 else str(value)
    return f"{shown} {noun}".strip()


def _author_link(world: World, handle: str) -> str:
    account = world.account("facebook", handle)
    name = account.display_name if account else handle
    return (f'<h2><span><strong><a href="{BASE}/{html.escape(handle)}?__cft__[0]=AZX&amp;__tn__=-UC%2CP-R" '
            f'role="link">{html.escape(name)}</a></strong></span></h2>')


def article(world: World, post: WorldPost, *, comments: bool = True) -> str:
    moment = datetime.fromisoformat(post.posted_at)
    shown = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} pukul {moment:%H.%M}"
    counts = post.counts or {}
    likes = counts.get("likes", 0)
    href = f"{BASE}/{html.escape(post.handle)}/posts/{html.escape(post.id)}?__cft__[0]=AZX&amp;__tn__=%2CO%2CP-R"
    media = "".join(f'<img data-visualcompletion="media-vc-image" src="{html.escape(m.get("url", ""))}" '
                    f'alt="{html.escape(m.get("alt", ""))}">' for m in post.media)
    nested = ""
    if comments:
        nested = "".join(
            f'<div role="article" aria-label="Komentar oleh {html.escape(c.handle)}">{_author_link(world, c.handle)}'
            f'<div dir="auto">{html.escape(c.text)}</div></div>'
            for c in world.replies_to("facebook", post.handle, post.id))
    return (f'<div role="article" style="min-height:160px" aria-posinset="1" '
            f'aria-describedby="msg-{html.escape(post.id)}">'
            f'{_author_link(world, post.handle)}'
            f'<span><a href="{href}" role="link"><abbr data-utime="{int(moment.timestamp())}" '
            f'title="{html.escape(shown)}">{html.escape(shown)}</abbr></a></span>'
            f'<div data-ad-preview="message" data-ad-comet-preview="message" id="msg-{html.escape(post.id)}">'
            f'<div dir="auto">{html.escape(post.text).replace(chr(10), "<br>")}</div></div>{media}'
            f'<div><span data-testid="UFI2ReactionsCount/root" aria-label="Semua reaksi: {likes}">'
            f'<span>{_count(likes)}</span></span>'
            f'<span data-testid="UFI2CommentsCount/root">{_count(counts.get("replies", 0), "komentar")}</span>'
            f'<span data-testid="UFI2SharesCount/root">{_count(counts.get("shares", 0), "kali dibagikan")}</span>'
            f'</div>{nested}</div>')


def feed_chunk(world: World, handle: str, offset: int) -> tuple[str, bool]:
    posts = [p for p in world.posts_of("facebook", handle) if p.kind not in ("comment", "reply")]
    chunk = posts[offset:offset + PAGE_SIZE]
    return "".join(article(world, p) for p in chunk), offset + PAGE_SIZE < len(posts)


PROGRESS = '<div role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-label="Memuat..."></div>'


def _redirect(path: str) -> Reply:
    from crawler.mocksite.server import Reply

    return Reply(302, "", HTML, {"Location": path})


def _wall(request: Request, account: WorldAccount) -> Reply | None:
    state = session_state(request, "facebook")
    next_url = quote(f"{BASE}{request.target}", safe="")
    if state == "valid" and account.extra.get("wall") == "checkpoint":
        return _redirect(f"/checkpoint/828281030927956/?next={next_url}")
    if state == "expired" or (account.status == "login_wall" and state != "valid"):
        return _redirect(f"/login/?next={next_url}")
    return None


def serve_graphql(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    if request.query.get("fb_api_req_friendly_name") != FRIENDLY:
        return None
    try:
        variables = json.loads(request.query.get("variables", "{}"))
    except ValueError:
        return Reply(400, '{"errors":[{"message":"bad variables"}]}', JSON)
    account = site.world.account_by_id("facebook", str(variables.get("id", "")))
    if account is None or session_state(request, "facebook") == "expired":
        return Reply(body=json.dumps({"data": {"node": None}}), content_type=JSON)
    failure = site.gate(account, key=f"facebook-api:{account.handle}")
    if failure is not None:
        return failure
    offset = decode_cursor(variables.get("cursor"))
    markup, more = feed_chunk(site.world, account.handle, offset)
    data = {"data": {"node": {"__typename": "User", "id": account.id, "timeline_feed_units": {
        "markup": markup, "page_info": {"has_next_page": more,
                                        "end_cursor": encode_cursor(offset + PAGE_SIZE) if more else None}}}}}
    return Reply(body=json.dumps(data), content_type=JSON)


def _unavailable() -> str:
    return shell("Facebook", "<main><h2>This content isn't available right now</h2><p>Konten ini tidak tersedia "
                 "saat ini</p></main>")


def serve_page(site: MockSite, request: Request) -> Reply | None:
    """`/<handle>` and `/<handle>/posts/<id>`; None when the handle is not a Facebook account's."""
    from crawler.mocksite.server import Reply

    match = re.fullmatch(r"/([\w.]+)(?:/posts/([\w.-]+))?/?", request.path)
    account = site.world.account("facebook", match.group(1)) if match else None
    if account is None or match is None:
        return None
    wall = _wall(request, account)
    if wall is not None:
        return wall
    if account.status == "not_found":
        return Reply(body=_unavailable(), content_type=HTML)
    post_id = match.group(2)
    if post_id:
        post = site.world.post("facebook", account.handle, post_id)
        if post is None or post.deleted:
            return Reply(body=_unavailable(), content_type=HTML)
        return Reply(body=shell(f"{account.display_name} | Facebook", f'<main>{article(site.world, post)}</main>'),
                     content_type=HTML)
    failure = site.gate(account)
    if failure is not None:
        return failure
    markup, more = feed_chunk(site.world, account.handle, 0)
    body = (f'<div id="fb-root" data-user-id="{account.id}" data-cursor="{encode_cursor(PAGE_SIZE)}">'
            f'<h1>{html.escape(account.display_name)}</h1><div role="feed">{markup}{PROGRESS if more else ""}'
            f'</div></div>')
    return Reply(body=shell(f"{account.display_name} | Facebook", body, "facebook.js" if more else ""),
                 content_type=HTML)


def serve_login(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    next_url = request.query.get("next", "")
    if not next_url or "/@" in next_url:
        return None
    body = ('<main id="login_form"><h2>You must log in to continue.</h2><p>Anda harus masuk untuk melanjutkan.</p>'
            '<input name="email"><input name="pass" type="password"></main>')
    return Reply(body=shell("Masuk ke Facebook", body), content_type=HTML)


def serve_checkpoint(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply

    body = '<main id="checkpoint"><h2>Akun Anda dikunci sementara</h2><p>Konfirmasi identitas Anda.</p></main>'
    return Reply(body=shell("Facebook", body), content_type=HTML)
