"""`pantau recheck` in real Chromium: a flagged post deleted the day after gets `deleted_at`, its evidence stays;
an edited post gets its new text in `edits`."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.items import Author, Evidence, Post, post_doc_id
from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install
from tests.browser_support import index_posts, recheck

PROJECT = Path(__file__).resolve().parents[1]
WORLD = PROJECT / "tests" / "data" / "worlds" / "browser.json"

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def _post(platform: str, handle: str, post_id: str, url: str, text: str) -> dict:
    post = Post(platform=platform, post_id=post_id, url=url, author=Author(platform, handle, handle, ""),
                text=text, posted_at="2024-01-20T08:00:00+07:00", fetched_at="2024-01-20T09:00:00+00:00",
                flagged=True, severity="tinggi",
                raw=Evidence(sha256="ab" * 32, path="raw/ab/x.gz", screenshot_sha256="cd" * 32,
                             screenshot_path="screenshots/cd/y.png"))
    return post.to_dict()


def test_recheck_marks_deleted_and_edited(es_client, index_prefix, pantau_env, tmp_path: Path) -> None:
    install()
    text = "Ayo coblos nomor 2! Dukung #PrabowoGibran2024 bersama @paslon_dua https://contoh-paslon.id/program"
    posts = [
        _post("x", "budi_asn", "1747100000000000001", "https://x.com/budi_asn/status/1747100000000000001", text),
        _post("x", "budi_asn", "1747100000000000009", "https://x.com/budi_asn/status/1747100000000000009",
              "Coblos nomor 2 ya!"),
        _post("tiktok", "sari.asn", "7325000000000000001",
              "https://www.tiktok.com/@sari.asn/video/7325000000000000001", "teks lama #PrabowoGibran2024"),
    ]
    index_posts(es_client, index_prefix, tmp_path, posts)
    with MockSite(World.load(WORLD)) as site:
        # the day after: one tweet was deleted (1747100000000000009 never existed on the site: _Missing)
        site.world.post("x", "budi_asn", "1747100000000000001").deleted = True
        proc = recheck(site, pantau_env, tmp_path, timeout=200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "3 post diperiksa: 2 dihapus, 1 diubah" in proc.stdout
    alias = f"{index_prefix}posts"
    gone = es_client.get(index=alias.replace("posts", "posts-2024.01"), id=post_doc_id("x", "1747100000000000001"))
    assert gone["_source"]["deleted_at"]
    assert gone["_source"]["raw"]["screenshot_sha256"] == "cd" * 32  # evidence stays
    assert gone["_source"]["text"] == text
    edited = es_client.get(index=alias.replace("posts", "posts-2024.01"),
                           id=post_doc_id("tiktok", "7325000000000000001"))["_source"]
    assert edited.get("deleted_at") is None
    assert [e["text"] for e in edited["edits"]] == ["Ayo coblos nomor 2! #PrabowoGibran2024 @relawan.dua"]
    assert edited["text"] == "teks lama #PrabowoGibran2024"
