"""Fault: targets that time out or answer binary garbage, crawled in one run with healthy targets. Each ends with
its own status line; the healthy targets are still crawled and indexed (429-then-ok, 500 and truncated pages are
covered per spider in tests/test_spiders_*.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import post_doc_id
from crawler.mocksite import MockSite, World
from crawler.registry.store import RegistryStore
from faults_support import crawl, pantau_env, stored_posts

CHANNELS = {"kanal_baik": "ok", "kanal_macet": "timeout", "kanal_sampah": "garbage", "kanal_rusak": "server_error",
            "kanal_kedua": "ok"}


def world() -> World:
    accounts = []
    for handle, status in CHANNELS.items():
        account = {"platform": "telegram", "handle": handle, "display_name": handle.replace("_", " ").title(),
                   "status": status, "hang_seconds": 4,
                   "generate": {"count": 25, "text": "Info layanan {n} dari {name}."}}
        accounts.append(account)
    return World.from_dict({"accounts": accounts})


@pytest.mark.timeout(300)
def test_timeout_and_garbage_targets_fail_alone(es_client, es_url: str, index_prefix: str,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    apply_templates(es_client, index_prefix)
    store = RegistryStore(es_client, index_prefix)
    for handle in CHANNELS:
        store.add("accounts", {"platform": "telegram", "handle": handle, "name": f"Pegawai {handle}",
                               "region_code": "32.04"}, by="uji")
    home = tmp_path / "home"
    env = pantau_env(es_url, index_prefix, home)
    with MockSite(world()) as site:
        run = crawl(env, site.base_url, "--all", "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1")
        garbage_hits = len(site.requests_to("/s/kanal_sampah"))
    out = run.stdout
    assert run.returncode == 3, run.output[-3000:]  # partly failed: the healthy targets were crawled
    assert run.stderr.splitlines()[-1] == "Error: 3 dari 5 target gagal (3 of 5 targets failed): error 2, malformed 1"
    lines = {line.split(":")[0]: line for line in out.splitlines() if line.startswith("telegram ")}
    assert set(lines) == {f"telegram {h}" for h in CHANNELS}, out
    assert "telegram kanal_baik: ok — 25 post baru, 2 halaman" in out
    assert "telegram kanal_kedua: ok — 25 post baru, 2 halaman" in out
    assert lines["telegram kanal_macet"].startswith("telegram kanal_macet: error (DownloadTimeoutError: "), out
    assert "took longer than 1.0 seconds" in lines["telegram kanal_macet"]
    assert lines["telegram kanal_sampah"].startswith("telegram kanal_sampah: malformed (unreadable page "), out
    assert garbage_hits == 1  # an unreadable page is not retried or paginated
    assert lines["telegram kanal_rusak"].startswith("telegram kanal_rusak: error (HTTP 500 "), out

    # stored state: exactly the healthy targets' posts, nothing spooled or dead-lettered
    ids = sorted(d["_id"] for d in stored_posts(es_client, index_prefix))
    expected = sorted(post_doc_id("telegram", f"{h}/{n}") for h in ("kanal_baik", "kanal_kedua")
                      for n in range(1, 26))
    assert ids == expected
    assert Spool(home / "spool").pending() == 0 and DeadLetters(home / "deadletter").read_all() == []
    # the crawl state keeps each target's outcome for the operator
    states = {p.name: p.read_text(encoding="utf-8") for p in (home / "crawl-state").rglob("*") if p.is_file()}
    text = json.dumps(states, ensure_ascii=False)
    for status in ("DownloadTimeoutError", "malformed", "HTTP 500"):
        assert status in text, text[:2000]
