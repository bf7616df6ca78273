"""Threads spider in real Chromium against the fixture site: the profile's embedded data-sjs JSON, then the
GraphQL page fetched on scroll, field by field; a reply with its parent post, a repost with its original; a second
run stops at the last seen post; login wall and sessions; the screenshot of a flagged post. Plus the parser on the
Relay blob shape."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, WorldPost
from crawler.parsers import threads as parser
from crawler.parsers.common import ParseError
from tests.browser_support import crawl, raw_body, screenshot, wall_and_session_checks

MORE = "/api/graphql"


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_threads_profile_fields_scroll_screenshot_and_second_run(social_site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(social_site, tmp_path, "threads", "dewi_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 14 generated + 3: 10 embedded in the page, 7 from the one GraphQL page the scroll brings
    assert len(posts) == 17 and len(by_id) == 17 and len(social_site.requests_to(MORE)) == 1
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
    reply = by_id["C3thrDs0002"]  # its thread holds the post it answers first: the parent is that post
    assert reply["kind"] == "reply" and reply["parent"] == {
        "post_id": "C3thrDsPas1", "url": "https://www.threads.net/@paslon_dua_th/post/C3thrDsPas1",
        "author_handle": "paslon_dua_th", "candidate_id": "", "text": "Terima kasih relawan!"}
    assert reply["text"] == "@paslon_dua_th Siap bantu & dukung!" and reply["mentions"] == ["paslon_dua_th"]
    repost = by_id["share:dewi_asn:C3thrDsPas2"]  # a repost has no page of its own: its id is built
    assert repost["kind"] == "share" and repost["author"]["handle"] == "dewi_asn"
    assert repost["url"] == "https://www.threads.net/@paslon_dua_th/post/C3thrDsPas2"
    assert repost["parent"] == {"post_id": "C3thrDsPas2", "author_handle": "paslon_dua_th", "candidate_id": "",
                                "url": "https://www.threads.net/@paslon_dua_th/post/C3thrDsPas2",
                                "text": "Debat capres malam ini, saksikan! Coblos nomor 2 #PrabowoGibran2024"}
    assert repost["text"] == repost["parent"]["text"] and repost["hashtags"] == ["PrabowoGibran2024"]
    assert repost["posted_at"] == "2024-01-20T15:00:00+00:00"  # when it was reposted
    assert repost["media"][0]["url"] == "https://scontent.cdninstagram.com/v/t51.2885-15/debat_n.jpg"
    assert repost["flagged"] is True and repost["raw"]["screenshot_path"]
    assert not {"C3thrDsPas1", "C3thrDsPas2", "C3thrDsRep1"} & set(by_id)
    oldest = by_id["dewi_asn-1"]  # from the GraphQL page: its evidence is that JSON
    assert oldest["text"] == "Info layanan KTP-el hari ke-1 @disdukcapil" and oldest["mentions"] == ["disdukcapil"]
    assert "thread_items" in json.dumps(json.loads(raw_body(tmp_path, oldest)))
    assert post["raw"]["content_type"].startswith("text/html") and b"data-sjs" in raw_body(tmp_path, post)
    screenshot(tmp_path, post)
    assert social_site.requests_to("/@dewi_asn/post/C3thrDs0001")
    assert social_site.requests_to("/@paslon_dua_th/post/C3thrDsPas2")  # the repost is pictured by its original
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 2

    social_site.world.posts.append(WorldPost(platform="threads", handle="dewi_asn", id="C3thrBaru01",
                                      text="Jadwal layanan keliling.", posted_at="2024-01-21T07:00:00+07:00"))
    proc, posts = crawl(social_site, tmp_path, "threads", "dewi_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["C3thrBaru01"]
    assert len(social_site.requests_to(MORE)) == 1


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_threads_login_wall_and_sessions(social_site: MockSite, tmp_path: Path) -> None:
    wall_and_session_checks(social_site, tmp_path, "threads", "th_tertutup", "sessionid")


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


def test_threads_parser_replies_reposts_and_quotes() -> None:
    def raw(code: str, user: str, text: str | None = None, **info: object) -> dict:
        return {"code": code, "user": {"username": user}, "caption": {"text": text} if text else None,
                "taken_at": 1705734000, "text_post_app_info": info}

    original = raw("Orig1", "paslon", "Coblos 02!")
    quoted = raw("Orig2", "paslon", "Debat malam ini")
    data = {"data": {"mediaData": {"edges": [
        {"node": {"thread_items": [{"post": {**raw("Rep1", "budi"), "taken_at": None,
                                             "text_post_app_info": {"share_info": {"reposted_post": original}}}}]}},
        {"node": {"thread_items": [{"post": raw("Orig3", "warga", "Ada acara?")},
                                   {"post": raw("Rpl1", "budi", "@paslon siap",
                                                reply_to_author={"username": "paslon"})},
                                   {"post": raw("Rpl2", "budi", "lanjut", reply_to_author={"username": "budi"})}]}},
        {"node": {"thread_items": [{"post": raw("Qt1", "budi", "Wajib tonton",
                                                share_info={"quoted_post": quoted, "reposted_post": None})}]}}]}}}
    posts = {p.post_id: p for p in parser.parse_data(data).posts}
    repost = posts["share:budi:Orig1"]
    assert repost.kind == "share" and repost.author.handle == "budi" and repost.text == "Coblos 02!"
    assert repost.posted_at == "2024-01-20T07:00:00+00:00"  # no time of its own: the original's
    assert (repost.parent.post_id, repost.parent.author_handle) == ("Orig1", "paslon") and "Rep1" not in posts
    reply = posts["Rpl1"]  # the item before it is someone else's: only the author is known
    assert reply.kind == "reply" and (reply.parent.post_id, reply.parent.author_handle) == ("", "paslon")
    assert posts["Rpl2"].kind == "post" and posts["Rpl2"].parent is None  # a reply to oneself continues a thread
    quote = posts["Qt1"]
    assert quote.kind == "share" and quote.text == "Wajib tonton" and quote.parent.post_id == "Orig2"
    assert quote.parent.text == "Debat malam ini" and quote.url.endswith("/@budi/post/Qt1")
