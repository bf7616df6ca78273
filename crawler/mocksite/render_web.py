"""Candidate and party websites from the world's `sites`: RSS 2.0 feeds and paginated HTML news listings."""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

HOST = "situs.contoh.id"


def _link(site: dict[str, Any], item: dict[str, Any]) -> str:
    base = site["path"].rsplit("/", 1)[0]
    return f"https://{site.get('host', HOST)}{base}/{item['slug']}"


def render_rss(site: dict[str, Any]) -> str:
    items = "".join(f"""
    <item>
      <title>{escape(i['title'])}</title>
      <link>{_link(site, i)}</link>
      <guid isPermaLink="true">{_link(site, i)}</guid>
      <pubDate>{format_datetime(datetime.fromisoformat(i['posted_at']))}</pubDate>
      <description>{escape(i.get('text', ''))}</description>
    </item>""" for i in site.get("items", []))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>{escape(site.get('title', site['id']))}</title>
    <link>https://{site.get('host', HOST)}{site['path']}</link>
    <description>Berita resmi</description>{items}
  </channel>
</rss>
"""


def render_listing(site: dict[str, Any], page: int) -> str:
    per_page = int(site.get("per_page", 10))
    items = site.get("items", [])
    chunk = items[(page - 1) * per_page: page * per_page]
    articles = "".join(f"""
  <article class="berita">
    <h2><a href="{_link(site, i)}">{escape(i['title'])}</a></h2>
    <time datetime="{i['posted_at']}">{escape(i['posted_at'][:10])}</time>
    <div class="ringkasan"><p>{escape(i.get('text', ''))}</p></div>
  </article>""" for i in chunk)
    more = f'<a class="berikutnya" rel="next" href="?page={page + 1}">Berikutnya</a>' \
        if page * per_page < len(items) else ""
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{escape(site.get('title', site['id']))}</title></head>
<body><main>{articles}
<nav>{more}</nav></main></body></html>
"""


def serve(site_server: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply, truncate

    for site in site_server.world.sites:
        if request.path != site["path"]:
            continue
        if site.get("type") == "rss":
            body = render_rss(site)
            content_type = "application/rss+xml; charset=utf-8"
        else:
            body = render_listing(site, int(request.query.get("page") or 1))
            content_type = "text/html; charset=utf-8"
        if site.get("status") == "malformed":
            body = truncate(body)
        return Reply(200, body, content_type)
    return None


ROUTES = {"/situs/": serve}
