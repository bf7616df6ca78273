"""`pantau recheck` for Instagram, Facebook and Threads permalinks in real Chromium: a deleted post gets
`deleted_at`, an edited one its new text in `edits`, an unchanged one neither."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.items import Author, Evidence, Post, post_doc_id
from tests.browser_support import index_posts, recheck

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def _post(platform: str, handle: str, post_id: str, url: str, text: str) -> dict:
    return Post(platform=platform, post_id=post_id, url=url, author=Author(platform, handle, handle, ""), text=text,
                posted_at="2024-01-20T08:00:00+07:00", fetched_at="2024-01-20T09:00:00+00:00", flagged=True,
                severity="tinggi", raw=Evidence(sha256="ab" * 32, path="raw/ab/x.gz")).to_dict()


def test_recheck_instagram_facebook_threads(es_client, index_prefix, pantau_env, social_site,
                                            tmp_path: Path) -> None:
    threads_text = "Pilih nomor 2 ya, lanjutkan! #PrabowoGibran2024 <script>alert(1)</script>"
    index_posts(es_client, index_prefix, tmp_path, [
        _post("instagram", "rina_asn", "C2aBcDeFgH1", "https://www.instagram.com/p/C2aBcDeFgH1/", "teks lama"),
        _post("facebook", "andi.pratama.asn", "pfbid02XkQ7sZ1aBcDeFg",
              "https://www.facebook.com/andi.pratama.asn/posts/pfbid02XkQ7sZ1aBcDeFg", "dukung nomor 2"),
        _post("threads", "dewi_asn", "C3thrDs0001", "https://www.threads.net/@dewi_asn/post/C3thrDs0001",
              threads_text),
    ])
    social_site.world.post("facebook", "andi.pratama.asn", "pfbid02XkQ7sZ1aBcDeFg").deleted = True
    proc = recheck(social_site, pantau_env, tmp_path, timeout=150)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "3 post diperiksa: 1 dihapus, 1 diubah, 0 tidak dapat diperiksa" in proc.stdout
    index = f"{index_prefix}posts-2024.01"
    gone = es_client.get(index=index, id=post_doc_id("facebook", "pfbid02XkQ7sZ1aBcDeFg"))["_source"]
    assert gone["deleted_at"] and gone["text"] == "dukung nomor 2"
    edited = es_client.get(index=index, id=post_doc_id("instagram", "C2aBcDeFgH1"))["_source"]
    assert edited.get("deleted_at") is None and edited["text"] == "teks lama"
    assert [e["text"] for e in edited["edits"]] == [
        "Ayo coblos nomor 2! <script>alert('ig')</script> #PrabowoGibran2024 @relawan.dua https://contoh-paslon.id/ig"]
    same = es_client.get(index=index, id=post_doc_id("threads", "C3thrDs0001"))["_source"]
    assert same.get("deleted_at") is None and not same.get("edits") and same.get("last_seen")
