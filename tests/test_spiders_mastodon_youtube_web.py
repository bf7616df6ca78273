"""Mastodon, YouTube and candidate-site spiders against the fixture site."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, World
from tests.crawl_support import WORLD, run_crawl


@pytest.fixture()
def site() -> Iterator[MockSite]:
    with MockSite(World.load(WORLD)) as mock:
        yield mock


def test_mastodon_statuses_link_pagination_and_fields(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "mastodon", "@rina@sosial.contoh.id",
                       "--set", "MASTODON_PAGE_LIMIT=20")
    assert result.returncode == 0, result.stderr
    posts = result.by_id()
    assert len(posts) == 52 == len(result.posts)  # 50 generated + reblog + reply, pages of 20 via Link max_id
    pages = site.requests_to("/api/v1/accounts/")
    # as Mastodon does, the last full page still links to a next one, which comes back empty
    assert [bool(r.query.get("max_id")) for r in pages if r.path.endswith("/statuses")] == [False, True, True, True]

    reply = posts["https://sosial.contoh.id/@rina/111950000000000002"]
    assert reply["kind"] == "reply"
    assert reply["text"] == "@paslon Kami siap memilih nomor 2!\nSalam & hormat."
    assert reply["author"]["handle"] == "rina@sosial.contoh.id"
    assert reply["author"]["display_name"] == "Rina Wulandari"
    assert reply["parent"]["post_id"] == "https://sosial.contoh.id/@paslon/111900000000000001"
    assert reply["parent"]["author_handle"] == "paslon@sosial.contoh.id"
    assert reply["mentions"] == ["paslon"]
    assert reply["media"] == [{"url": "https://sosial.contoh.id/system/media/foto.jpg", "type": "photo",
                               "alt": "Foto spanduk"}]
    assert reply["posted_at"] == "2024-01-05T03:00:00.000+00:00"

    share = posts["share:rina@sosial.contoh.id:https://sosial.contoh.id/@paslon/111900000000000001"]
    assert share["kind"] == "share" and share["parent"]["author_handle"] == "paslon@sosial.contoh.id"
    assert share["hashtags"] == ["HarapanBersama"]
    assert share["text"] == "Debat kandidat malam ini, saksikan! #HarapanBersama"

    again = run_crawl(site.base_url, tmp_path, "mastodon", "rina@sosial.contoh.id")
    assert again.returncode == 0 and again.posts == []


def test_mastodon_refusing_server_and_missing_account(site: MockSite, tmp_path: Path) -> None:
    refused = run_crawl(site.base_url, tmp_path, "mastodon", "tertutup@privat.contoh.id")
    assert refused.returncode == 1
    assert "refuses_anonymous" in refused.stderr.splitlines()[-1]
    assert len(site.requests_to("/api/v1/accounts/lookup")) == 1  # reported, not retried
    missing = run_crawl(site.base_url, tmp_path, "mastodon", "https://sosial.contoh.id/@hilang")
    assert missing.returncode == 1 and "not_found" in missing.stderr.splitlines()[-1]
    bad = run_crawl(site.base_url, tmp_path, "mastodon", "tanpa-instance")
    assert bad.returncode == 1 and "user@instance" in bad.stderr.splitlines()[-1]


def test_youtube_feed_fields_and_flaky_404(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "youtube", "https://www.youtube.com/channel/UCpemkabcontoh00000000001")
    assert result.returncode == 0, result.stderr
    assert len(result.posts) == 15  # the feed holds the 15 newest only
    newest = result.posts[0]
    assert newest["title"] == "Liputan kegiatan pemkab episode 20"
    assert newest["text"] == "Liputan kegiatan pemkab episode 20\n\nDeskripsi video kegiatan nomor 20."
    assert newest["url"] == f"https://www.youtube.com/watch?v={newest['post_id']}"
    assert newest["posted_at"] == "2024-01-22T02:00:00+00:00"
    assert newest["author"]["handle"] == "UCpemkabcontoh00000000001"
    assert newest["engagement"]["views"] == 120 and newest["engagement"]["likes"] == 20 % 7

    flaky = run_crawl(site.base_url, tmp_path, "youtube", "UCgoyah00000000000000001")
    assert flaky.returncode == 0 and len(flaky.posts) == 2  # the 404 was retried, not taken as deleted
    gone = run_crawl(site.base_url, tmp_path, "youtube", "UChilang0000000000000001",
                     "--set", "YOUTUBE_NOT_FOUND_RETRIES=2")
    assert gone.returncode == 1 and "not_found" in gone.stderr.splitlines()[-1]
    assert len([r for r in site.requests_to("/feeds/") if "UChilang" in r.target]) == 3


def test_web_sites_rss_and_html(site: MockSite, tmp_path: Path) -> None:
    sites = tmp_path / "sites.json"
    sites.write_text(json.dumps({"sites": [
        {"id": "paslon-harapan-rss", "type": "rss", "url": "https://situs.contoh.id/situs/paslon-harapan/feed.xml",
         "candidate_id": "pilpres-2024-02"},
        {"id": "partai-contoh-html", "type": "html", "url": "https://situs.contoh.id/situs/partai-contoh/berita",
         "selectors": {"item": "article.berita", "title": "h2 a::text", "link": "h2 a::attr(href)",
                       "date": "time::attr(datetime)", "text": ".ringkasan", "next": "a.berikutnya::attr(href)"}},
    ]}), encoding="utf-8")
    rss = run_crawl(site.base_url, tmp_path, "web", "paslon-harapan-rss", "--set", f"WEB_SITES_FILE={sites}")
    assert rss.returncode == 0, rss.stderr
    assert [p["post_id"] for p in rss.posts] == ["https://situs.contoh.id/situs/paslon-harapan/kampanye-cibeber",
                                                 "https://situs.contoh.id/situs/paslon-harapan/program-air-bersih"]
    assert rss.posts[1]["title"] == "Program air bersih"
    assert rss.posts[1]["text"] == "Program air bersih\n\nProgram unggulan #AirBersih."
    assert rss.posts[1]["hashtags"] == ["AirBersih"]
    assert rss.posts[0]["posted_at"] == "2024-01-08T15:00:00+07:00"

    html = run_crawl(site.base_url, tmp_path, "web", "partai-contoh-html", "--set", f"WEB_SITES_FILE={sites}")
    assert html.returncode == 0, html.stderr
    assert [p["title"] for p in html.posts] == ["Rapat akbar kader", "Bakti sosial", "Pelantikan pengurus"]
    assert html.posts[2]["text"] == "Pelantikan pengurus\n\nPengurus baru dilantik."
    assert [r.query.get("page") for r in site.requests_to("/situs/partai-contoh")] == [None, "2"]
