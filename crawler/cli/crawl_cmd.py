"""`pantau crawl`: crawl one target now (operators checking a new account), or every registered target that is due.

Each target's outcome is printed on its own line; the exit status (EXIT_* below, documented in the command's help
and the README) sums the run up for cron, systemd and `pantau serve`.
"""
from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import click

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1  # bad input, registry unreadable, every target failed, posts left in the spool
EXIT_USAGE = 2  # click's own usage errors
EXIT_PARTIAL = 3  # some targets crawled, one or more failed


class CrawlExit(click.ClickException):
    """A crawl that ran but did not fully succeed: one line on stderr, a documented exit status."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _parse_sets(values: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name.strip():
            raise click.ClickException(f"--set expects NAME=VALUE, got {value!r}")
        overrides[name.strip()] = raw
    return overrides


def _check_base_url(base_url: str | None) -> None:
    if not base_url:
        return
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.ClickException(f"--base-url must look like http://HOST[:PORT][/PATH], got {base_url!r}")


def _echo_summary(summaries: list[Any]) -> None:
    for summary in summaries:
        for result in summary.targets:
            reason = f" ({result.reason})" if result.reason else ""
            click.echo(f"{summary.platform} {result.target}: {result.status}{reason} — "
                       f"{result.posts} post baru, {result.pages} halaman")
        if summary.output:
            click.echo(f"{summary.platform}: {summary.items} post ditulis ke {summary.output}")


@click.command("crawl")
@click.option("--platform", "-p", help="telegram | bluesky | mastodon | youtube | web | x | instagram | tiktok | "
              "facebook | threads (optional when --target is a profile URL).")
@click.option("--target", "-t", help="Channel, handle, user@instance, channel id, site id or profile URL.")
@click.option("--base-url", help="Replace the platform's scheme and host (tests, mirrors); paths are kept.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the posts as JSONL here.")
@click.option("--no-index", is_flag=True, help="Do not index into Elasticsearch.")
@click.option("--role", type=click.Choice(["asn", "candidate"]), default="asn", show_default=True,
              help="Whose account the target is (with --target).")
@click.option("--candidate", "candidate_id", default="", help="Candidate pair id of a candidate page.")
@click.option("--max-pages", type=int, help="First-run depth: pages to read at least.")
@click.option("--max-posts", type=int, help="First-run depth: posts to read at least.")
@click.option("--all", "include_all", is_flag=True, help="Without --target: crawl every target, due or not.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a setting for this run.")
def crawl(platform: str | None, target: str | None, base_url: str | None, output: str | None, no_index: bool,
          role: str, candidate_id: str, max_pages: int | None, max_posts: int | None, include_all: bool,
          sets: tuple[str, ...]) -> None:
    """Crawl one target once, or every registered target that is due.

    \b
    Examples:
        pantau crawl --platform telegram --target kanal_pemkab --no-index --output posts.jsonl
        pantau crawl --platform mastodon --target budi@mastodon.social
        pantau crawl --target https://bsky.app/profile/budi.bsky.social --no-index
        pantau crawl                      # every registered target that is due

    Each target's outcome is printed on its own line; the exit status sums the run up:

    \b
        0  every target crawled (ok, or empty: nothing new) and every post stored
        1  failed: bad input, registry unreadable, every target failed (so also a failed --target),
           or posts left in the spool because Elasticsearch was unavailable (`pantau es replay`)
        2  usage error (unknown option, bad value)
        3  partly failed: some targets crawled, one or more failed (not_found, blocked,
           refuses_anonymous, login_wall, session_expired, rate_limited, malformed, error);
           1 wins when both apply
    """
    from crawler.crawling.base import TargetSpec
    from crawler.crawling.catalog import SPIDERS, UnknownPlatformError, platform_of_url, spider_class
    from crawler.crawling.runner import CrawlJob, crawl_settings, due_targets, run_crawls

    overrides = _parse_sets(sets)
    _check_base_url(base_url)
    if max_pages is not None and max_pages < 1 or max_posts is not None and max_posts < 1:
        raise click.ClickException("--max-pages and --max-posts must be at least 1")
    spider_kwargs: dict[str, Any] = {}
    if max_pages:
        spider_kwargs["max_pages"] = max_pages
    if max_posts:
        spider_kwargs["max_posts"] = max_posts

    if target is not None:
        if not target.strip():
            raise click.ClickException("--target is empty")
        if not platform:
            platform = platform_of_url(target) if "/" in target else None
            if not platform:
                raise click.ClickException("--platform is required unless --target is a profile URL")
        if platform not in SPIDERS:
            raise click.ClickException(f"unknown platform {platform!r} (known: {', '.join(sorted(SPIDERS))})")
        try:
            spider_class(platform)
        except UnknownPlatformError as exc:
            raise click.ClickException(str(exc)) from exc
        spec = TargetSpec(target=target.strip(), role=role, candidate_id=candidate_id)
        jobs = [CrawlJob(platform, [spec], base_url, spider_kwargs)]
    else:
        if platform and platform not in SPIDERS:
            raise click.ClickException(f"unknown platform {platform!r} (known: {', '.join(sorted(SPIDERS))})")
        jobs = _registered_jobs(platform, base_url, spider_kwargs, include_all, overrides, crawl_settings,
                                due_targets)
        if not jobs:
            click.echo("Tidak ada target yang jatuh tempo (no registered target is due).")
            return
    try:
        summaries = run_crawls(jobs, output=output, index=not no_index, settings_overrides=overrides)
    except UnknownPlatformError as exc:
        raise click.ClickException(str(exc)) from exc
    _echo_summary(summaries)
    code, message = crawl_outcome(summaries)
    if code != EXIT_OK:
        raise CrawlExit(message, code)


def crawl_outcome(summaries: list[Any]) -> tuple[int, str]:
    """The exit status of a crawl run and its one-line reason ("" when everything went well)."""
    results = [(summary.platform, result) for summary in summaries for result in summary.targets]
    failed = [(platform, result) for platform, result in results if result.failed]
    spooled = _spooled(summaries)
    parts: list[str] = []
    if len(results) == 1 and failed:
        platform, result = failed[0]
        reason = f" ({result.reason})" if result.reason else ""
        parts.append(f"{platform} {result.target}: {result.status}{reason}")
    elif failed:
        counts = Counter(result.status for _, result in failed)
        by_status = ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
        parts.append(f"{len(failed)} dari {len(results)} target gagal "
                     f"({len(failed)} of {len(results)} targets failed): {by_status}")
    if spooled:
        parts.append(spooled)
    if spooled or (failed and len(failed) == len(results)):
        return EXIT_FAILED, "; ".join(parts)
    if failed:
        return EXIT_PARTIAL, "; ".join(parts)
    return EXIT_OK, ""


def _spooled(summaries: list[Any]) -> str:
    """A line for the posts left in the spool because Elasticsearch was unavailable ("" when none)."""
    count = sum(int(s.stats.get("pantau/index/spooled", 0)) + int(s.stats.get("pantau/replay/spooled", 0))
                for s in summaries)
    if not count:
        return ""
    return (f"{count} post belum terindeks: Elasticsearch tidak tersedia, post disimpan di spool "
            f"(not indexed, kept in the spool); jalankan `pantau es replay` setelah Elasticsearch kembali")


def _registered_jobs(platform: str | None, base_url: str | None, spider_kwargs: dict[str, Any], include_all: bool,
                     overrides: dict[str, Any], crawl_settings: Any, due_targets: Any) -> list[Any]:
    from crawler.crawling.runner import CrawlJob

    settings = crawl_settings(settings_overrides=overrides)
    try:
        from crawler.es.client import get_client, index_prefix
        from crawler.registry.store import RegistryStore
    except ImportError as exc:
        raise click.ClickException(f"registry not available: {exc}") from exc
    try:
        store = RegistryStore(get_client(settings), index_prefix(settings))
        targets = store.crawl_targets(platform)
    except Exception as exc:  # connection problems: one line for the operator
        raise click.ClickException(f"cannot read the registry from Elasticsearch: {exc}") from exc
    grouped = due_targets(targets, settings, include_all=include_all)
    return [CrawlJob(name, specs, base_url, dict(spider_kwargs)) for name, specs in sorted(grouped.items())]
