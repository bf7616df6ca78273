"""Telegram spider against the fixture site: fields, pagination, incremental stop, failures."""
from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, World
from tests.crawl_support import WORLD, CrawlResult, run_crawl


@pytest.fixture()
def site() -> Iterator[MockSite]:
    with MockSite(World.load(WORLD)) as mock:
        yield mock


@pytest.fixture(scope="module")
def first_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, Path]:
    """One crawl, depth 1 page, of info_kec_cibeber (its result and PANTAU_HOME), read by the field and evidence
    tests; on a site of its own, so the other tests' request counts are not touched."""
    home = tmp_path_factory.mktemp("telegram-first-page")
    with MockSite(World.load(WORLD)) as mock:
        result = run_crawl(mock.base_url, home, "telegram", "info_kec_cibeber", "--max-pages", "1",
                           "--max-posts", "1")
    return result, home


def test_channel_posts_field_by_field(first_page: tuple[CrawlResult, Path]) -> None:
    result, _ = first_page
    assert result.returncode == 0, result.stderr
    posts = result.by_id()
    # first run, depth 1 page: the 20 newest messages (48 .. 29), newest first
    assert list(posts)[:3] == ["info_kec_cibeber/48", "info_kec_cibeber/47", "info_kec_cibeber/46"]
    assert len(posts) == 20
    post = posts["info_kec_cibeber/47"]
    assert post["platform"] == "telegram" and post["kind"] == "post"
    assert post["url"] == "https://t.me/info_kec_cibeber/47"
    assert post["author"] == {"role": "", "platform": "telegram", "handle": "info_kec_cibeber",
                              "display_name": "Info Kecamatan Cibeber", "url": "https://t.me/info_kec_cibeber"}
    assert post["text"] == "Dukung terus #HarapanBersama demi Cibeber maju! Info: https://contoh-paslon.id/program"
    assert post["hashtags"] == ["HarapanBersama"]
    assert post["links"] == ["https://contoh-paslon.id/program"]
    assert post["posted_at"] == "2024-01-13T03:00:00+00:00"  # 10:00 WIB, as t.me gives it (UTC)
    assert post["engagement"]["views"] == 1_300_000 and post["engagement"]["likes"] == 40
    assert {"url": "https://cdn4.telesco.pe/file/foto-kegiatan.jpg", "type": "photo", "alt": ""} in post["media"]
    assert any(m["type"] == "link" and m["url"] == "https://contoh-paslon.id/program" for m in post["media"])
    assert post["parent"] is None and post["target"] == "info_kec_cibeber"

    share = posts["info_kec_cibeber/46"]
    assert share["kind"] == "share"
    assert share["parent"]["post_id"] == "paslon_harapan/12"
    assert share["parent"]["url"] == "https://t.me/paslon_harapan/12"
    assert share["parent"]["author_handle"] == "paslon_harapan"

    reply = posts["info_kec_cibeber/48"]
    assert reply["kind"] == "reply" and reply["parent"]["post_id"] == "info_kec_cibeber/47"
    assert reply["text"] == "Jangan lupa hadir ya, warga <semua> & keluarga."  # escaped in HTML, plain here


def test_evidence_is_kept_and_verifiable(first_page: tuple[CrawlResult, Path]) -> None:
    result, home = first_page
    raw = result.posts[0]["raw"]
    stored = home / "evidence" / raw["path"]
    body = gzip.decompress(stored.read_bytes())
    assert hashlib.sha256(body).hexdigest() == raw["sha256"] and raw["size"] == len(body)
    assert b'data-post="info_kec_cibeber/48"' in body
    assert result.posts[0]["fetched_at"].endswith("+00:00")


def test_pagination_first_run_depth_and_incremental_stop(site: MockSite, tmp_path: Path) -> None:
    first = run_crawl(site.base_url, tmp_path, "telegram", "info_kec_cibeber")
    assert first.returncode == 0, first.stderr
    # 48 messages over 3 pages (?before=29, ?before=9): all read, each once
    assert len(first.posts) == 48 and len(first.by_id()) == 48
    befores = [r.query.get("before") for r in site.requests_to("/s/info_kec_cibeber")]
    assert befores == [None, "29", "9"]

    site.world.posts.append(type(site.world.posts[0])(
        platform="telegram", handle="info_kec_cibeber", id="49", text="Pengumuman baru: kerja bakti Minggu.",
        posted_at="2024-01-14T07:00:00+07:00"))
    second = run_crawl(site.base_url, tmp_path, "telegram", "info_kec_cibeber")
    assert [p["post_id"] for p in second.posts] == ["info_kec_cibeber/49"]
    assert len(site.requests_to("/s/info_kec_cibeber")) == 4  # one page, then stop at the last seen post


def test_rate_limited_then_success(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "telegram", "kanal_sibuk")
    assert result.returncode == 0, result.stderr
    assert len(result.posts) == 5
    assert len(site.requests_to("/s/kanal_sibuk")) == 2  # 429, then 200


def test_empty_and_missing_channels(site: MockSite, tmp_path: Path) -> None:
    empty = run_crawl(site.base_url, tmp_path, "telegram", "kanal_kosong")
    assert empty.returncode == 0 and empty.posts == []
    assert "kanal_kosong: empty" in empty.stdout
    missing = run_crawl(site.base_url, tmp_path, "telegram", "https://t.me/kanal_dihapus")
    assert missing.returncode == 1 and missing.posts == []
    assert "not_found" in missing.stderr.splitlines()[-1]


def test_server_error_is_retried_then_reported(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "telegram", "kanal_error", "--set", "RETRY_TIMES=2")
    assert result.returncode == 1 and result.posts == []
    assert len(site.requests_to("/s/kanal_error")) == 3
    assert "HTTP 500" in result.stderr.splitlines()[-1]


def test_truncated_page_is_logged_and_skipped(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "telegram", "kanal_rusak")
    assert result.returncode == 0, result.stderr
    ids = [p["post_id"] for p in result.posts]
    # page 1 is cut: the complete messages on it are kept, the cut one is skipped and logged,
    # and the crawl goes on to the older page
    assert "kanal_rusak/10" in ids and "kanal_rusak/1" in ids
    assert "message skipped" in result.stderr
    assert len(ids) < 30
