"""Facebook spider (markup fallback) in real Chromium against the fixture site: `div[role=article]` posts read from
the DOM field by field, infinite scroll to the end and, on a second run, only to the last seen post; comments
(nested articles) left out; cut messages opened ("Lihat selengkapnya"); shares with their original as parent; login
wall, sessions and checkpoint; the screenshot of a flagged post. Plus the parser."""
from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, WorldPost
from crawler.parsers import facebook as parser
from tests.browser_support import crawl, raw_body, screenshot, session_file, wall_and_session_checks

MORE = "/api/graphql/"


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_facebook_profile_fields_scroll_screenshot_and_second_run(social_site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(social_site, tmp_path, "facebook", "andi.pratama.asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 12 generated + 2; 5 in the page's markup, two scrolls fetch 5 and 4 more; the comment is not a post
    assert len(posts) == 14 and len(by_id) == 14 and "pfbid0KomentarWarga1" not in by_id
    assert len(social_site.requests_to(MORE)) == 2
    post = by_id["pfbid02XkQ7sZ1aBcDeFg"]
    assert post["platform"] == "facebook" and post["kind"] == "post"
    assert post["url"] == "https://www.facebook.com/andi.pratama.asn/posts/pfbid02XkQ7sZ1aBcDeFg"
    assert post["author"] == {"role": "", "platform": "facebook", "handle": "andi.pratama.asn",
                              "display_name": "Andi Pratama <b>Camat</b>",
                              "url": "https://www.facebook.com/andi.pratama.asn"}
    assert post["text"] == ("Warga, mari dukung paslon nomor 2!\nCoblos #PrabowoGibran2024 "
                            "<img src=x onerror=alert(1)> bersama @warga.biasa")
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == ["warga.biasa"]
    assert post["posted_at"] == "2024-01-20T01:00:00+00:00"
    assert post["engagement"] == {"likes": 1234, "replies": 12, "shares": 4, "views": None, "quotes": None}
    assert post["flagged"] is True and post["target"] == "andi.pratama.asn" and post["media"] == []
    photo = by_id["pfbid02FotoKerjaBakti"]
    assert photo["media"] == [{"url": "https://scontent.xx.fbcdn.net/v/t39/kampanye.jpg", "type": "photo",
                               "alt": "Spanduk <02>"}]
    assert photo["engagement"]["likes"] == 2500 and photo["engagement"]["shares"] == 1
    oldest = by_id["andi.pratama.asn-1"]
    assert oldest["text"] == "Rapat koordinasi kecamatan sesi 1, terima kasih warga."
    assert oldest["posted_at"] == "2024-01-02T01:00:00+00:00"
    # evidence: the page's HTML as read (with the post in it); a PNG of the permalink, for the flagged post only
    assert post["raw"]["content_type"].startswith("text/html")
    assert b"pfbid02XkQ7sZ1aBcDeFg" in raw_body(tmp_path, post)
    screenshot(tmp_path, post)
    assert social_site.requests_to("/andi.pratama.asn/posts/pfbid02XkQ7sZ1aBcDeFg")
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 1

    # second run: one new post; the markup's first posts hold the last seen one: no scroll, nothing fetched
    social_site.world.posts.append(WorldPost(platform="facebook", handle="andi.pratama.asn", id="pfbid0Baru1",
                                      text="Pengumuman jadwal posyandu.", posted_at="2024-01-21T07:00:00+07:00"))
    proc, posts = crawl(social_site, tmp_path, "facebook", "andi.pratama.asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["pfbid0Baru1"]
    assert len(social_site.requests_to(MORE)) == 2


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_facebook_login_wall_sessions_and_checkpoint(social_site: MockSite, tmp_path: Path) -> None:
    wall_and_session_checks(social_site, tmp_path, "facebook", "fb_tertutup", "c_user")
    home = tmp_path / "checkpoint"
    session_file(home, "facebook", "c_user", "1000123")
    proc, posts = crawl(social_site, home, "facebook", "fb_diperiksa")
    assert proc.returncode == 1 and posts == []
    assert "facebook fb_diperiksa: session_expired" in proc.stdout + proc.stderr
    assert "[checkpoint]" in proc.stdout + proc.stderr


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_facebook_cut_messages_read_in_full_and_shares_recorded(social_site: MockSite, tmp_path: Path) -> None:
    world = social_site.world
    long_first = world.post("facebook", "sari.guru.asn", "pfbid02SariPanjang1").text  # in the page's markup
    long_later = world.post("facebook", "sari.guru.asn", "pfbid02SariPanjang2").text  # fetched on scroll
    original = world.post("facebook", "paslon.dua.official", "pfbid0PaslonAsli01").text
    # the feed shows them cut: only the click on "Lihat selengkapnya" shows the rest
    with urllib.request.urlopen(f"{social_site.base_url}/sari.guru.asn") as answer:
        markup = answer.read().decode("utf-8")
    assert markup.count("Lihat selengkapnya</div>") == 2 and "Bersama kita bisa, lanjutkan!" not in markup.split(
        "<script")[0]

    proc, posts = crawl(social_site, tmp_path, "facebook", "sari.guru.asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 4 generated + 2 long + 2 shares; 5 in the markup, 3 from the one page the scroll fetches
    assert len(posts) == 8 and len(by_id) == 8 and len(social_site.requests_to(MORE)) == 1
    assert by_id["pfbid02SariPanjang1"]["text"] == long_first
    assert by_id["pfbid02SariPanjang2"]["text"] == long_later
    assert not any("selengkapnya" in p["text"].lower() or p["text"].endswith("\u2026") for p in posts)
    assert "read with a cut message" not in proc.stderr

    share = by_id["pfbid02SariBagi01"]  # a share with the sharer's own words: the original is the parent
    assert share["kind"] == "share" and share["text"] == "Program yang bagus untuk warga kecamatan kita."
    assert share["author"]["handle"] == "sari.guru.asn" and share["posted_at"] == "2024-01-16T02:00:00+00:00"
    assert share["url"] == "https://www.facebook.com/sari.guru.asn/posts/pfbid02SariBagi01"
    assert share["parent"] == {"post_id": "pfbid0PaslonAsli01", "author_handle": "paslon.dua.official",
                               "url": "https://www.facebook.com/paslon.dua.official/posts/pfbid0PaslonAsli01",
                               "candidate_id": "", "text": original}
    assert share["hashtags"] == [] and share["engagement"]["likes"] == 12
    bare = by_id["pfbid02SariBagi02"]  # a share without words of its own reads as the original (as X retweets)
    assert bare["kind"] == "share" and bare["parent"]["post_id"] == "pfbid0PaslonAsli02"
    assert bare["text"] == "Kampanye akbar Sabtu ini di lapangan Gasibu. Coblos nomor 2! #PrabowoGibran2024"
    assert bare["hashtags"] == ["PrabowoGibran2024"] and bare["flagged"] is True
    assert bare["media"] == [{"url": "https://scontent.xx.fbcdn.net/v/t39/gasibu.jpg", "type": "photo",
                              "alt": "Panggung <Gasibu>"}]
    assert by_id["sari.guru.asn-1"]["kind"] == "post" and by_id["pfbid02SariPanjang1"]["parent"] is None
    assert not {"pfbid0PaslonAsli01", "pfbid0PaslonAsli02"} & set(by_id)  # the originals are not the target's


def test_facebook_parser_counts_ids_and_nesting() -> None:
    assert parser.count_text("1,2 rb") == 1200 and parser.count_text("3,4 jt") == 3_400_000
    assert parser.count_text("2.5K") == 2500 and parser.count_text("12 komentar") == 12
    assert parser.count_text("Semua reaksi: 1.234") == 1234 and parser.count_text("") is None
    assert parser.post_ref("https://www.facebook.com/permalink.php?story_fbid=987&id=1000123") == ("1000123", "987")
    assert parser.post_ref("/budi.asn/posts/pfbid0Ab?__cft__[0]=x") == ("budi.asn", "pfbid0Ab")
    html = ('<div role="feed"><div role="article"><h3><a href="https://www.facebook.com/profile.php?id=1000123">'
            'Budi</a></h3><a href="https://www.facebook.com/permalink.php?story_fbid=987&amp;id=1000123">'
            '<time datetime="2024-01-20T08:00:00+07:00">kemarin</time></a>'
            '<div data-ad-comet-preview="message">Halo <b>warga</b></div>'
            '<div role="article"><a href="/x/posts/999">komentar</a><div data-ad-preview="message">bukan</div></div>'
            '</div><div role="article"><span>iklan tanpa tautan</span></div></div>')
    page = parser.parse_feed_html(html)
    assert [p.post_id for p in page.posts] == ["987"] and page.skipped == ["article without a permalink"]
    post = page.posts[0]
    assert post.author.handle == "1000123" and post.url.endswith("permalink.php?story_fbid=987&id=1000123")
    assert post.text == "Halo warga" and post.posted_at == "2024-01-20T08:00:00+07:00"
    assert page.next_cursor is None


def test_facebook_parser_shares_and_cut_messages() -> None:
    html = ('<div role="feed"><div role="article"><h2><strong>'
            '<a href="https://www.facebook.com/profile.php?id=1000777">Budi</a></strong> shared a post.</h2>'
            '<a href="/permalink.php?story_fbid=555&amp;id=1000777">'
            '<time datetime="2024-01-21T08:00:00+07:00">1 h</time></a>'
            '<div data-ad-comet-preview="message"><div dir="auto">Lihat juga '
            'https://www.facebook.com/lain/posts/999 ini</div></div>'
            '<div><div><h4><a href="https://www.facebook.com/paslon.satu?__tn__=R">Paslon Satu</a></h4>'
            '<a href="https://www.facebook.com/paslon.satu/posts/pfbid0Asli">'
            '<time datetime="2024-01-20T08:00:00+07:00">kemarin</time></a></div>'
            '<div data-ad-preview="message"><div dir="auto">Ayo ke TPS...'
            '<div role="button">See more</div></div></div></div></div>'
            '<div role="article"><h2><a href="/ani">Ani</a></h2><a href="/ani/posts/777">x</a>'
            '<div data-ad-rendering-role="story_message">Rapat <b>RT</b>\u2026 <span role="button">Lihat selengkapnya'
            '</span></div></div></div>')
    page = parser.parse_feed_html(html)
    share, cut = page.posts
    assert share.kind == "share" and share.post_id == "555" and share.author.handle == "1000777"
    assert share.text == "Lihat juga https://www.facebook.com/lain/posts/999 ini"  # a link in the words: no share
    assert share.posted_at == "2024-01-21T08:00:00+07:00"  # the share's time, not the original's
    assert (share.parent.post_id, share.parent.author_handle, share.parent.text) == ("pfbid0Asli", "paslon.satu",
                                                                                      "Ayo ke TPS")
    assert share.parent.url == "https://www.facebook.com/paslon.satu/posts/pfbid0Asli"
    assert cut.kind == "post" and cut.parent is None and cut.text == "Rapat RT"
    assert page.profile["truncated"] == ["555", "777"]  # read cut: the spider had not opened them
    assert parser.message_text(parser.lxml_html.fragment_fromstring(
        '<div>Selesai... <b>tuntas</b></div>')) == ("Selesai... tuntas", False)
