"""IndexPipeline: buffered, idempotent bulk indexing of Post items into Elasticsearch.

Items are buffered and written by `crawler.es.indexer.PostIndexer` in a worker thread (the reactor keeps
crawling). Whatever Elasticsearch cannot take now is spooled on disk; the spool is replayed when a crawl opens,
so the next run indexes it first. Switched off with `INDEX_ENABLED = False` (`pantau crawl --no-index`).
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.es.client import get_client, index_prefix
from crawler.es.indexer import BatchResult, PostIndexer
from crawler.es.spool import DeadLetters, Spool

logger = logging.getLogger(__name__)


def indexer_from_settings(settings: Any, **overrides: Any) -> PostIndexer:
    """The PostIndexer a process uses, configured from settings (also used by `pantau es replay`, the demo)."""
    home = Path(settings.get("PANTAU_HOME"))
    options: dict[str, Any] = {
        "max_retries": settings.getint("INDEX_MAX_RETRIES"),
        "backoff": settings.getfloat("INDEX_RETRY_BACKOFF"),
        "max_text_bytes": settings.getint("INDEX_MAX_TEXT_BYTES"),
    }
    options.update(overrides)
    return PostIndexer(get_client(settings), index_prefix(settings), Spool(home / "spool"),
                       DeadLetters(home / "deadletter"), **options)


class IndexPipeline:
    def __init__(self, indexer: PostIndexer, bulk_size: int, flush_seconds: float) -> None:
        self.indexer = indexer
        self.bulk_size = bulk_size
        self.flush_seconds = flush_seconds
        self.buffer: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.totals = BatchResult()
        self._lock = asyncio.Lock()
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        settings = crawler.settings
        if not settings.getbool("INDEX_ENABLED", True):
            raise NotConfigured("indexing disabled (INDEX_ENABLED=False)")
        pipeline = cls(indexer_from_settings(settings), settings.getint("INDEX_BULK_SIZE", 500),
                       settings.getfloat("INDEX_FLUSH_SECONDS", 5.0))
        pipeline.crawler = crawler
        return pipeline

    async def open_spider(self) -> None:
        if self.indexer.spool.segments():
            result = await asyncio.to_thread(self.indexer.replay_spool)
            logger.info("spool replayed: %d indexed, %d still spooled", result.indexed, result.spooled)
            self._account(result, "replay")

    async def process_item(self, item: Any) -> Any:
        self.buffer.append(ItemAdapter(item).asdict())
        if len(self.buffer) >= self.bulk_size or time.monotonic() - self.last_flush >= self.flush_seconds:
            await self._flush()
        return item

    async def close_spider(self) -> None:
        await self._flush()
        logger.info("indexed %d posts (%d new, %d updated), %d dead-lettered, %d spooled",
                    self.totals.indexed, self.totals.created, self.totals.updated,
                    self.totals.dead_lettered, self.totals.spooled)

    async def _flush(self) -> None:
        async with self._lock:
            batch, self.buffer = self.buffer, []
            self.last_flush = time.monotonic()
            if batch:
                result = await asyncio.to_thread(self.indexer.index_posts, batch)
                self._account(result, "index")

    def _account(self, result: BatchResult, kind: str) -> None:
        self.totals.add(result)
        if self.crawler is not None and self.crawler.stats is not None:
            stats = self.crawler.stats
            for name in ("indexed", "created", "updated", "dead_lettered", "spooled"):
                stats.inc_value(f"pantau/{kind}/{name}", getattr(result, name))
