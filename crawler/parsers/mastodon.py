"""Mastodon public API (`/api/v1/accounts/lookup`, `/api/v1/accounts/:id/statuses`, `Link` pagination) → Posts.

Post ids are the status `url` (`https://instance/@user/123`): unique across the fediverse and openable by a
supervisor. A reblog is a share (`share_post_id(original url, "user@instance")`); a reply's parent is the local
view of the parent status `https://<instance>/@<acct>/<in_reply_to_id>` (for a parent on the same instance this
is its own url). Authors are `user@instance`. HTML content becomes text (spoiler text first).
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from crawler.items import Author, Engagement, Media, Parent, Post, share_post_id
from crawler.parsers.bluesky import load_json
from crawler.parsers.common import ParsedPage, ParseError, html_to_text, iso_time, links, merge_unique

_LINK_RE = re.compile(r"<([^>]+)>\s*;\s*rel=\"?([^\";]+)\"?")


def parse_target(target: str) -> tuple[str, str]:
    """"user@instance", "@user@instance", "https://instance/@user" → ("user", "instance")."""
    value = target.strip()
    if "://" in value:
        parts = urlsplit(value)
        user = parts.path.strip("/").split("/")[0].lstrip("@")
        return user.split("@")[0], (parts.hostname or "").lower()
    value = value.lstrip("@")
    if "@" not in value:
        raise ValueError(f"Mastodon target must be user@instance, got {target!r}")
    user, instance = value.split("@", 1)
    return user, instance.lower()


def next_link(header: str | None) -> str | None:
    """The `rel="next"` URL of a Link header."""
    for url, rel in _LINK_RE.findall(header or ""):
        if rel.strip() == "next":
            return url
    return None


def full_acct(account: dict[str, Any], instance: str) -> str:
    acct = account.get("acct") or account.get("username") or ""
    if "@" not in acct:
        host = urlsplit(account.get("url") or "").hostname or instance
        acct = f"{acct}@{host}"
    return acct


def _author(account: dict[str, Any], instance: str) -> Author:
    return Author(platform="mastodon", handle=full_acct(account, instance),
                  display_name=account.get("display_name") or account.get("username") or "",
                  url=account.get("url") or "")


def _content_links(content: str) -> list[str]:
    if not content.strip():
        return []
    root = lxml_html.fragment_fromstring(content, create_parent="div")
    found = []
    for anchor in root.iter("a"):
        classes = anchor.get("class") or ""
        href = anchor.get("href") or ""
        if href.startswith("http") and "mention" not in classes and "hashtag" not in classes:
            found.append(href)
    return found


def parse_status(status: dict[str, Any], instance: str) -> Post:
    if not isinstance(status, dict) or not status.get("id"):
        raise ParseError("status without id")
    account = status.get("account") or {}
    author = _author(account, instance)
    reblog = status.get("reblog")
    if isinstance(reblog, dict):
        original = parse_status(reblog, instance)
        return Post(
            platform="mastodon", post_id=share_post_id(original.post_id, author.handle), url=original.url,
            kind="share", author=author, text=original.text, hashtags=original.hashtags,
            mentions=original.mentions, links=original.links, media=original.media,
            posted_at=iso_time(status.get("created_at")) or original.posted_at,
            parent=Parent(post_id=original.post_id, url=original.url, author_handle=original.author.handle,
                          text=original.text),
        )
    url = status.get("url") or status.get("uri") or ""
    posted_at = iso_time(status.get("created_at"))
    if not url or not posted_at:
        raise ParseError(f"status {status.get('id')}: no url or created_at")
    content = status.get("content") or ""
    text = html_to_text(content)
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}".strip()
    card = status.get("card") or {}
    media = [Media(url=m.get("url") or m.get("remote_url") or "",
                   type="photo" if m.get("type") == "image" else (m.get("type") or ""),
                   alt=m.get("description") or "") for m in status.get("media_attachments") or []]
    if card.get("url"):
        media.append(Media(url=card["url"], type="link", alt=card.get("title") or ""))
    kind, parent = "post", None
    if status.get("in_reply_to_id"):
        kind = "reply"
        parent_account_id = status.get("in_reply_to_account_id")
        parent_acct = ""
        if parent_account_id == account.get("id"):
            parent_acct = account.get("acct") or ""
        for mention in status.get("mentions") or []:
            if mention.get("id") == parent_account_id:
                parent_acct = mention.get("acct") or ""
        parent_url = f"https://{instance}/@{parent_acct}/{status['in_reply_to_id']}" if parent_acct else ""
        parent = Parent(post_id=parent_url or f"{status['in_reply_to_id']}@{instance}", url=parent_url,
                        author_handle=full_acct({"acct": parent_acct}, instance) if parent_acct else "")
    return Post(
        platform="mastodon", post_id=url, url=url, kind=kind, author=author, text=text,
        hashtags=[t.get("name", "") for t in status.get("tags") or [] if t.get("name")],
        mentions=[m.get("acct", "") for m in status.get("mentions") or [] if m.get("acct")],
        links=merge_unique(_content_links(content), [card["url"]] if card.get("url") else [], links(text)),
        media=media, posted_at=posted_at, parent=parent, lang=status.get("language") or "",
        engagement=Engagement(likes=status.get("favourites_count"), replies=status.get("replies_count"),
                              shares=status.get("reblogs_count"), quotes=status.get("quotes_count")),
    )


def parse_statuses(body: str | bytes, instance: str, link_header: str | None = None) -> ParsedPage:
    data = load_json(body)
    if not isinstance(data, list):
        raise ParseError("statuses response is not a list")
    page = ParsedPage(next_cursor=next_link(link_header) if data else None)
    for status in data:
        try:
            page.posts.append(parse_status(status, instance))
        except (ParseError, AttributeError, TypeError) as exc:
            page.skipped.append(str(exc))
    return page


def parse_account(body: str | bytes) -> dict[str, Any]:
    data = load_json(body)
    if not isinstance(data, dict) or not data.get("id"):
        raise ParseError("account lookup without an id")
    return data
