"""`pantau es`: the local Elasticsearch server, index set-up and spool replay."""
from __future__ import annotations

import json

import click

from crawler.config import load_settings
from crawler.es.client import EsUnavailable, check_connection, es_config, get_client, index_prefix, local_server
from crawler.es.local import LocalEsError


@click.group()
def es() -> None:
    """Local Elasticsearch: start, stop, status, setup, replay.

    \b
    Example:
        pantau es start && pantau es setup
    """


def ensure_elasticsearch(settings) -> str:  # type: ignore[no-untyped-def]
    """The URL of a reachable cluster: ES_URL when set, else the local server (started when needed)."""
    if settings.get("ES_URL"):
        url = es_config(settings).url
    else:
        try:
            url = local_server(settings).start()
        except LocalEsError as exc:
            raise click.ClickException(f"Elasticsearch cannot start: {exc}") from None
    try:
        check_connection(get_client(settings), url)
    except EsUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    return url


@es.command()
def start() -> None:
    """Start the local Elasticsearch (downloaded and cached on first use) and wait until it is healthy.

    With ES_URL set, only checks that cluster. The server keeps running until `pantau es stop`.

    \b
    Example:
        pantau es start
    """
    url = ensure_elasticsearch(load_settings())
    click.echo(f"Elasticsearch siap / ready: {url}")


@es.command()
def stop() -> None:
    """Stop the local Elasticsearch.

    \b
    Example:
        pantau es stop
    """
    settings = load_settings()
    if settings.get("ES_URL"):
        raise click.ClickException("ES_URL is set: that cluster is not managed by pantau")
    was_running = local_server(settings).stop()
    click.echo("Elasticsearch dihentikan / stopped" if was_running else "Elasticsearch was not running")


@es.command()
def status() -> None:
    """Show whether Elasticsearch is reachable, its health, and what waits in the spool.

    \b
    Example:
        pantau es status
    """
    from pathlib import Path

    from crawler.es.spool import Spool

    settings = load_settings()
    spool = Spool(Path(settings.get("PANTAU_HOME")) / "spool")
    info: dict = {"spooled_documents": spool.pending()}
    if settings.get("ES_URL"):
        info["url"] = es_config(settings).url
        try:
            info["health"] = check_connection(get_client(settings), info["url"])["status"]
        except EsUnavailable as exc:
            info["error"] = str(exc)
    else:
        info.update(local_server(settings).status())
    click.echo(json.dumps(info, ensure_ascii=False))
    if "error" in info or info.get("running") is False:
        raise SystemExit(1)


@es.command()
@click.option("--no-defaults", is_flag=True, help="Only templates and indices; do not load contests, parties, terms.")
def setup(no_defaults: bool) -> None:
    """Apply index templates and mappings (idempotent) and load the shipped contests, parties and terms.

    \b
    Example:
        pantau es setup
    """
    from crawler.es.setup import SetupError, apply_templates

    settings = load_settings()
    ensure_elasticsearch(settings)
    client = get_client(settings)
    try:
        report = apply_templates(client, index_prefix(settings))
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
    if not no_defaults:
        loaded = load_registry_defaults(client, index_prefix(settings))
        if loaded:
            click.echo(loaded)


def load_registry_defaults(client, prefix: str) -> str:  # type: ignore[no-untyped-def]
    """Load the shipped contests, parties and terms into the registry (a one-line summary)."""
    from crawler.registry.defaults import load_defaults

    result = load_defaults(client, prefix)
    return str(result) if result is not None else ""


@es.command()
def replay() -> None:
    """Index what the spool holds (posts kept while Elasticsearch was down), oldest first.

    \b
    Example:
        pantau es replay
    """
    from crawler.pipelines.index import indexer_from_settings

    settings = load_settings()
    ensure_elasticsearch(settings)
    indexer = indexer_from_settings(settings, refresh="wait_for")
    result = indexer.replay_spool()
    click.echo(f"replayed: {result.indexed} indexed ({result.created} new, {result.updated} updated), "
               f"{result.dead_lettered} rejected to dead letters, {result.spooled} still spooled")
    if result.spooled:
        raise click.ClickException("Elasticsearch still unavailable: documents remain in the spool")
