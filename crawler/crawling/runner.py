"""Run crawls in-process: one Scrapy CrawlerProcess, one crawler per platform, many targets per crawler.

`run_crawl()` is what `pantau crawl --platform P --target T` runs; `run_crawls()` runs several platforms in one
reactor (Twisted allows one per process) and `due_targets()` picks the registered targets whose interval is up.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.config import load_settings
from crawler.crawling.base import TargetSpec
from crawler.crawling.catalog import spider_class
from crawler.crawling.state import CrawlStateStore

logger = logging.getLogger(__name__)

FAILED_STATUSES = frozenset({"not_found", "blocked", "refuses_anonymous", "login_wall", "session_expired",
                             "rate_limited", "malformed", "error"})


@dataclass
class CrawlJob:
    platform: str
    targets: list[TargetSpec]
    base_url: str | None = None
    spider_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class TargetResult:
    target: str
    status: str
    reason: str = ""
    posts: int = 0
    pages: int = 0

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


@dataclass
class CrawlSummary:
    platform: str
    items: int = 0
    pages: int = 0
    errors: int = 0
    malformed_pages: int = 0
    finish_reason: str = ""
    output: str | None = None
    targets: list[TargetResult] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(t.failed for t in self.targets)


def output_path_for(output: str | Path, platform: str, several: bool) -> Path:
    """The JSONL file of one platform: `output` itself, or `name.<platform>.jsonl` when several run at once."""
    path = Path(output)
    return path.with_name(f"{path.stem}.{platform}{path.suffix or '.jsonl'}") if several else path


def crawl_settings(*, index: bool = True, settings_overrides: dict[str, Any] | None = None) -> Settings:
    settings = load_settings(settings_overrides)
    if not index:  # --no-index: no Elasticsearch at all (no registry look-ups either)
        settings.set("INDEX_ENABLED", False, priority="cmdline")
        settings.set("ENRICH_ENABLED", False, priority="cmdline")
    return settings


def run_crawls(jobs: list[CrawlJob], *, output: str | Path | None = None, index: bool = True,
               settings_overrides: dict[str, Any] | None = None) -> list[CrawlSummary]:
    """Crawl every job in one reactor; returns one summary per job (same order)."""
    settings = crawl_settings(index=index, settings_overrides=settings_overrides)
    classes = [spider_class(job.platform) for job in jobs]  # unknown platforms fail before anything starts
    # the `pantau` CLI configures logging itself (-v); Scrapy adds its own handler only when nothing else did
    root = logging.getLogger()
    if root.handlers:
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        for handler in root.handlers:  # Scrapy opens the root logger to every level: keep the CLI's choice
            if handler.level == logging.NOTSET:
                handler.setLevel(root.level)
    process = CrawlerProcess(settings)
    crawlers: list[tuple[CrawlJob, Crawler, Path | None]] = []
    for job, cls in zip(jobs, classes):
        crawler = process.create_crawler(cls)  # its own copy of the settings, not frozen before crawl()
        out_path = output_path_for(output, job.platform, len(jobs) > 1) if output else None
        if out_path is not None:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            crawler.settings.set("FEEDS", {str(out_path.resolve()): {
                "format": "jsonlines", "encoding": "utf-8", "overwrite": True}}, priority="cmdline")
        process.crawl(crawler, targets=job.targets, base_url=job.base_url, **job.spider_kwargs)
        crawlers.append((job, crawler, out_path))
    process.start()
    return [_summary(job, crawler, out_path) for job, crawler, out_path in crawlers]


def run_crawl(platform: str, target: str | TargetSpec, *, base_url: str | None = None,
              output: str | Path | None = None, index: bool = True,
              settings_overrides: dict[str, Any] | None = None, **spider_kwargs: Any) -> CrawlSummary:
    """Crawl one target once (`pantau crawl --platform P --target T`)."""
    spec = TargetSpec.coerce(target)
    return run_crawls([CrawlJob(platform, [spec], base_url, spider_kwargs)], output=output, index=index,
                      settings_overrides=settings_overrides)[0]


def _summary(job: CrawlJob, crawler: Crawler, out_path: Path | None) -> CrawlSummary:
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    summary = CrawlSummary(
        platform=job.platform,
        items=int(stats.get("item_scraped_count", 0)),
        pages=int(stats.get("response_received_count", 0)),
        errors=int(stats.get("log_count/ERROR", 0)),
        malformed_pages=int(stats.get("pantau/malformed_pages", 0)),
        finish_reason=str(stats.get("finish_reason", "")),
        output=str(out_path) if out_path else None,
        stats=stats,
    )
    spider = crawler.spider
    runs = getattr(spider, "runs", {}) if spider is not None else {}
    for run in runs.values():
        summary.targets.append(TargetResult(run.key, run.final_status(), run.reason, run.posts, run.pages))
    if not runs:  # the spider never opened (e.g. bad arguments)
        summary.targets = [TargetResult(spec.target, "error", "spider did not run") for spec in job.targets]
    return summary


def due_targets(targets: Iterable[Any], settings: Settings, *, now: datetime | None = None,
                include_all: bool = False) -> dict[str, list[TargetSpec]]:
    """Registered targets (crawler.registry CrawlTarget) grouped by platform, keeping those whose interval is up."""
    now = now or datetime.now(timezone.utc)
    store = CrawlStateStore(Path(settings.get("PANTAU_HOME")) / "crawl-state")
    intervals = settings.getdict("CRAWL_INTERVAL_MINUTES") or {}
    grouped: dict[str, list[TargetSpec]] = {}
    for target in targets:
        platform = getattr(target, "platform", "")
        spec = TargetSpec.coerce(target)
        if not platform or not spec.target:
            continue
        try:
            spec.target = spider_class(platform).normalise_target(spec.target)
        except (ValueError, AttributeError):
            logger.warning("no spider for registered %s target %s: skipped", platform, spec.target)
            continue
        if not include_all:
            state = store.get(platform, spec.target)
            if state.last_run_at:
                try:
                    last = datetime.fromisoformat(state.last_run_at)
                except ValueError:
                    last = None
                if last and now - last < timedelta(minutes=int(intervals.get(platform, 60))):
                    continue
        grouped.setdefault(platform, []).append(spec)
    return grouped
