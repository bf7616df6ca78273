"""`pantau demo`: the whole pipeline on bundled sample data with a local Elasticsearch."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("demo")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
              help="Where the digests go (.eml and .html). Default: $PANTAU_HOME/outbox.")
def demo(outbox: Path | None) -> None:
    """Run the whole pipeline on bundled demo data: crawl, match, index, digest, summary.

    Starts the local Elasticsearch (or uses ES_URL), serves a demo "internet" on 127.0.0.1 with fictional ASN
    accounts and candidate pages on every platform, registers them with two supervisors (WIB and WITA), crawls
    with every spider, and writes today's digests. The demo lives in its own index prefix (pantau-demo-), reset
    at each start; Elasticsearch keeps running afterwards for exploring (`pantau es stop` ends it).

    \b
    Example:
        pantau demo --outbox /tmp/digest-demo
    """
    from crawler.cli.es_cmd import ensure_elasticsearch
    from crawler.config import load_settings
    from crawler.demo.runner import DemoError, format_summary, run_demo
    from crawler.es.client import get_client

    settings = load_settings()
    outbox = outbox or Path(settings.get("PANTAU_HOME")) / "outbox"

    def echo(line: str) -> None:
        click.echo(line, err=True)

    echo("[1/7] Menyalakan Elasticsearch lokal (unduhan pertama disimpan di cache)")
    url = ensure_elasticsearch(settings)
    try:
        summary = run_demo(settings, url, get_client(settings), outbox.resolve(), echo)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    for line in format_summary(summary):
        click.echo(line)
