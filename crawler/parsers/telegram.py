"""Telegram channel web preview (`https://t.me/s/<channel>`): HTML → Posts.

Structure: `div.tgme_widget_message[data-post="chan/123"]` per message, oldest first on the page; text in the
outermost `.js-message_text`; time in `a.tgme_widget_message_date time[datetime]` (UTC, "+00:00", kept as given);
views in `.tgme_widget_message_views` ("2.5K"); forwards in `.tgme_widget_message_forwarded_from_name[href]`;
replies in `a.tgme_widget_message_reply[href]`; link previews in `a.tgme_widget_message_link_preview`; photos as
`background-image` of `.tgme_widget_message_photo_wrap`, videos in `video.tgme_widget_message_video`; the older page
behind `a.tme_messages_more[data-before]`. Post ids are "channel/123"; urls `https://t.me/channel/123`.
Reactions are summed into `engagement.likes`; the preview shows no forward count.
"""
from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.items import Author, Engagement, Media, Parent, Post
from crawler.parsers.common import (ParsedPage, ParseError, element_text, hashtags, iso_time, links,
                                    merge_unique, mentions, parse_count)

logger = logging.getLogger(__name__)

BASE = "https://t.me"
_BG_URL = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)")


def channel_from_target(target: str) -> str:
    """"@chan", "chan", "https://t.me/chan", "https://t.me/s/chan" → "chan"."""
    value = target.strip()
    if "://" in value or value.startswith(("t.me/", "telegram.me/")):
        path = urlsplit(value if "://" in value else f"https://{value}").path.strip("/").split("/")
        if path and path[0] == "s":
            path = path[1:]
        value = path[0] if path and path[0] else ""
    return value.lstrip("@")


def _post_path(href: str) -> str:
    """"https://t.me/chan/123?single" → "chan/123" ("" when not a post link)."""
    parts = urlsplit(href).path.strip("/").split("/")
    if len(parts) >= 2 and parts[-1].isdigit():
        return f"{parts[-2]}/{parts[-1]}"
    return ""


def parse_channel_page(body: str | bytes, channel: str) -> ParsedPage:
    """Parse one `t.me/s/<channel>` page; messages that cannot be read are skipped and listed."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if "tgme_" not in text:
        raise ParseError("not a Telegram preview page")
    sel = Selector(text=text)
    page = ParsedPage()
    page.profile = {
        "title": (sel.css(".tgme_channel_info_header_title span::text").get()
                  or sel.css(".tgme_header_title::text").get() or "").strip(),
    }
    messages = sel.css("div.tgme_widget_message[data-post]")
    if not messages and not sel.css("section.tgme_channel_history, .tgme_channel_info, main.tgme_main"):
        raise ParseError("no message history on the page (truncated or not a channel)")
    for message in messages:
        try:
            page.posts.append(parse_message(message, channel))
        except (ParseError, ValueError) as exc:
            page.skipped.append(f"{message.attrib.get('data-post', '?')}: {exc}")
    page.posts.reverse()  # newest first
    more = sel.css("a.tme_messages_more[data-before]::attr(data-before)").get()
    page.next_cursor = more if more and messages else None
    return page


def parse_message(message: Selector, channel: str) -> Post:
    data_post = message.attrib.get("data-post", "")
    if not re.fullmatch(r"[\w\-]+/\d+", data_post):
        raise ParseError(f"bad data-post {data_post!r}")
    posted_at = iso_time(message.css("a.tgme_widget_message_date time::attr(datetime)").get())
    if not posted_at:
        raise ParseError("message without a readable time")
    post_channel = data_post.split("/")[0]
    display_name = "".join(message.css(".tgme_widget_message_owner_name ::text").getall()).strip()
    texts = message.css(".js-message_text")
    body_text = element_text(texts[0].root) if texts else ""
    text_links = [href for href in (texts[0].css("a::attr(href)").getall() if texts else [])
                  if href.startswith("http") and "?q=" not in href]

    media: list[Media] = []
    for wrap in message.css("a.tgme_widget_message_photo_wrap"):
        found = _BG_URL.search(wrap.attrib.get("style", ""))
        if found:
            media.append(Media(url=found.group(1), type="photo"))
    for video in message.css("video.tgme_widget_message_video::attr(src)").getall():
        media.append(Media(url=video, type="video"))
    for doc in message.css("a.tgme_widget_message_document_wrap::attr(href)").getall():
        media.append(Media(url=doc, type="document"))
    preview = message.css("a.tgme_widget_message_link_preview")
    preview_links: list[str] = []
    if preview:
        href = preview[0].attrib.get("href", "")
        title = " ".join(preview[0].css(".link_preview_title ::text").getall()).strip()
        description = " ".join(preview[0].css(".link_preview_description ::text").getall()).strip()
        media.append(Media(url=href, type="link", alt=(title + (" — " + description if description else ""))[:500]))
        if href:
            preview_links.append(href)

    kind, parent = "post", None
    forwarded = message.css("a.tgme_widget_message_forwarded_from_name::attr(href)").get()
    forwarded_name = " ".join(message.css(".tgme_widget_message_forwarded_from_name ::text").getall()).strip()
    if forwarded or forwarded_name:
        path = _post_path(forwarded or "")
        kind = "share"
        parent = Parent(post_id=path, url=f"{BASE}/{path}" if path else (forwarded or ""),
                        author_handle=path.split("/")[0] if path else forwarded_name)
    else:
        reply = message.css("a.tgme_widget_message_reply")
        if reply:
            href = reply[0].attrib.get("href", "")
            path = _post_path(href)
            kind = "reply"
            parent = Parent(post_id=path, url=f"{BASE}/{path}" if path else href,
                            author_handle=path.split("/")[0] if path else "",
                            text=" ".join(reply[0].css(".tgme_widget_message_metatext ::text").getall()).strip())

    reactions = [parse_count(r) for r in message.css(".tgme_reaction::text").getall()]
    likes = sum(r for r in reactions if r is not None) if reactions else None
    views = parse_count(message.css(".tgme_widget_message_views::text").get())
    return Post(
        platform="telegram",
        post_id=data_post,
        url=f"{BASE}/{data_post}",
        kind=kind,
        author=Author(platform="telegram", handle=post_channel, display_name=display_name,
                      url=f"{BASE}/{post_channel}"),
        text=body_text,
        hashtags=hashtags(body_text),
        mentions=mentions(body_text),
        links=merge_unique(text_links, links(body_text), preview_links),
        media=media,
        posted_at=posted_at,
        parent=parent,
        engagement=Engagement(likes=likes, views=views),
    )


def is_channel_page(url: str) -> bool:
    """Whether a (possibly redirected) URL is still a channel preview: t.me redirects missing channels away."""
    return urlsplit(url).path.startswith("/s/")


def summary(page: ParsedPage) -> dict[str, Any]:
    return {"posts": len(page.posts), "next": page.next_cursor, "skipped": page.skipped}
