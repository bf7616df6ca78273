"""YouTube channel feed (`/feeds/videos.xml?channel_id=`) as YouTube serves it: Atom, 15 newest videos."""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import TYPE_CHECKING

from crawler.mocksite.world import WorldAccount, WorldPost

if TYPE_CHECKING:
    from crawler.mocksite.server import MockSite, Reply, Request

ATOM = "text/xml; charset=UTF-8"
FEED_SIZE = 15


def _utc(posted_at: str) -> str:
    return datetime.fromisoformat(posted_at).astimezone(timezone.utc).isoformat(timespec="seconds")


def render_entry(account: WorldAccount, post: WorldPost) -> str:
    channel = f"https://www.youtube.com/channel/{account.handle}"
    title = escape(post.title or post.text[:80])
    return f"""    <entry>
        <id>yt:video:{post.id}</id>
        <yt:videoId>{post.id}</yt:videoId>
        <yt:channelId>{account.handle}</yt:channelId>
        <title>{title}</title>
        <link rel="alternate" href="https://www.youtube.com/watch?v={post.id}"/>
        <author>
            <name>{escape(account.display_name)}</name>
            <uri>{channel}</uri>
        </author>
        <published>{_utc(post.posted_at)}</published>
        <updated>{_utc(post.posted_at)}</updated>
        <media:group>
            <media:title>{title}</media:title>
            <media:content url="https://www.youtube.com/v/{post.id}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
            <media:thumbnail url="https://i4.ytimg.com/vi/{post.id}/hqdefault.jpg" width="480" height="360"/>
            <media:description>{escape(post.text)}</media:description>
            <media:community>
                <media:starRating count="{post.counts.get('likes', 0)}" average="5.00" min="1" max="5"/>
                <media:statistics views="{post.counts.get('views', 0)}"/>
            </media:community>
        </media:group>
    </entry>
"""


def render_feed(account: WorldAccount, posts: list[WorldPost]) -> str:
    entries = "".join(render_entry(account, p) for p in posts[:FEED_SIZE])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
    <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={account.handle}"/>
    <id>yt:channel:{account.handle[2:]}</id>
    <yt:channelId>{account.handle[2:]}</yt:channelId>
    <title>{escape(account.display_name)}</title>
    <link rel="alternate" href="https://www.youtube.com/channel/{account.handle}"/>
    <author>
        <name>{escape(account.display_name)}</name>
        <uri>https://www.youtube.com/channel/{account.handle}</uri>
    </author>
    <published>2015-02-16T12:15:11+00:00</published>
{entries}</feed>
"""


def serve(site: MockSite, request: Request) -> Reply | None:
    from crawler.mocksite.server import Reply, truncate

    account = site.world.account("youtube", request.query.get("channel_id", ""))
    if account is None or account.status == "not_found":
        return Reply(404, "<html><body>Error 404 (Not Found)!!1</body></html>")
    failure = site.gate(account)
    if failure is not None:
        return failure
    posts = [] if account.status == "empty" else site.world.posts_of("youtube", account.handle)
    body = render_feed(account, posts)
    if account.status == "malformed":
        body = truncate(body)
    return Reply(200, body, ATOM)


ROUTES = {"/feeds/videos.xml": serve}
