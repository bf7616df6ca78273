"""Loss-free, idempotent indexing into the real local Elasticsearch."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from crawler.es.indexer import PostIndexer
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import Author, Engagement, Post, post_doc_id


def make_posts(n: int, likes: int = 1, text: str = "Postingan nomor {i} tentang kegiatan kantor") -> list[dict]:
    return [Post(platform="telegram", post_id=f"kanal_dinas/{i}", url=f"https://t.me/kanal_dinas/{i}",
                 author=Author(platform="telegram", handle="kanal_dinas"), text=text.format(i=i),
                 posted_at=f"2024-0{1 + i % 2}-1{i % 10}T08:00:00+07:00", engagement=Engagement(likes=likes, views=i),
                 ).to_dict() for i in range(n)]


def make_indexer(es_client, prefix: str, home: Path, **kwargs) -> PostIndexer:  # type: ignore[no-untyped-def]
    return PostIndexer(es_client, prefix, Spool(home / "spool"), DeadLetters(home / "deadletter"),
                       refresh="wait_for", **kwargs)


def test_setup_is_idempotent(es_client, index_prefix: str) -> None:  # type: ignore[no-untyped-def]
    first = apply_templates(es_client, index_prefix)
    assert first.created and not first.updated
    second = apply_templates(es_client, index_prefix)
    assert second.created == [] and second.updated == [] and sorted(second.unchanged) == sorted(first.created)
    assert es_client.indices.exists_alias(name=f"{index_prefix}posts")


def test_reindexing_updates_in_place(es_client, index_prefix: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    apply_templates(es_client, index_prefix)
    clock = iter(["2024-03-01T00:00:00+00:00", "2024-03-02T00:00:00+00:00"])
    times = {"now": next(clock)}
    indexer = make_indexer(es_client, index_prefix, tmp_path, clock=lambda: times["now"])
    result = indexer.index_posts(make_posts(1000, likes=1))
    assert (result.indexed, result.created, result.dead_lettered, result.spooled) == (1000, 1000, 0, 0)

    times["now"] = next(clock)
    changed = make_posts(1000, likes=7)
    changed[5]["text"] = "Teks yang sudah diedit"
    result = indexer.index_posts(changed)
    assert (result.indexed, result.updated, result.created) == (1000, 1000, 0)

    alias = f"{index_prefix}posts"
    es_client.indices.refresh(index=alias)
    assert es_client.count(index=alias)["count"] == 1000
    assert es_client.count(index=alias, query={"term": {"engagement.likes": 7}})["count"] == 1000
    doc = es_client.search(index=alias, query={"ids": {"values": [post_doc_id("telegram", "kanal_dinas/5")]}})
    source = doc["hits"]["hits"][0]["_source"]
    assert source["first_seen"] == "2024-03-01T00:00:00+00:00"
    assert source["last_seen"] == "2024-03-02T00:00:00+00:00"
    assert source["text"] == "Teks yang sudah diedit"
    assert source["edits"] == [{"text": "Postingan nomor 5 tentang kegiatan kantor",
                                "seen_at": "2024-03-01T00:00:00+00:00"}]
    # monthly indices by posted_at, read through one alias
    indices = set(es_client.indices.get_alias(name=alias))
    assert {f"{index_prefix}posts-2024.01", f"{index_prefix}posts-2024.02"} <= indices


def test_rejected_items_go_to_dead_letters_with_reason(es_client, index_prefix: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    apply_templates(es_client, index_prefix)
    indexer = make_indexer(es_client, index_prefix, tmp_path)
    posts = make_posts(10)
    posts[3]["posted_at"] = "kemarin sore"  # not a date: a mapping rejection
    posts[7]["engagement"]["likes"] = "banyak"
    result = indexer.index_posts(posts)
    assert (result.indexed, result.dead_lettered, result.spooled) == (8, 2, 0)
    entries = DeadLetters(tmp_path / "deadletter").read_all()
    assert sorted(e["item"]["post_id"] for e in entries) == ["kanal_dinas/3", "kanal_dinas/7"]
    assert all("document_parsing_exception" in e["reason"] or "parse" in e["reason"] for e in entries)


def test_text_beyond_lucene_term_limit_is_indexed(es_client, index_prefix: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    apply_templates(es_client, index_prefix)
    indexer = make_indexer(es_client, index_prefix, tmp_path)
    post = make_posts(1)[0]
    post["text"] = "Ж" * 600_000  # 1.2 MB of UTF-8, one giant token
    post["hashtags"] = ["#" + "x" * 40_000]
    post["url"] = "https://t.me/" + "a" * 40_000
    result = indexer.index_posts([post])
    assert result.indexed == 1 and result.dead_lettered == 0
    stored = es_client.get(index=f"{index_prefix}posts-2024.01", id=post_doc_id("telegram", "kanal_dinas/0"))
    assert len(stored["_source"]["text"].encode()) <= 30_000


def test_down_server_spools_and_replay_indexes_once(es_client, index_prefix: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from elasticsearch import Elasticsearch

    apply_templates(es_client, index_prefix)
    dead = Elasticsearch("http://127.0.0.1:1", request_timeout=2, max_retries=0)
    down = PostIndexer(dead, index_prefix, Spool(tmp_path / "spool"), DeadLetters(tmp_path / "deadletter"),
                       max_retries=2, backoff=0.01)
    result = down.index_posts(make_posts(50))
    assert result.spooled == 50 and result.indexed == 0
    assert Spool(tmp_path / "spool").pending() == 50

    up = make_indexer(es_client, index_prefix, tmp_path)
    replayed = up.replay_spool()
    assert replayed.indexed == 50 and Spool(tmp_path / "spool").pending() == 0
    assert up.replay_spool().indexed == 0
    es_client.indices.refresh(index=f"{index_prefix}posts")
    assert es_client.count(index=f"{index_prefix}posts")["count"] == 50


def test_index_pipeline_buffers_and_flushes(es_client, pantau_env: dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from scrapy.statscollectors import MemoryStatsCollector

    from crawler.config import load_settings
    from crawler.pipelines.index import IndexPipeline

    prefix = pantau_env["PANTAU_INDEX_PREFIX"]
    apply_templates(es_client, prefix)
    crawler = SimpleNamespace(settings=load_settings({"INDEX_BULK_SIZE": 40, "INDEX_FLUSH_SECONDS": 3600}))
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = IndexPipeline.from_crawler(crawler)  # type: ignore[arg-type]

    async def run() -> None:
        await pipeline.open_spider()
        for post in make_posts(100):
            from crawler.items import post_from_dict

            await pipeline.process_item(post_from_dict(post))
        assert pipeline.totals.indexed == 80  # two full buffers flushed, 20 waiting
        await pipeline.close_spider()

    asyncio.run(run())
    assert pipeline.totals.indexed == 100
    assert crawler.stats.get_value("pantau/index/indexed") == 100
    es_client.indices.refresh(index=f"{prefix}posts")
    assert es_client.count(index=f"{prefix}posts")["count"] == 100


def test_index_pipeline_not_configured_when_disabled() -> None:
    from types import SimpleNamespace

    from scrapy.exceptions import NotConfigured

    from crawler.config import load_settings
    from crawler.pipelines.index import IndexPipeline

    with pytest.raises(NotConfigured):
        IndexPipeline.from_crawler(SimpleNamespace(settings=load_settings({"INDEX_ENABLED": False})))  # type: ignore[arg-type]
