"""Browser spiders (X, TikTok) in real Chromium against the fixture sites: fields, scrolling, walls, sessions,
screenshots, no browser left behind, and the re-check of a deleted post."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install
from crawler.mocksite.server import Reply
from tests.browser_support import PROJECT, RUN_MARK, crawl, ours, raw_body, screenshot, wall_and_session_checks

WORLD = PROJECT / "tests" / "data" / "worlds" / "browser.json"
TIMEOUT = 240  # seconds per crawl

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


@pytest.fixture()
def site() -> Iterator[MockSite]:
    install()
    with MockSite(World.load(WORLD)) as mock:
        yield mock


def chromium_pids() -> set[int]:
    """Chromium processes started by the crawls of the browser tests (tests/browser_support.py: RUN_MARK)."""
    return ours(RUN_MARK, b"chrom")


def test_x_profile_field_by_field_scroll_and_screenshot(site: MockSite, tmp_path: Path) -> None:
    before = chromium_pids()
    proc, posts = crawl(site, tmp_path, "x", "budi_asn", timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 24 generated + flagged + share + reply + pinned; the timeline answers 10 per page: 3 scrolls to the end
    assert len(posts) == 28 and len(by_id) == 28
    assert len(site.requests_to("/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets")) == 4
    post = by_id["1747100000000000001"]
    assert post["platform"] == "x" and post["kind"] == "post"
    assert post["url"] == "https://x.com/budi_asn/status/1747100000000000001"
    assert post["author"] == {"role": "", "platform": "x", "handle": "budi_asn", "display_name": "Budi Santoso <ASN>",
                              "url": "https://x.com/budi_asn"}
    assert post["text"] == ("Ayo coblos nomor 2! Dukung #PrabowoGibran2024 bersama @paslon_dua "
                            "https://contoh-paslon.id/program")
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == ["paslon_dua"]
    assert post["links"] == ["https://contoh-paslon.id/program"]
    assert post["posted_at"] == "2024-01-20T01:00:00+00:00" and post["lang"] == "in"
    assert post["engagement"] == {"likes": 12, "replies": 3, "shares": 4, "views": 321, "quotes": 1}
    assert post["media"] == [{"url": "https://pbs.twimg.com/media/FotoKampanye.jpg", "type": "photo",
                              "alt": "foto <kampanye>"}]
    assert post["flagged"] is True and post["target"] == "budi_asn"
    # evidence: the GraphQL JSON the post came from, and a PNG of its permalink page
    assert json.loads(raw_body(tmp_path, post))["data"]["user"]["result"]["timeline"]
    screenshot(tmp_path, post)
    assert site.requests_to("/budi_asn/status/1747100000000000001")
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 1  # only the flagged post is pictured
    # images blocked on the crawl page, loaded for the screenshot
    assert len(site.requests_to("/pantau-mock-static/avatar.png")) == 1

    share = by_id["1747100000000000002"]
    assert share["kind"] == "share" and share["parent"]["post_id"] == "1747000000000000001"
    assert share["parent"]["author_handle"] == "paslon_dua"
    assert share["text"] == "Kampanye akbar Sabtu ini di alun-alun, datang ya!"
    reply = by_id["1747100000000000003"]
    assert reply["kind"] == "reply" and reply["parent"]["url"] == "https://x.com/paslon_dua/status/1747000000000000001"
    assert reply["text"] == "@paslon_dua Siap hadir, warga <semua> & keluarga!"
    assert "1747000000000000001" not in by_id  # the candidate's own tweet is not the target's
    assert chromium_pids() - before == set()

    # second run: one new post; the pinned (known, out of order) post does not stop it, the last seen one does
    site.world.posts.append(type(site.world.posts[0])(
        platform="x", handle="budi_asn", id="1747200000000000001", text="Kerja bakti Minggu pagi.",
        posted_at="2024-01-21T07:00:00+07:00"))
    calls = len(site.requests_to("/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets"))
    proc, posts = crawl(site, tmp_path, "x", "budi_asn", timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["1747200000000000001"]
    assert len(site.requests_to("/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets")) == calls + 1


def test_tiktok_profile_fields_and_scroll(site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(site, tmp_path, "tiktok", "sari.asn", timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(posts) == 24 and len(site.requests_to("/api/post/item_list/")) == 3
    post = {p["post_id"]: p for p in posts}["7325000000000000001"]
    assert post["url"] == "https://www.tiktok.com/@sari.asn/video/7325000000000000001"
    assert post["author"] == {"role": "", "platform": "tiktok", "handle": "sari.asn", "display_name": "Sari Dewi",
                              "url": "https://www.tiktok.com/@sari.asn"}
    assert post["text"] == "Ayo coblos nomor 2! #PrabowoGibran2024 @relawan.dua"
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == ["relawan.dua"]
    assert post["posted_at"] == "2024-01-20T12:00:00+00:00"
    assert post["engagement"] == {"likes": 249, "replies": 8, "shares": 9, "views": 5675, "quotes": None}
    assert post["media"][0]["type"] == "video"
    screenshot(tmp_path, post)


@pytest.mark.parametrize("platform,target,cookie,posts", [("x", "x_tertutup", "auth_token", 3),
                                                          ("tiktok", "tt_tertutup", "sessionid", 4)])
def test_login_wall_session_and_expired_session(site: MockSite, tmp_path: Path, platform: str, target: str,
                                                cookie: str, posts: int) -> None:
    wall_and_session_checks(site, tmp_path, platform, target, cookie, posts_behind_wall=posts, timeout=TIMEOUT)


def test_unknown_account_and_missing_browser(site: MockSite, tmp_path: Path) -> None:
    proc, _ = crawl(site, tmp_path, "x", "x_hilang", timeout=TIMEOUT)
    assert proc.returncode == 1 and "x x_hilang: not_found" in proc.stdout + proc.stderr
    proc, _ = crawl(site, tmp_path, "x", "budi_asn", env={"PLAYWRIGHT_CHROMIUM_EXECUTABLE": "/tidak/ada/chromium"},
                    timeout=TIMEOUT)
    assert proc.returncode == 1 and "PLAYWRIGHT_CHROMIUM_EXECUTABLE" in proc.stderr


def test_no_browser_left_when_pages_error(site: MockSite, tmp_path: Path) -> None:
    """A renderer error (500 on the profile page) still closes the page and the browser."""
    site.world.account("x", "budi_asn").status = "server_error"
    site.routes["/budi_asn"] = lambda s, r: Reply(500, "<html><body>500</body></html>")
    before = chromium_pids()
    proc, posts = crawl(site, tmp_path, "x", "budi_asn", "--set", "RETRY_TIMES=0", timeout=TIMEOUT)
    assert posts == []
    assert chromium_pids() - before == set()
