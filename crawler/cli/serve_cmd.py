"""`pantau serve`: the scheduler in the foreground (crawls, evidence re-check, digests)."""
from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click

logger = logging.getLogger(__name__)


@click.command("serve")
def serve() -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C.

    Crawls every platform on its interval (each crawl a child process, never two of one platform at once), re-checks
    evidence, and mails each supervisor's digest at their digest time in their own time zone. Job state lives in
    $PANTAU_HOME/scheduler/: a digest missed while this was not running is sent once at start-up.

    \b
    Example:
        SMTP_HOST=mail.example.org pantau serve
    """
    from alerts.digest import service_from_settings
    from crawler.cli.digest_cmd import ensure_ledger_ready
    from crawler.cli.es_cmd import ensure_elasticsearch
    from crawler.config import load_settings
    from crawler.scheduler import PantauScheduler

    logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    settings = load_settings()
    ensure_elasticsearch(settings)
    try:
        service = service_from_settings(settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    ensure_ledger_ready(service.client, service.prefix)
    scheduler = PantauScheduler(settings, service)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %s: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler.start()
    jobs = ", ".join(sorted(job.id for job in scheduler.scheduler.get_jobs()))
    click.echo(f"pantau serve: siap / ready ({jobs})", err=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        scheduler.shutdown()
        click.echo("pantau serve: berhenti / stopped", err=True)
