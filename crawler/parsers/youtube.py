"""YouTube channel feed (`/feeds/videos.xml?channel_id=UC...`, Atom, the 15 newest videos) → Posts.

Post id: the video id (`yt:videoId`); url `https://www.youtube.com/watch?v=<id>`; title in `title`, text =
title + description (so matching sees both); views from `media:statistics/@views`, likes from
`media:starRating/@count`; `published` kept with its offset. The feed never pages.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from crawler.items import Author, Engagement, Media, Post
from crawler.parsers.common import ParsedPage, ParseError, hashtags, iso_time, links, mentions

NS = {"a": "http://www.w3.org/2005/Atom", "yt": "http://www.youtube.com/xml/schemas/2015",
      "media": "http://search.yahoo.com/mrss/"}
CHANNEL_ID_RE = re.compile(r"^UC[\w-]{10,40}$")


def channel_from_target(target: str) -> str:
    """"UC...", "https://www.youtube.com/channel/UC...", a feed URL → the channel id."""
    value = target.strip()
    if "://" in value or value.startswith("youtube.com") or value.startswith("www.youtube.com"):
        parts = urlsplit(value if "://" in value else f"https://{value}")
        query = parse_qs(parts.query)
        if "channel_id" in query:
            return query["channel_id"][0]
        segments = parts.path.strip("/").split("/")
        if len(segments) >= 2 and segments[0] == "channel":
            return segments[1]
        return ""
    return value


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_feed(body: str | bytes) -> ParsedPage:
    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"invalid feed XML: {exc}") from exc
    if root.tag != f"{{{NS['a']}}}feed":
        raise ParseError("not an Atom feed")
    page = ParsedPage()
    channel_name = root.findtext("a:author/a:name", default="", namespaces=NS)
    channel_url = root.findtext("a:author/a:uri", default="", namespaces=NS)
    page.profile = {"title": root.findtext("a:title", default="", namespaces=NS), "author": channel_name}
    for entry in root.findall("a:entry", NS):
        video_id = entry.findtext("yt:videoId", default="", namespaces=NS)
        posted_at = iso_time(entry.findtext("a:published", default="", namespaces=NS))
        if not video_id or not posted_at:
            page.skipped.append(f"entry without video id or published time ({video_id or '?'})")
            continue
        title = entry.findtext("a:title", default="", namespaces=NS).strip()
        group = entry.find("media:group", NS)
        description = ""
        media: list[Media] = []
        views = likes = None
        if group is not None:
            description = (group.findtext("media:description", default="", namespaces=NS) or "").strip()
            thumb = group.find("media:thumbnail", NS)
            if thumb is not None and thumb.get("url"):
                media.append(Media(url=thumb.get("url", ""), type="photo", alt=title))
            stats = group.find("media:community/media:statistics", NS)
            rating = group.find("media:community/media:starRating", NS)
            views = _int(stats.get("views")) if stats is not None else None
            likes = _int(rating.get("count")) if rating is not None else None
        url = f"https://www.youtube.com/watch?v={video_id}"
        media.insert(0, Media(url=url, type="video", alt=title))
        author_name = entry.findtext("a:author/a:name", default=channel_name, namespaces=NS)
        author_url = entry.findtext("a:author/a:uri", default=channel_url, namespaces=NS)
        channel_id = entry.findtext("yt:channelId", default="", namespaces=NS)
        text = f"{title}\n\n{description}".strip()
        page.posts.append(Post(
            platform="youtube", post_id=video_id, url=url, kind="post",
            author=Author(platform="youtube", handle=channel_id, display_name=author_name, url=author_url),
            text=text, title=title, hashtags=hashtags(text), mentions=mentions(description),
            links=links(description), media=media, posted_at=posted_at,
            engagement=Engagement(views=views, likes=likes),
        ))
    page.posts.sort(key=lambda p: p.posted_at, reverse=True)
    return page
