"""Facebook spider (markup fallback) in real Chromium against the fixture site: `div[role=article]` posts read from
the DOM field by field, infinite scroll to the end and, on a second run, only to the last seen post; comments
(nested articles) left out; login wall, sessions and checkpoint; the screenshot of a flagged post. Plus the parser."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, WorldPost
from crawler.parsers import facebook as parser
from tests.browser_support import (crawl, raw_body, screenshot, session_file, social_site,
                                   wall_and_session_checks)

MORE = "/api/graphql/"


@pytest.fixture()
def site() -> Iterator[MockSite]:
    with social_site() as mock:
        yield mock


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_facebook_profile_fields_scroll_screenshot_and_second_run(site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(site, tmp_path, "facebook", "andi.pratama.asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 12 generated + 2; 5 in the page's markup, two scrolls fetch 5 and 4 more; the comment is not a post
    assert len(posts) == 14 and len(by_id) == 14 and "pfbid0KomentarWarga1" not in by_id
    assert len(site.requests_to(MORE)) == 2
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
    assert site.requests_to("/andi.pratama.asn/posts/pfbid02XkQ7sZ1aBcDeFg")
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 1

    # second run: one new post; the markup's first posts hold the last seen one: no scroll, nothing fetched
    site.world.posts.append(WorldPost(platform="facebook", handle="andi.pratama.asn", id="pfbid0Baru1",
                                      text="Pengumuman jadwal posyandu.", posted_at="2024-01-21T07:00:00+07:00"))
    proc, posts = crawl(site, tmp_path, "facebook", "andi.pratama.asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["pfbid0Baru1"]
    assert len(site.requests_to(MORE)) == 2


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_facebook_login_wall_sessions_and_checkpoint(site: MockSite, tmp_path: Path) -> None:
    wall_and_session_checks(site, tmp_path, "facebook", "fb_tertutup", "c_user")
    home = tmp_path / "checkpoint"
    session_file(home, "facebook", "c_user", "1000123")
    proc, posts = crawl(site, home, "facebook", "fb_diperiksa")
    assert proc.returncode == 1 and posts == []
    assert "facebook fb_diperiksa: session_expired" in proc.stdout + proc.stderr
    assert "[checkpoint]" in proc.stdout + proc.stderr


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
