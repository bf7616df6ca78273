"""Fault: Elasticsearch stops in the middle of `pantau crawl`. Nothing is lost or doubled: the crawl finishes and
says what it spooled, `pantau es replay` indexes the spool once the server is back, and a later crawl adds nothing."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from conftest import start_test_server
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import post_doc_id
from crawler.mocksite import MockSite, World
from faults_support import FAST, pantau, pantau_env, start_pantau, stored_posts

pytestmark = pytest.mark.own_es

CHANNEL = "kanal_lambat"
POSTS = 300  # 15 preview pages of 20


def slow_world() -> World:
    return World.from_dict({"accounts": [{
        "platform": "telegram", "handle": CHANNEL, "display_name": "Kanal Lambat", "delay_ms": 400,
        "generate": {"count": POSTS, "step_minutes": 30, "text": "Pengumuman layanan nomor {n} dari {name}."}}]})


def count_posts(client: Elasticsearch, prefix: str) -> int:
    try:
        client.indices.refresh(index=f"{prefix}posts*")
        return int(client.count(index=f"{prefix}posts")["count"])
    except Exception:  # noqa: BLE001 - not there yet
        return 0


@pytest.mark.timeout(600)
def test_es_stopped_during_crawl_then_replay_indexes_everything_once(tmp_path: Path) -> None:
    server = start_test_server("faults-down")
    prefix = "faults-down-"
    home = tmp_path / "home"
    try:
        client = Elasticsearch(server.url, request_timeout=10, max_retries=0)
        apply_templates(client, prefix)
        env = pantau_env(server.url, prefix, home)
        with MockSite(slow_world()) as site:
            proc = start_pantau(env, "crawl", "--platform", "telegram", "--target", CHANNEL, "--base-url",
                                site.base_url, "--max-pages", "20", "--max-posts", str(POSTS), *FAST)
            deadline = time.monotonic() + 120
            while count_posts(client, prefix) == 0 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert proc.poll() is None, "the crawl ended before Elasticsearch could be stopped"
            indexed_before = count_posts(client, prefix)
            assert 0 < indexed_before < POSTS
            server.stop()  # Elasticsearch goes away mid-crawl
            stdout, stderr = proc.communicate(timeout=300)
            pages_served = len(site.requests_to(f"/s/{CHANNEL}"))

        # the crawl finished every page and says, with its exit status, that posts wait in the spool
        assert pages_served == POSTS // 20, stderr[-2000:]
        assert f"telegram {CHANNEL}: ok — {POSTS} post baru, {POSTS // 20} halaman" in stdout, stdout + stderr[-2000:]
        assert proc.returncode == 1, stdout + stderr[-2000:]
        spool = Spool(home / "spool")
        spooled = spool.pending()
        assert spooled > 0
        assert f"{spooled} post belum terindeks" in stderr and "pantau es replay" in stderr, stderr[-2000:]
        assert DeadLetters(home / "deadletter").read_all() == []
        spooled_ids = {r["id"] for _, records in spool.iter_segments() for r in records}
        assert len(spooled_ids) == spooled

        # while the server is down, replay keeps the spool and says so
        down = pantau(env, "es", "replay")
        assert down.returncode == 1 and "not reachable" in down.stderr, down.output
        assert spool.pending() == spooled

        server.start()  # same data directory: what was indexed before stays
        replay = pantau(env, "es", "replay")
        assert replay.returncode == 0, replay.output
        assert "0 still spooled" in replay.stdout and spool.pending() == 0 and spool.segments() == []

        expected = {post_doc_id("telegram", f"{CHANNEL}/{n}") for n in range(1, POSTS + 1)}
        docs = stored_posts(client, prefix)
        ids = [d["_id"] for d in docs]
        assert len(ids) == len(set(ids)) == POSTS
        assert set(ids) == expected
        assert spooled_ids <= expected
        assert {d["post_id"] for d in docs} == {f"{CHANNEL}/{n}" for n in range(1, POSTS + 1)}

        # a second crawl after the replay finds nothing new and doubles nothing
        with MockSite(slow_world()) as site:
            again = pantau(env, "crawl", "--platform", "telegram", "--target", CHANNEL, "--base-url",
                           site.base_url, *FAST)
        assert again.returncode == 0, again.output
        assert f"telegram {CHANNEL}: ok — 0 post baru, 1 halaman" in again.stdout, again.output
        docs_after = stored_posts(client, prefix)
        assert sorted(d["_id"] for d in docs_after) == sorted(ids)
        assert spool.pending() == 0 and DeadLetters(home / "deadletter").read_all() == []
    finally:
        server.stop()
        shutil.rmtree(server.instance_dir, ignore_errors=True)
