"""Bluesky spider against the fixture site: feed fields, reposts, replies, cursor pagination, threads, failures."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mocksite import MockSite, World
from crawler.mocksite.world import did_for
from tests.crawl_support import WORLD, run_crawl

PASLON = "paslon-harapan.bsky.social"
PASLON_POST = f"at://{did_for(PASLON)}/app.bsky.feed.post/3kpaslonpost1"


@pytest.fixture()
def site() -> Iterator[MockSite]:
    with MockSite(World.load(WORLD)) as mock:
        yield mock


def test_author_feed_fields_reposts_and_replies(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "bluesky", "@budi-asn.bsky.social", "--max-pages", "1",
                       "--max-posts", "1")
    assert result.returncode == 0, result.stderr
    posts = result.by_id()
    assert len(posts) == 50  # one page of BLUESKY_PAGE_LIMIT
    share_id = f"share:budi-asn.bsky.social:{PASLON_POST}"
    share = posts[share_id]
    assert share["kind"] == "share"
    assert share["author"]["handle"] == "budi-asn.bsky.social"
    assert share["parent"]["post_id"] == PASLON_POST and share["parent"]["author_handle"] == PASLON
    assert share["posted_at"] == "2024-01-20T15:00:00.000+00:00"
    assert share["text"] == "Terima kasih relawan! #HarapanBersama"

    reply_id = f"at://{did_for('budi-asn.bsky.social')}/app.bsky.feed.post/3kbudireply01"
    reply = posts[reply_id]
    assert reply["kind"] == "reply"
    assert reply["url"] == "https://bsky.app/profile/budi-asn.bsky.social/post/3kbudireply01"
    assert reply["author"] == {"role": "", "platform": "bluesky", "handle": "budi-asn.bsky.social", "display_name": "Budi Santoso",
                               "url": "https://bsky.app/profile/budi-asn.bsky.social"}
    assert reply["text"] == "Siap menangkan Paslon Harapan!"
    assert reply["parent"]["post_id"] == PASLON_POST and reply["parent"]["author_handle"] == PASLON
    assert reply["parent"]["candidate_id"] == ""  # the crawled account is an ASN, not the candidate
    assert reply["posted_at"] == "2024-01-20T13:00:00.000+00:00"  # 20:00 WIB
    assert reply["engagement"]["likes"] == 3 and reply["lang"] == "id"
    assert list(posts)[0] == share_id  # newest first


def test_cursor_pagination_and_incremental_stop(site: MockSite, tmp_path: Path) -> None:
    first = run_crawl(site.base_url, tmp_path, "bluesky", "budi-asn.bsky.social")
    assert first.returncode == 0, first.stderr
    assert len(first.posts) == 122 and len(first.by_id()) == 122  # 120 generated + reply + repost, 3 pages
    cursors = [r.query.get("cursor") for r in site.requests_to("/xrpc/app.bsky.feed.getAuthorFeed")]
    assert len(cursors) == 3 and cursors[0] is None and all(cursors[1:])

    second = run_crawl(site.base_url, tmp_path, "bluesky", "budi-asn.bsky.social")
    assert second.posts == []
    assert len(site.requests_to("/xrpc/app.bsky.feed.getAuthorFeed")) == 4


def test_candidate_threads_find_asn_replies(site: MockSite, tmp_path: Path) -> None:
    result = run_crawl(site.base_url, tmp_path, "bluesky", PASLON, "--role", "candidate",
                       "--candidate", "pilpres-2024-02")
    assert result.returncode == 0, result.stderr
    posts = result.by_id()
    assert PASLON_POST in posts and posts[PASLON_POST]["hashtags"] == ["HarapanBersama"]
    replies = [p for p in result.posts if p["kind"] == "reply"]
    assert {p["author"]["handle"] for p in replies} == {"budi-asn.bsky.social", "warga-cibeber.bsky.social"}
    for reply in replies:
        assert reply["parent"]["post_id"] == PASLON_POST
        assert reply["parent"]["candidate_id"] == "pilpres-2024-02"
        assert reply["target"] == PASLON
    assert len(site.requests_to("/xrpc/app.bsky.feed.getPostThread")) == 1


def test_failures(site: MockSite, tmp_path: Path) -> None:
    missing = run_crawl(site.base_url, tmp_path, "bluesky", "hilang.bsky.social")
    assert missing.returncode == 1 and "not_found (Profile not found)" in missing.stderr.splitlines()[-1]

    busy = run_crawl(site.base_url, tmp_path, "bluesky", "sibuk.bsky.social")
    assert busy.returncode == 0 and len(busy.posts) == 3

    empty = run_crawl(site.base_url, tmp_path, "bluesky", "kosong.bsky.social")
    assert empty.returncode == 0 and empty.posts == [] and "empty" in empty.stdout

    broken = run_crawl(site.base_url, tmp_path, "bluesky", "rusak.bsky.social")
    assert broken.posts == [] and "unreadable page" in broken.stderr
    assert broken.returncode == 1 and "malformed" in broken.stderr.splitlines()[-1]
