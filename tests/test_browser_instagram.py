"""Instagram spider in real Chromium against the fixture site: web_profile_info + GraphQL pages field by field,
scrolling to the end and, on a second run, only to the last seen post; login wall and sessions; the screenshot of
a flagged post. Plus the pure parser on odd shapes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, WorldPost
from crawler.parsers import instagram as parser
from crawler.parsers.common import ParseError
from tests.browser_support import crawl, raw_body, screenshot, session_file, wall_and_session_checks

GRAPHQL = "/graphql/query/"
PROFILE_INFO = "/api/v1/users/web_profile_info/"


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_instagram_profile_fields_scroll_screenshot_and_second_run(social_site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(social_site, tmp_path, "instagram", "rina_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 26 generated + 2: web_profile_info brings 12, two GraphQL pages the rest (12 + 4)
    assert len(posts) == 28 and len(by_id) == 28
    assert len(social_site.requests_to(PROFILE_INFO)) == 1 and len(social_site.requests_to(GRAPHQL)) == 2
    post = by_id["C2aBcDeFgH1"]
    assert post["platform"] == "instagram" and post["kind"] == "post"
    assert post["url"] == "https://www.instagram.com/p/C2aBcDeFgH1/"
    assert post["author"] == {"role": "", "platform": "instagram", "handle": "rina_asn",
                              "display_name": 'Rina Kusuma <Dinkes> & "Staf"',
                              "url": "https://www.instagram.com/rina_asn/"}
    assert post["text"] == ("Ayo coblos nomor 2! <script>alert('ig')</script> #PrabowoGibran2024 @relawan.dua "
                            "https://contoh-paslon.id/ig")
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == ["relawan.dua"]
    assert post["links"] == ["https://contoh-paslon.id/ig"]
    assert post["posted_at"] == "2024-01-20T12:00:00+00:00"
    assert post["engagement"] == {"likes": 1234, "replies": 56, "shares": None, "views": None, "quotes": None}
    assert post["media"] == [{"url": "https://scontent.cdninstagram.com/v/t51.2885-15/kampanye_n.jpg",
                              "type": "photo", "alt": 'Poster <kampanye> "02"'}]
    assert post["flagged"] is True and post["target"] == "rina_asn"
    video = by_id["C2aBcDeFgH2"]
    assert video["media"][0]["type"] == "video" and video["engagement"]["views"] == 987
    assert by_id["rina_asn-1"]["text"] == "Dokumentasi posyandu ke-1 di kelurahan #PelayananPublik"
    # evidence: the JSON the post came from; a PNG of its permalink page, for the flagged post only
    assert json.loads(raw_body(tmp_path, post))["data"]["user"]["username"] == "rina_asn"
    assert post["raw"]["content_type"] == "application/json"
    screenshot(tmp_path, post)
    assert social_site.requests_to("/p/C2aBcDeFgH1/")
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 1
    assert len(social_site.requests_to("/pantau-mock-static/avatar.png")) == 1  # blocked on the profile page only

    # second run: one new post; the run stops at the last seen one (first page only, no GraphQL page)
    social_site.world.posts.append(WorldPost(platform="instagram", handle="rina_asn", id="C2aBaru0001",
                                      text="Kerja bakti Minggu pagi.", posted_at="2024-01-21T07:00:00+07:00"))
    proc, posts = crawl(social_site, tmp_path, "instagram", "rina_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["C2aBaru0001"]
    assert len(social_site.requests_to(PROFILE_INFO)) == 2 and len(social_site.requests_to(GRAPHQL)) == 2


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_instagram_login_wall_and_sessions(social_site: MockSite, tmp_path: Path) -> None:
    wall_and_session_checks(social_site, tmp_path, "instagram", "ig_tertutup", "sessionid")


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_instagram_refused_data_request_is_a_wall_not_an_empty_profile(social_site: MockSite, tmp_path: Path) -> None:
    # the profile page loads, but web_profile_info answers 401 {"require_login": true}: no session → login wall
    proc, posts = crawl(social_site, tmp_path, "instagram", "ig_data_tertutup")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and posts == []
    assert "instagram ig_data_tertutup: login_wall" in out and "web_profile_info HTTP 401 require_login" in out
    assert "ig_data_tertutup: empty" not in out
    assert social_site.requests_to("/ig_data_tertutup/") and social_site.requests_to(PROFILE_INFO)
    # with the operator's session, the same answer means the session is dead
    dead = tmp_path / "kedaluwarsa"
    session_file(dead, "instagram", "sessionid", "expired-2024")
    proc, posts = crawl(social_site, dead, "instagram", "ig_data_tertutup")
    assert proc.returncode == 1 and posts == []
    assert "instagram ig_data_tertutup: session_expired" in proc.stdout + proc.stderr
    # a live session reads the posts
    live = tmp_path / "sesi"
    session_file(live, "instagram", "sessionid", "sesi-operator")
    proc, posts = crawl(social_site, live, "instagram", "ig_data_tertutup")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(posts) == 3

    # the first page comes, the next GraphQL page is refused: the 12 read are kept, the run is not "ok" and does
    # not move the stop marker (the next run reads them again)
    partial = tmp_path / "sebagian"
    partial.mkdir()
    for _ in range(2):
        proc, posts = crawl(social_site, partial, "instagram", "ig_sebagian")
        out = proc.stdout + proc.stderr
        assert proc.returncode == 1 and len(posts) == 12
        assert "instagram ig_sebagian: login_wall" in out and "ProfilePosts HTTP 401 require_login" in out
    proc, posts = crawl(social_site, live, "instagram", "ig_sebagian")
    assert proc.returncode == 0 and len(posts) == 20


def test_instagram_parser_shapes() -> None:
    node = {"shortcode": "Cx1", "taken_at_timestamp": 1705734000, "is_video": False, "display_url": "https://i/1.jpg",
            "edge_media_to_caption": {"edges": []}, "edge_media_preview_like": {"count": 7},
            "edge_sidecar_to_children": {"edges": [{"node": {"display_url": "https://i/a.jpg", "is_video": False,
                                                             "accessibility_caption": "a"}},
                                                   {"node": {"video_url": "https://v/b.mp4", "is_video": True}}]}}
    page = parser.parse_timeline({"data": {"user": {"username": "budi", "full_name": "Budi",
                                                    "edge_owner_to_timeline_media": {
                                                        "page_info": {"has_next_page": True, "end_cursor": "QV"},
                                                        "edges": [{"node": node}, {"node": {"id": "1"}}]}}}})
    assert [p.post_id for p in page.posts] == ["Cx1"] and page.next_cursor == "QV" and len(page.skipped) == 1
    post = page.posts[0]
    assert post.author.handle == "budi" and post.text == "" and post.engagement.likes == 7
    assert [(m.type, m.url) for m in post.media] == [("photo", "https://i/a.jpg"), ("video", "https://v/b.mp4")]
    assert parser.parse_timeline({"message": "login", "require_login": True, "status": "fail"}).profile[
        "require_login"] is True
    checkpoint = {"message": "checkpoint_required", "checkpoint_url": "/challenge/x/", "lock": False, "status": "fail"}
    assert parser.failure(checkpoint) == {"error": "checkpoint_required", "require_login": False, "checkpoint": True}
    assert parser.failure({"data": {"user": None}, "status": "ok"}) is None and parser.failure(None) is None
    with pytest.raises(ParseError):
        parser.parse_timeline({"data": {}})
    gone = parser.parse_post_page("<main><h2>Sorry, this page isn't available.</h2></main>")
    assert gone.profile["missing"] is True and gone.posts == []
