"""Candidate and party websites: RSS 2.0 / Atom feeds, or HTML listings read with per-site CSS selectors.

Site configuration (WEB_SITES_FILE, JSON {"sites": [...]}): `id`, `type` ("rss" | "html"), `url` (the feed or the
listing page), optional `name`, `candidate_id`, `party_id`, and for HTML `selectors`: `item`, `title`, `link`,
`date`, `text`, `next` (parsel CSS, `::text`/`::attr()` allowed). Post id = the article's canonical URL.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from crawler.items import Author, Post
from crawler.parsers.common import (ParsedPage, ParseError, element_text, hashtags, html_to_text, iso_time, links,
                                    mentions, rfc822_time)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DEFAULT_SELECTORS = {"item": "article", "title": "h2 a::text", "link": "h2 a::attr(href)",
                     "date": "time::attr(datetime)", "text": ".summary", "next": "a[rel=next]::attr(href)"}


@dataclass
class SiteConfig:
    id: str
    url: str
    type: str = "rss"
    name: str = ""
    candidate_id: str = ""
    party_id: str = ""
    selectors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteConfig:
        if not data.get("id") or not data.get("url"):
            raise ValueError("a site needs an id and a url")
        if data.get("type", "rss") not in ("rss", "atom", "html"):
            raise ValueError(f"site {data['id']}: type must be rss, atom or html")
        return cls(id=data["id"], url=data["url"], type=data.get("type", "rss"), name=data.get("name", ""),
                   candidate_id=data.get("candidate_id", ""), party_id=data.get("party_id", ""),
                   selectors={**DEFAULT_SELECTORS, **(data.get("selectors") or {})})


def load_sites(path: str | Path) -> dict[str, SiteConfig]:
    """Sites by id; a missing file means no configured sites."""
    file = Path(path)
    if not file.exists():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    sites = [SiteConfig.from_dict(s) for s in (data.get("sites", []) if isinstance(data, dict) else data)]
    return {s.id: s for s in sites}


def _author(site: SiteConfig, title: str = "") -> Author:
    return Author(platform="web", handle=site.id, display_name=site.name or title, url=site.url)


def _post(site: SiteConfig, url: str, title: str, body: str, posted_at: str, site_title: str) -> Post:
    text = f"{title}\n\n{body}".strip()
    return Post(platform="web", post_id=url, url=url, kind="post", author=_author(site, site_title), text=text,
                title=title, hashtags=hashtags(text), mentions=mentions(body), links=links(body),
                posted_at=posted_at)


def parse_feed(body: str | bytes, site: SiteConfig) -> ParsedPage:
    """RSS 2.0 or Atom → posts (newest first)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"invalid feed XML: {exc}") from exc
    page = ParsedPage()
    if root.tag == f"{ATOM}feed":
        site_title = root.findtext(f"{ATOM}title", default="")
        for entry in root.findall(f"{ATOM}entry"):
            link = next((l.get("href") for l in entry.findall(f"{ATOM}link")
                         if l.get("rel", "alternate") == "alternate"), "")
            posted_at = iso_time(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated"))
            content = entry.findtext(f"{ATOM}content") or entry.findtext(f"{ATOM}summary") or ""
            if not link or not posted_at:
                page.skipped.append(f"entry without link or date ({link or '?'})")
                continue
            page.posts.append(_post(site, urljoin(site.url, link), entry.findtext(f"{ATOM}title", default="").strip(),
                                    html_to_text(content), posted_at, site_title))
    elif root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise ParseError("RSS without a channel")
        site_title = channel.findtext("title", default="")
        for item in channel.findall("item"):
            link = (item.findtext("link") or item.findtext("guid") or "").strip()
            posted_at = rfc822_time(item.findtext("pubDate"))
            content = item.findtext(CONTENT) or item.findtext("description") or ""
            if not link or not posted_at:
                page.skipped.append(f"item without link or date ({link or '?'})")
                continue
            page.posts.append(_post(site, urljoin(site.url, link), (item.findtext("title") or "").strip(),
                                    html_to_text(content), posted_at, site_title))
    else:
        raise ParseError(f"not an RSS or Atom feed (root {root.tag})")
    page.posts.sort(key=lambda p: p.posted_at, reverse=True)
    return page


def parse_listing(body: str | bytes, site: SiteConfig) -> ParsedPage:
    """An HTML listing page read with the site's selectors; `next_cursor` is the next page's href."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    sel = Selector(text=text)
    sels = site.selectors
    items = sel.css(sels["item"])
    page = ParsedPage()
    site_title = (sel.css("title::text").get() or "").strip()
    if not items and "</html>" not in text.lower():
        raise ParseError("no items and no end of document (truncated page)")
    for item in items:
        href = (item.css(sels["link"]).get() or "").strip()
        posted_at = iso_time(item.css(sels["date"]).get())
        if not href or not posted_at:
            page.skipped.append(f"item without link or date ({href or '?'})")
            continue
        title = " ".join(t.strip() for t in item.css(sels["title"]).getall()).strip()
        bodies = item.css(sels["text"])
        body_text = "\n\n".join(element_text(b.root) for b in bodies if hasattr(b.root, "tag"))
        page.posts.append(_post(site, urljoin(site.url, href), title, body_text, posted_at, site_title))
    nxt = sel.css(sels["next"]).get() if sels.get("next") else None
    page.next_cursor = nxt.strip() if nxt and items else None
    return page
