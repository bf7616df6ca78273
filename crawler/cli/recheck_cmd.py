"""`pantau recheck`: visit flagged posts again; record deleted posts (`deleted_at`) and edits."""
from __future__ import annotations

import logging

import click

logger = logging.getLogger(__name__)


@click.command("recheck")
@click.option("--platform", "-p", help="Only this platform's flagged posts.")
@click.option("--base-url", help="Replace the platforms' scheme and host (tests, mirrors); paths are kept.")
@click.option("--limit", type=int, help="Posts to visit at most (default RECHECK_MAX_POSTS).")
def recheck(platform: str | None, base_url: str | None, limit: int | None) -> None:
    """Re-check flagged posts that are not yet known deleted (flagged in the last RECHECK_MAX_AGE_DAYS days; those
    confirmed present longest ago first, at most RECHECK_MAX_POSTS per run).

    A post that is gone gets `deleted_at` (its evidence stays); a post whose text changed gets the new text in
    `edits`.

    \b
    Example:
        pantau recheck --platform x
    """
    from crawler.browser.config import BrowserConfig, BrowserConfigError, BrowserNotFoundError
    from crawler.browser.recheck import recheck as run_recheck
    from crawler.config import load_settings
    from crawler.es.client import get_client, index_name

    settings = load_settings()
    if limit is not None and limit < 1:
        raise click.ClickException("--limit must be at least 1")
    try:
        config = BrowserConfig.from_settings(settings)
    except (BrowserNotFoundError, BrowserConfigError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        client = get_client(settings)
        summary = run_recheck(client, index_name(settings, "posts"), config, base_url=base_url, platform=platform,
                              limit=limit or settings.getint("RECHECK_MAX_POSTS", 200),
                              max_age_days=settings.getint("RECHECK_MAX_AGE_DAYS", 90))
    except click.ClickException:
        raise
    except Exception as exc:  # connection problems: one line for the operator
        raise click.ClickException(f"recheck failed: {exc}") from exc
    for outcome in summary.outcomes:
        click.echo(f"{outcome.platform} {outcome.post_id}: {outcome.status}"
                   + (f" ({outcome.reason})" if outcome.reason else ""))
    click.echo(f"{len(summary.outcomes)} post diperiksa: {summary.count('deleted')} dihapus, "
               f"{summary.count('edited')} diubah, {summary.count('unknown')} tidak dapat diperiksa")
