"""Threads spider in real Chromium against the fixture site: the profile's embedded data-sjs JSON, then the
GraphQL page fetched on scroll, field by field; a second run stops at the last seen post; login wall and sessions;
the screenshot of a flagged post. Plus the parser on the Relay blob shape."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, WorldPost
from crawler.parsers import threads as parser
from crawler.parsers.common import ParseError
from tests.browser_support import crawl, raw_body, screenshot, social_site, wall_and_session_checks

MORE = "/api/graphql"


@pytest.fixture()
def site() -> Iterator[MockSite]:
    with social_site() as mock:
        yield mock


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_threads_profile_fields_scroll_screenshot_and_second_run(site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(site, tmp_path, "threads", "dewi_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 14 generated + 2: 10 embedded in the page, 6 from the one GraphQL page the scroll brings
    assert len(posts) == 16 and len(by_id) == 16 and len(site.requests_to(MORE)) == 1
    post = by_id["C3thrDs0001"]
    assert post["platform"] == "threads" and post["kind"] == "post"
    assert post["url"] == "https://www.threads.net/@dewi_asn/post/C3thrDs0001"
    assert post["author"] == {"role": "", "platform": "threads", "handle": "dewi_asn",
                              "display_name": "Dewi Lestari </script><b>ASN</b>",
                              "url": "https://www.threads.net/@dewi_asn"}
    assert post["text"] == "Pilih nomor 2 ya, lanjutkan! #PrabowoGibran2024 <script>alert(1)</script>"
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == []
    assert post["posted_at"] == "2024-01-20T13:00:00+00:00"
    assert post["engagement"] == {"likes": 77, "replies": 5, "shares": 3, "views": None, "quotes": 1}
    assert post["media"] == [{"url": "https://scontent.cdninstagram.com/v/t51.2885-15/utas_n.jpg", "type": "photo",
                              "alt": "foto <utas>"}]
    assert post["flagged"] is True
    reply = by_id["C3thrDs0002"]
    assert reply["kind"] == "reply" and reply["parent"]["author_handle"] == "paslon_dua_th"
    assert reply["text"] == "@paslon_dua_th Siap bantu & dukung!" and reply["mentions"] == ["paslon_dua_th"]
    assert "C3thrDsPas1" not in by_id
    oldest = by_id["dewi_asn-1"]  # from the GraphQL page: its evidence is that JSON
    assert oldest["text"] == "Info layanan KTP-el hari ke-1 @disdukcapil" and oldest["mentions"] == ["disdukcapil"]
    assert "thread_items" in json.dumps(json.loads(raw_body(tmp_path, oldest)))
    assert post["raw"]["content_type"].startswith("text/html") and b"data-sjs" in raw_body(tmp_path, post)
    screenshot(tmp_path, post)
    assert site.requests_to("/@dewi_asn/post/C3thrDs0001")
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 1

    site.world.posts.append(WorldPost(platform="threads", handle="dewi_asn", id="C3thrBaru01",
                                      text="Jadwal layanan keliling.", posted_at="2024-01-21T07:00:00+07:00"))
    proc, posts = crawl(site, tmp_path, "threads", "dewi_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["C3thrBaru01"]
    assert len(site.requests_to(MORE)) == 1


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_threads_login_wall_and_sessions(site: MockSite, tmp_path: Path) -> None:
    wall_and_session_checks(site, tmp_path, "threads", "th_tertutup", "sessionid")


def test_threads_parser_blob_shapes() -> None:
    item = {"post": {"code": "Abc", "caption": None, "taken_at": 1705734000, "like_count": "4",
                     "text_post_app_info": {"direct_reply_count": 1, "reply_to_author": {"username": "dewi_asn"}},
                     "user": {"username": "dewi_asn"},
                     "carousel_media": [{"image_versions2": {"candidates": [{"url": "https://i/1.jpg"}]}},
                                        {"video_versions": [{"url": "https://v/2.mp4"}]}]}}
    blob = {"require": [["x", [{"__bbox": {"result": {"data": {"mediaData": {
        "edges": [{"node": {"thread_items": [item, {"post": {"code": "NoUser"}}]}}],
        "page_info": {"has_next_page": True, "end_cursor": "QVF"}}}}}}]]]}
    html = ('<script type="application/json" data-sjs>{broken</script>'
            f'<script type="application/json" data-content-len="9" data-sjs>{json.dumps(blob)}</script>')
    page = parser.parse_page(html)
    assert [p.post_id for p in page.posts] == ["Abc"] and page.next_cursor == "QVF" and len(page.skipped) == 1
    post = page.posts[0]
    assert post.kind == "post" and post.text == "" and post.engagement.likes == 4  # a reply to oneself: a thread
    assert [m.type for m in post.media] == ["photo", "video"]
    with pytest.raises(ParseError):
        parser.parse_page("<html><body>Log in with your Instagram account</body></html>")
