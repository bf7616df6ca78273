"""Telegram web preview (`/s/<channel>`, `?before=<id>`) as t.me serves it: 20 messages per page, oldest first."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html import escape
from typing import TYPE_CHECKING

from crawler.mocksite.world import WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

PAGE_SIZE = 20
_TOKEN = re.compile(r"(https?://[^\s<]+|#\w+|@\w+)")


def count_label(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if value >= 1_000:
        return f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "K"
    return str(value)


def rich_text(text: str) -> str:
    """Text as Telegram marks it up: escaped, <br/>, links, hashtag search links."""
    out = []
    for piece in _TOKEN.split(text):
        if not piece:
            continue
        if piece.startswith("http"):
            out.append(f'<a href="{escape(piece)}" target="_blank" rel="noopener">{escape(piece)}</a>')
        elif piece.startswith("#"):
            out.append(f'<a href="?q=%23{escape(piece[1:])}">{escape(piece)}</a>')
        elif piece.startswith("@"):
            out.append(f'<a href="https://t.me/{escape(piece[1:])}">{escape(piece)}</a>')
        else:
            out.append(escape(piece))
    return "".join(out).replace("\n", "<br/>")


def utc_attr(posted_at: str) -> tuple[str, str]:
    moment = datetime.fromisoformat(posted_at).astimezone(timezone.utc)
    return moment.isoformat(timespec="seconds"), moment.strftime("%H:%M")


def render_message(channel: str, title: str, post: WorldPost) -> str:
    data_post = f"{channel}/{post.id}"
    parts: list[str] = []
    if post.kind == "share" and post.parent:
        src = f"https://t.me/{post.parent['handle']}/{post.parent['id']}"
        name = escape(post.parent.get("display_name") or post.parent["handle"])
        parts.append(f'<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;'
                     f'<a class="tgme_widget_message_forwarded_from_name" href="{src}"><span dir="auto">{name}'
                     f'</span></a></div>')
    if post.kind == "reply" and post.parent:
        src = f"https://t.me/{post.parent['handle']}/{post.parent['id']}"
        parts.append(f'<a class="tgme_widget_message_reply" href="{src}"><div class="tgme_widget_message_author '
                     f'accent_color"><span class="tgme_widget_message_author_name" dir="auto">{escape(title)}'
                     f'</span></div><div class="tgme_widget_message_metatext js-message_reply_text" dir="auto">'
                     f'{escape(post.parent.get("text", ""))}</div></a>')
    photos = [m for m in post.media if m.get("type") == "photo"]
    for media in photos:
        parts.append(f'<a class="tgme_widget_message_photo_wrap blured js-message_photo" style="width:453px;'
                     f"background-image:url('{escape(media['url'])}')\" href=\"https://t.me/{data_post}?single\">"
                     f'<div class="tgme_widget_message_photo" style="padding-top:75%"></div></a>')
    for media in post.media:
        if media.get("type") == "video":
            parts.append(f'<a class="tgme_widget_message_video_player js-message_video_player" '
                         f'href="https://t.me/{data_post}"><div class="tgme_widget_message_video_wrap">'
                         f'<video src="{escape(media["url"])}" class="tgme_widget_message_video js-message_video" '
                         f'width="100%" height="100%"></video></div></a>')
    if post.text:
        parts.append(f'<div class="tgme_widget_message_text js-message_text" dir="auto">{rich_text(post.text)}'
                     f'</div>')
    for media in post.media:
        if media.get("type") == "link":
            parts.append(f'<a class="tgme_widget_message_link_preview" href="{escape(media["url"])}">'
                         f'<div class="link_preview_site_name accent_color" dir="auto">'
                         f'{escape(media.get("site", ""))}</div><div class="link_preview_title" dir="auto">'
                         f'{escape(media.get("alt", ""))}</div><div class="link_preview_description" dir="auto">'
                         f'{escape(media.get("description", ""))}</div></a>')
    if not post.text and not post.media:
        parts.append(f'<div class="message_media_not_supported_wrap"><div class="message_media_not_supported">'
                     f'<div class="message_media_not_supported_label">Please open Telegram to view this post</div>'
                     f'<a href="https://t.me/{data_post}" class="message_media_view_in_telegram">VIEW IN TELEGRAM'
                     f'</a></div></div>')
    reactions = ""
    if post.counts.get("likes"):
        reactions = (f'<span class="tgme_reaction"><i class="emoji"><b>👍</b></i>'
                     f'{count_label(post.counts["likes"])}</span>')
    stamp, clock = utc_attr(post.posted_at)
    views = count_label(post.counts.get("views", 0))
    return f'''<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{data_post}" data-view="v{post.id}">
  <div class="tgme_widget_message_user"><a href="https://t.me/{channel}"><i class="tgme_widget_message_user_photo bgcolor6" data-content="{escape(title[:1])}"></i></a></div>
  <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{channel}"><span dir="auto">{escape(title)}</span></a></div>
{"".join(parts)}
<div class="tgme_widget_message_reactions js-message_reactions">{reactions}</div><div class="tgme_widget_message_footer compact js-message_footer">
  <div class="tgme_widget_message_info short js-message_info">
    <span class="tgme_widget_message_views">{views}</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/{data_post}"><time datetime="{stamp}" class="time">{clock}</time></a></span>
  </div>
</div>
  </div>
</div></div>
'''


def render_page(channel: str, title: str, posts: list[WorldPost], before: int | None) -> str:
    """One preview page: the PAGE_SIZE newest messages older than `before`, oldest first."""
    ordered = sorted(posts, key=lambda p: int(p.id), reverse=True)
    if before is not None:
        ordered = [p for p in ordered if int(p.id) < before]
    page = list(reversed(ordered[:PAGE_SIZE]))
    more = ""
    if page and len(ordered) > PAGE_SIZE:
        first = page[0].id
        more = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{channel}?before='
                f'{first}" class="tme_messages_more js-messages_more" data-before="{first}"></a></div>')
    messages = "\n".join(render_message(channel, title, p) for p in page)
    return f'''<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{escape(title)} – Telegram</title>
    <meta property="og:title" content="{escape(title)}">
  </head>
  <body class="widget_frame_base tgme_webpreview_body">
<header class="tgme_header search_collapsed">
  <div class="tgme_header_search"></div>
  <div class="tgme_header_info"><a class="tgme_header_link" href="https://t.me/{channel}">
    <div class="tgme_header_title_wrap"><div class="tgme_header_title"><span dir="auto">{escape(title)}</span></div></div>
    <div class="tgme_header_counter">1.2K subscribers</div></a></div>
</header>
<main class="tgme_main" data-url="/{channel}">
  <div class="tgme_container">
    <section class="tgme_channel_history js-message_history">
      {more}
{messages}
    </section>
  </div>
</main>
  </body>
</html>
'''


def serve(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply, truncate

    channel = request.path[len("/s/"):].strip("/").split("/")[0]
    account = site.world.account("telegram", channel)
    if account is None or account.status == "not_found":
        # t.me sends unknown or private names to the plain profile page
        return Reply(302, "", headers={"Location": f"/{channel}"})
    failure = site.gate(account)
    if failure is not None:
        return failure
    before = request.query.get("before")
    posts = [] if account.status == "empty" else site.world.posts_of("telegram", account.handle)
    body = render_page(account.handle, account.display_name, posts, int(before) if before else None)
    if account.status == "malformed" and not before:
        body = truncate(body)
    return Reply(200, body)


ROUTES = {"/s/": serve}
