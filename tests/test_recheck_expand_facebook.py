"""`pantau recheck` opens a Facebook message its permalink shows cut ("… Lihat selengkapnya") before comparing, in
real Chromium: a long post edited after it was flagged gets its whole new text in `edits`; an unchanged long post
gets no edit; the shared expander (`crawler.browser.expand`) is what opens them."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.browser.config import BrowserConfig
from crawler.browser.recheck import recheck
from crawler.config import load_settings
from crawler.es.client import index_name
from crawler.es.indexer import PostIndexer
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import Author, Evidence, Post, post_doc_id
from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install
from crawler.mocksite.render_facebook import CUT_AT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

HANDLE = "sari.wulandari.asn"
LONG = ("Hari ini kami menghadiri kegiatan warga di balai desa bersama bapak dan ibu sekalian, terima kasih atas "
        "sambutan hangatnya. Mari bersama mendukung pasangan nomor dua demi Indonesia maju, datang ke TPS tanggal "
        "14 Februari dan ajak keluarga serta tetangga untuk memilih #PrabowoGibran2024")
EDITED = LONG.replace("pasangan nomor dua demi Indonesia maju", "program pemerintah demi desa yang maju").replace(
    " #PrabowoGibran2024", "")
UNCHANGED = ("Pengumuman layanan kependudukan: perekaman KTP elektronik dibuka setiap hari kerja di kantor kecamatan "
             "mulai pukul delapan pagi, mohon membawa kartu keluarga dan surat pengantar dari desa. Pilih nomor 2 "
             "ya warga semua, jangan lupa datang ke TPS tanggal 14 Februari #PrabowoGibran2024")


def _world() -> World:
    posts = [{"platform": "facebook", "handle": HANDLE, "id": post_id, "text": text,
              "posted_at": "2024-01-20T08:00:00+07:00", "extra": {"permalink_cut": True}}
             for post_id, text in (("pfbid02LongEdit", LONG), ("pfbid02LongSame", UNCHANGED))]
    return World.from_dict({"accounts": [{"platform": "facebook", "handle": HANDLE,
                                          "display_name": "Sari Wulandari"}], "posts": posts})


def _flagged(post_id: str, text: str) -> dict:
    return Post(platform="facebook", post_id=post_id, url=f"https://www.facebook.com/{HANDLE}/posts/{post_id}",
                author=Author("facebook", HANDLE, "Sari Wulandari", ""), text=text,
                posted_at="2024-01-20T08:00:00+07:00", fetched_at="2024-01-20T09:00:00+00:00", flagged=True,
                severity="tinggi", raw=Evidence(sha256="ab" * 32, path="raw/ab/x.gz")).to_dict()


def test_recheck_opens_cut_facebook_text(es_client, index_prefix, pantau_env, tmp_path: Path) -> None:
    assert len(LONG) > CUT_AT and len(EDITED) > CUT_AT and len(UNCHANGED) > CUT_AT  # all shown cut
    apply_templates(es_client, index_prefix)
    PostIndexer(es_client, index_prefix, Spool(tmp_path / "spool"), DeadLetters(tmp_path / "dead"),
                refresh="wait_for").index_posts([_flagged("pfbid02LongEdit", LONG),
                                                 _flagged("pfbid02LongSame", UNCHANGED)])
    install()
    with MockSite(_world()) as site:
        site.world.post("facebook", HANDLE, "pfbid02LongEdit").text = EDITED  # edited after it was flagged
        config = BrowserConfig.from_settings(load_settings())
        summary = recheck(es_client, index_name(index_prefix, "posts"), config, base_url=site.base_url,
                          platform="facebook")
        permalink = site.requests_to(f"/{HANDLE}/posts/pfbid02LongEdit")
    assert permalink, "the permalink page was not visited"
    outcomes = {o.post_id: o for o in summary.outcomes}
    assert outcomes["pfbid02LongEdit"].status == "edited" and outcomes["pfbid02LongEdit"].new_text == EDITED
    assert outcomes["pfbid02LongSame"].status == "present" and outcomes["pfbid02LongSame"].reason == ""
    index = f"{index_prefix}posts-2024.01"
    edited = es_client.get(index=index, id=post_doc_id("facebook", "pfbid02LongEdit"))["_source"]
    assert edited["text"] == LONG and [e["text"] for e in edited["edits"]] == [EDITED]
    same = es_client.get(index=index, id=post_doc_id("facebook", "pfbid02LongSame"))["_source"]
    assert not same.get("edits") and same.get("last_seen")
