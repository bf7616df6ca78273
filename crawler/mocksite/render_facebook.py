"""Facebook (www.facebook.com) for the markup fallback: a profile `/<handle>` renders its first posts as
`div[role="article"]` in a `div[role="feed"]` (a `role="progressbar"` after the last while more exist); scrolling
fetches more (`/api/graphql/?fb_api_req_friendly_name=ProfileCometTimelineFeedRefetchQuery`, answered here with the
next articles' markup). An article: author link in `h2`, `abbr[data-utime]` inside the permalink
`https://www.facebook.com/<handle>/posts/<id>?__cft__...`, the message in `div[data-ad-preview="message"]`, counts
in the UFI2 test ids, comments as nested articles. The permalink page shows one article ("This content isn't
available right now" when removed). Walls: `/login/?next=` (login wall, dead session) and `/checkpoint/`.
A message longer than `CUT_AT` is cut in the feed with "… Lihat selengkapnya" (`role="button"`); the page's script
opens it with the full text from the page's Relay data (story nodes {post_id, message: {text}} in a `data-sjs` blob
for the first posts, in the GraphQL answer's `edges` for the next ones); the permalink page shows it whole, unless
the post's `extra.permalink_cut` is set (cut there too, opened the same way, as Facebook does on some layouts). A share
(`kind: "share"`, `parent` the original) reads "<name> membagikan kiriman." and carries the original below the
sharer's words: its author (`h3`), its permalink and time, its message (`data-ad-rendering-role="story_message"`).
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
from crawler.mocksite.world import World, WorldAccount, WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

BASE = "https://www.facebook.com"
PAGE_SIZE = 5
FRIENDLY = "ProfileCometTimelineFeedRefetchQuery"
CUT_AT = 200  # a longer message is cut in the feed
OWN_MESSAGE = 'data-ad-preview="message" data-ad-comet-preview="message"'
ORIGINAL_MESSAGE = 'data-ad-rendering-role="story_message"'
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember")


def _count(value: int, noun: str = "") -> str:
    shown = f"{value / 1000:.1f}".replace(".", ",").replace(",0", "") + " rb" if value >= 1000 else str(value)
    return f"{shown} {noun}".strip()


def _author_link(world: World, handle: str, tag: str = "h2", after: str = "") -> str:
    account = world.account("facebook", handle)
    name = account.display_name if account else handle
    return (f'<{tag}><span><strong><a href="{BASE}/{html.escape(handle)}?__cft__[0]=AZX&amp;__tn__=-UC%2CP-R" '
            f'role="link">{html.escape(name)}</a></strong>{after}</span></{tag}>')


def _stamp(post: WorldPost) -> str:
    """The permalink around the post's time, as the feed shows it."""
    moment = datetime.fromisoformat(post.posted_at)
    shown = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} pukul {moment:%H.%M}"
    href = f"{BASE}/{html.escape(post.handle)}/posts/{html.escape(post.id)}?__cft__[0]=AZX&amp;__tn__=%2CO%2CP-R"
    return (f'<span><a href="{href}" role="link"><abbr data-utime="{int(moment.timestamp())}" '
            f'title="{html.escape(shown)}">{html.escape(shown)}</abbr></a></span>')


def _message(post: WorldPost, attrs: str, *, full: bool) -> str:
    """The message box; a long text is cut in the feed ("… Lihat selengkapnya": the page's script opens it)."""
    if not post.text:
        return ""
    shown, more = post.text, ""
    if not full and len(post.text) > CUT_AT:
        shown = post.text[:CUT_AT].rsplit(" ", 1)[0]
        more = '\u2026 <div role="button" tabindex="0">Lihat selengkapnya</div>'
    return (f'<div {attrs} data-story-id="{html.escape(post.id)}"><div dir="auto">'
            f'{html.escape(shown).replace(chr(10), "<br>")}{more}</div></div>')


def _media(post: WorldPost) -> str:
    return "".join(f'<img data-visualcompletion="media-vc-image" src="{html.escape(m.get("url", ""))}" '
                   f'alt="{html.escape(m.get("alt", ""))}">' for m in post.media)


def original_of(world: World, post: WorldPost) -> WorldPost | None:
    """The post a share shares (None when it is not a share or the original is gone)."""
    ref = post.parent or {}
    if post.kind != "share" or not ref:
        return None
    original = world.post("facebook", ref.get("handle", ""), ref.get("id", ""))
    return None if original is None or original.deleted else original


def _attached(world: World, original: WorldPost, *, full: bool) -> str:
    """The original of a share, as the sharer's article shows it below the sharer's words."""
    return (f'<div class="x1n2onr6"><div>{_author_link(world, original.handle, "h3")}'
            f'{_stamp(original)}</div>'
            f'{_message(original, ORIGINAL_MESSAGE, full=full)}'
            f'{_media(original)}</div>')


def article(world: World, post: WorldPost, *, comments: bool = True, full: bool = False) -> str:
    """One post as `div[role=article]` (`full`: the permalink page, which shows the whole text)."""
    counts = post.counts or {}
    likes = counts.get("likes", 0)
    nested = ""
    if comments:
        nested = "".join(
            f'<div role="article" aria-label="Komentar oleh {html.escape(c.handle)}">{_author_link(world, c.handle)}'
            f'<div dir="auto">{html.escape(c.text)}</div></div>'
            for c in world.replies_to("facebook", post.handle, post.id))
    original = original_of(world, post)
    own = _message(post, f'{OWN_MESSAGE} id="msg-{html.escape(post.id)}"', full=full)
    return (f'<div role="article" style="min-height:160px" aria-posinset="1" '
            f'aria-describedby="msg-{html.escape(post.id)}">'
            f'{_author_link(world, post.handle, after=" membagikan kiriman." if original else "")}{_stamp(post)}'
            f'{own}{_media(post)}{_attached(world, original, full=full) if original else ""}'
            f'<div><span data-testid="UFI2ReactionsCount/root" aria-label="Semua reaksi: {likes}">'
            f'<span>{_count(likes)}</span></span>'
            f'<span data-testid="UFI2CommentsCount/root">{_count(counts.get("replies", 0), "komentar")}</span>'
            f'<span data-testid="UFI2SharesCount/root">{_count(counts.get("shares", 0), "kali dibagikan")}</span>'
            f'</div>{nested}</div>')


def stories(world: World, posts: list[WorldPost]) -> list[dict[str, Any]]:
    """The feed's story nodes as its Relay data holds them: each post's (and shared original's) full message."""
    found = []
    for post in posts:
        for story in (post, original_of(world, post)):
            if story is not None:
                found.append({"node": {"__typename": "Story", "post_id": story.id,
                                       "message": {"text": story.text} if story.text else None}})
    return found


def feed_chunk(world: World, handle: str, offset: int) -> tuple[list[WorldPost], bool]:
    posts = [p for p in world.posts_of("facebook", handle) if p.kind not in ("comment", "reply")]
    return posts[offset:offset + PAGE_SIZE], offset + PAGE_SIZE < len(posts)


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
    variables = graphql_variables(request)
    if not isinstance(variables, dict):  # unreadable variables: the 400 reply
        return variables
    account = site.world.account_by_id("facebook", str(variables.get("id", "")))
    if account is None or session_state(request, "facebook") == "expired":
        return Reply(body=json.dumps({"data": {"node": None}}), content_type=JSON)
    failure = site.gate(account, key=f"facebook-api:{account.handle}")
    if failure is not None:
        return failure
    offset = decode_cursor(variables.get("cursor"))
    chunk, more = feed_chunk(site.world, account.handle, offset)
    data = {"data": {"node": {"__typename": "User", "id": account.id, "timeline_feed_units": {
        "edges": stories(site.world, chunk), "markup": "".join(article(site.world, p) for p in chunk),
        "page_info": {"has_next_page": more, "end_cursor": encode_cursor(offset + PAGE_SIZE) if more else None}}}}}
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
        if not post.extra.get("permalink_cut"):
            body = f'<main>{article(site.world, post, full=True)}</main>'
            return Reply(body=shell(f"{account.display_name} | Facebook", body), content_type=HTML)
        data = {"node": {"__typename": "Story", "id": post.id, "attachments": stories(site.world, [post])}}
        body = (f'<main>{article(site.world, post)}</main>'
                f'{relay_script(f"adp_CometSinglePostContentQueryRelayPreloader_{post.id}", data)}')
        return Reply(body=shell(f"{account.display_name} | Facebook", body, "facebook.js"), content_type=HTML)
    failure = site.gate(account)
    if failure is not None:
        return failure
    chunk, more = feed_chunk(site.world, account.handle, 0)
    markup = "".join(article(site.world, p) for p in chunk)
    data = {"node": {"__typename": "User", "id": account.id,
                     "timeline_list_feed_units": {"edges": stories(site.world, chunk)}}}
    body = (f'<div id="fb-root" data-user-id="{account.id}" data-cursor="{encode_cursor(PAGE_SIZE)}">'
            f'<h1>{html.escape(account.display_name)}</h1><div role="feed">{markup}{PROGRESS if more else ""}'
            f'</div></div>{relay_script(f"adp_ProfileCometTimelineFeedQueryRelayPreloader_{account.id}", data)}')
    return Reply(body=shell(f"{account.display_name} | Facebook", body, "facebook.js"), content_type=HTML)


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
