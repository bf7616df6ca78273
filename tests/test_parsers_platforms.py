"""The pure parsers on the project's own structures (as the fixture site renders them) and on edge cases."""
from __future__ import annotations

import json

import pytest

from crawler.mocksite.render_telegram import render_page
from crawler.mocksite.render_youtube import render_feed
from crawler.mocksite.world import World, WorldAccount, WorldPost
from crawler.parsers import bluesky, mastodon, telegram, web, youtube
from crawler.parsers.common import ParseError, html_to_text, iso_time, parse_count


def test_common_helpers() -> None:
    assert parse_count("2.5K") == 2500 and parse_count("1.3M") == 1_300_000 and parse_count("987") == 987
    assert parse_count("1,2K") == 1200 and parse_count("") is None and parse_count(None) is None
    assert iso_time("2024-01-20T13:00:00.000Z") == "2024-01-20T13:00:00.000+00:00"
    assert iso_time("2024-01-20T20:00:00+07:00") == "2024-01-20T20:00:00+07:00"
    assert iso_time("2024-01-20T20:00:00") == "" and iso_time("kemarin") == ""
    assert html_to_text("<p>Satu<br>dua</p><p>tiga &amp; <b>empat</b></p>") == "Satu\ndua\n\ntiga & empat"


def test_telegram_targets_and_page() -> None:
    assert telegram.channel_from_target("https://t.me/s/kanal_a") == "kanal_a"
    assert telegram.channel_from_target("@kanal_a") == telegram.channel_from_target("t.me/kanal_a") == "kanal_a"
    posts = [WorldPost("telegram", "kanal_a", str(n), text=f"Pesan #{n} <b>", posted_at=f"2024-02-0{n}T08:00:00+07:00",
                       counts={"views": 1500 * n}) for n in range(1, 4)]
    page = telegram.parse_channel_page(render_page("kanal_a", "Kanal A", posts, None), "kanal_a")
    assert [p.post_id for p in page.posts] == ["kanal_a/3", "kanal_a/2", "kanal_a/1"]
    assert page.posts[0].text == "Pesan #3 <b>" and page.posts[0].hashtags == ["3"]
    assert page.posts[0].posted_at == "2024-02-03T01:00:00+00:00"
    assert page.posts[0].engagement.views == 4500 and page.next_cursor is None


def test_telegram_bad_message_is_skipped_and_non_page_refused() -> None:
    html = render_page("kanal_a", "Kanal A", [WorldPost("telegram", "kanal_a", "1", text="ok",
                                                        posted_at="2024-02-01T08:00:00+07:00")], None)
    broken = html.replace('<div class="tgme_widget_message_wrap', '<div class="tgme_widget_message_wrap', 1) \
        .replace("</main>", '<div class="tgme_widget_message" data-post="kanal_a/2">tanpa waktu</div></main>')
    page = telegram.parse_channel_page(broken, "kanal_a")
    assert [p.post_id for p in page.posts] == ["kanal_a/1"] and page.skipped and "kanal_a/2" in page.skipped[0]
    with pytest.raises(ParseError):
        telegram.parse_channel_page("<html><body>Bukan Telegram</body></html>", "kanal_a")


def test_bluesky_feed_items_and_thread() -> None:
    assert bluesky.handle_from_target("https://bsky.app/profile/Budi.bsky.social") == "budi.bsky.social"
    view = {"uri": "at://did:plc:aaa/app.bsky.feed.post/3kx", "author": {"did": "did:plc:aaa", "handle": "a.bsky.social",
            "displayName": "A"}, "record": {"text": "Halo #Pemilu https://contoh.id", "createdAt": "2024-01-01T01:02:03Z",
            "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Pemilu"}]}]},
            "likeCount": 2, "replyCount": 1, "repostCount": 0}
    by = {"did": "did:plc:bbb", "handle": "b.bsky.social", "displayName": "B"}
    body = json.dumps({"feed": [{"post": view, "reason": {"$type": bluesky.REPOST, "by": by,
                                                          "indexedAt": "2024-01-02T00:00:00Z"}},
                                {"post": {"uri": "bad"}}], "cursor": "c1"})
    page = bluesky.parse_author_feed(body)
    assert page.next_cursor == "c1" and len(page.skipped) == 1
    share = page.posts[0]
    assert share.kind == "share" and share.post_id == "share:b.bsky.social:at://did:plc:aaa/app.bsky.feed.post/3kx"
    assert share.parent.post_id == view["uri"] and share.posted_at == "2024-01-02T00:00:00+00:00"
    assert share.hashtags == ["Pemilu"] and share.links == ["https://contoh.id"]
    reply = dict(view, uri="at://did:plc:bbb/app.bsky.feed.post/3ky", author=by,
                 record={"text": "Setuju", "createdAt": "2024-01-01T02:00:00Z",
                         "reply": {"parent": {"uri": view["uri"]}, "root": {"uri": view["uri"]}}})
    thread = {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": view, "replies": [
        {"$type": "app.bsky.feed.defs#threadViewPost", "post": reply, "replies": []},
        {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x", "notFound": True}]}}
    replies = bluesky.parse_thread(json.dumps(thread)).posts
    assert [(p.kind, p.parent.author_handle) for p in replies] == [("reply", "a.bsky.social")]
    with pytest.raises(ParseError):
        bluesky.parse_author_feed('{"feed": [')
    assert bluesky.xrpc_error('{"error":"InvalidRequest","message":"Profile not found"}') == \
        ("InvalidRequest", "Profile not found")


def test_mastodon_targets_links_and_status() -> None:
    assert mastodon.parse_target("@rina@Sosial.Contoh.id") == ("rina", "sosial.contoh.id")
    assert mastodon.parse_target("https://sosial.contoh.id/@rina") == ("rina", "sosial.contoh.id")
    with pytest.raises(ValueError):
        mastodon.parse_target("rina")
    link = '<https://a.id/api/v1/accounts/1/statuses?max_id=5>; rel="next", <https://a.id/x?min_id=9>; rel="prev"'
    assert mastodon.next_link(link) == "https://a.id/api/v1/accounts/1/statuses?max_id=5"
    status = {"id": "7", "created_at": "2024-01-01T00:00:00.000Z", "url": "https://a.id/@rina/7",
              "content": "<p>Halo <a href=\"https://berita.id/x\">berita</a></p>", "spoiler_text": "Politik",
              "account": {"id": "1", "acct": "rina", "display_name": "Rina", "url": "https://a.id/@rina"},
              "tags": [{"name": "pemilu"}], "mentions": [], "media_attachments": []}
    post = mastodon.parse_status(status, "a.id")
    assert post.text == "Politik\n\nHalo berita" and post.links == ["https://berita.id/x"]
    assert post.author.handle == "rina@a.id" and post.hashtags == ["pemilu"]
    assert mastodon.parse_statuses("[]", "a.id", link).next_cursor is None


def test_youtube_feed_and_targets() -> None:
    assert youtube.channel_from_target("https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijkl") == \
        "UCabcdefghijkl"
    account = WorldAccount("youtube", "UCabcdefghijklmnop", display_name="Kanal <Uji>")
    posts = [WorldPost("youtube", account.handle, f"vid{n:08d}", text=f"Deskripsi {n}", title=f"Judul {n}",
                       posted_at=f"2024-03-{n:02d}T10:00:00+07:00", counts={"views": n}) for n in range(1, 20)]
    page = youtube.parse_feed(render_feed(account, sorted(posts, key=lambda p: p.posted_at, reverse=True)))
    assert len(page.posts) == 15 and page.posts[0].post_id == "vid00000019"
    assert page.posts[0].author.display_name == "Kanal <Uji>" and page.posts[0].posted_at == "2024-03-19T03:00:00+00:00"
    with pytest.raises(ParseError):
        youtube.parse_feed(b"<feed><entry>")


def test_web_feed_atom_and_listing() -> None:
    site = web.SiteConfig.from_dict({"id": "s", "url": "https://situs.id/feed", "type": "atom"})
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>Situs</title><entry><title>Judul</title>'
            '<link href="/berita/1"/><published>2024-01-01T10:00:00+08:00</published>'
            '<summary>&lt;p&gt;Isi&lt;/p&gt;</summary></entry></feed>')
    post = web.parse_feed(atom, site).posts[0]
    assert post.post_id == "https://situs.id/berita/1" and post.posted_at == "2024-01-01T10:00:00+08:00"
    assert post.text == "Judul\n\nIsi"
    listing = web.SiteConfig.from_dict({"id": "h", "url": "https://situs.id/berita", "type": "html"})
    html = ('<html><body><article><h2><a href="/b/2">Dua</a></h2><time datetime="2024-01-02T09:00:00+07:00"></time>'
            '<div class="summary">Ringkas</div></article><article><h2><a href="/b/x">Tanpa tanggal</a></h2></article>'
            '<a rel="next" href="?page=2">lagi</a></body></html>')
    page = web.parse_listing(html, listing)
    assert [p.post_id for p in page.posts] == ["https://situs.id/b/2"] and page.skipped
    assert page.next_cursor == "?page=2"
    with pytest.raises(ValueError):
        web.SiteConfig.from_dict({"id": "x"})


def test_world_loads_and_validates() -> None:
    world = World.from_dict({"accounts": [{"platform": "telegram", "handle": "a", "generate": {"count": 3}}]})
    assert [p.id for p in world.posts_of("telegram", "a")] == ["3", "2", "1"]
    with pytest.raises(ValueError):
        World.from_dict({"accounts": [{"platform": "telegram", "handle": "a", "status": "aneh"}]})
