"""Indexing throughput: the PostIndexer (mget + guarded bulk, as the IndexPipeline runs it) against plain
`elasticsearch.helpers.bulk` of the same documents, in the same run. Target: the pipeline reaches at least 0.8 of
the plain bulk rate.

    python bench/ingest.py [--docs 20000] [--batch 500]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import elasticsearch_url, report
from elasticsearch import Elasticsearch, helpers

from crawler.es.client import posts_index_for
from crawler.es.indexer import PostIndexer
from crawler.es.setup import apply_templates, delete_namespace
from crawler.es.spool import DeadLetters, Spool
from crawler.items import Author, Engagement, Post, post_doc_id


def make_docs(n: int) -> list[dict]:
    return [Post(platform="x", post_id=str(10**15 + i), url=f"https://x.com/akun{i % 500}/status/{10**15 + i}",
                 author=Author(platform="x", handle=f"akun{i % 500}", display_name=f"Pegawai {i % 500}"),
                 text=f"Kegiatan rapat koordinasi ke-{i} di kantor dinas, jangan lupa apel pagi #dinas{i % 7}",
                 hashtags=[f"#dinas{i % 7}"], posted_at=f"2024-0{1 + i % 3}-{10 + i % 18}T0{i % 10}:15:00+07:00",
                 fetched_at="2024-03-01T00:00:00+00:00", engagement=Engagement(likes=i % 50, views=i),
                 flagged=i % 5 == 0, severity="sedang", first_seen="2024-03-01T00:00:00+00:00",
                 last_seen="2024-03-01T00:00:00+00:00").to_dict() for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    url, server = elasticsearch_url()
    client = Elasticsearch(url, request_timeout=120)
    docs = make_docs(args.docs)
    try:
        rates = {}
        for run in ("plain", "pipeline"):
            prefix = f"bench-ingest-{run}-"
            delete_namespace(client, prefix)
            apply_templates(client, prefix)
            start = time.perf_counter()
            if run == "plain":
                actions = ({"_op_type": "index", "_index": posts_index_for(prefix, d["posted_at"]),
                            "_id": post_doc_id(d["platform"], d["post_id"]), "_source": d} for d in docs)
                helpers.bulk(client, actions, chunk_size=args.batch)
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    indexer = PostIndexer(client, prefix, Spool(Path(tmp) / "spool"), DeadLetters(Path(tmp) / "dl"))
                    for i in range(0, len(docs), args.batch):
                        result = indexer.index_posts(docs[i:i + args.batch])
                        assert result.dead_lettered == 0 and result.spooled == 0
            elapsed = time.perf_counter() - start
            client.indices.refresh(index=f"{prefix}posts")
            assert client.count(index=f"{prefix}posts")["count"] == len(docs)
            rates[run] = len(docs) / elapsed
            print(f"{run:9s}: {len(docs)} docs in {elapsed:.2f}s = {rates[run]:.0f} docs/s")
            delete_namespace(client, prefix)
        ratio = rates["pipeline"] / rates["plain"]
        report("ingest", rates["pipeline"], rates["plain"], 0.8, ratio >= 0.8, docs=args.docs, batch=args.batch)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
