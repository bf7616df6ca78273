"""`pantau kibana`: install the analysts' saved objects in Kibana, or write them out as NDJSON."""
from __future__ import annotations

from pathlib import Path

import click

from crawler.config import load_settings
from crawler.kibana import client as kibana_client
from crawler.kibana import objects as kibana_objects


@click.group()
def kibana() -> None:
    """Kibana for analysts: data views, saved searches, dashboard.

    \b
    Example:
        KIBANA_API_KEY=... pantau kibana import --url https://kibana.example.go.id:5601
        pantau kibana export --output pantau-kibana.ndjson
    """


def _prefix(option: str | None) -> str:
    if option is not None:
        return option
    return load_settings().get("PANTAU_INDEX_PREFIX") or ""


def _checked_ndjson(prefix: str) -> tuple[str, int]:
    problems = kibana_objects.check_all()
    if problems:
        for problem in problems:
            click.echo(f"masalah / problem: {problem}", err=True)
        raise click.ClickException(f"{len(problems)} problem(s) in {kibana_objects.KIBANA_DIR} "
                                   f"(saved objects vs index_mappings/)")
    objects = kibana_objects.fill_objects(kibana_objects.load_objects(), prefix)
    return kibana_objects.to_ndjson(objects), len(objects)


@kibana.command("import")
@click.option("--url", "url", default=None, help="Kibana base URL (default: KIBANA_URL).")
@click.option("--space", default="", help="Kibana space id (default: the default space).")
@click.option("--prefix", default=None, help="Index prefix (default: PANTAU_INDEX_PREFIX).")
def import_cmd(url: str | None, space: str, prefix: str | None) -> None:
    """Import (overwrite) the data views, saved searches, Lens visualisations and dashboard into Kibana.

    Credentials come from the environment: KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD.
    Re-running overwrites the same objects (stable ids); nothing is duplicated.

    \b
    Example:
        KIBANA_API_KEY=... pantau kibana import --url https://kibana.example.go.id:5601 --space bawaslu
    """
    settings = load_settings()
    config = kibana_client.KibanaConfig(
        url=(url or settings.get("KIBANA_URL") or "").strip(),
        api_key=settings.get("KIBANA_API_KEY") or "",
        username=settings.get("KIBANA_USERNAME") or "",
        password=settings.get("KIBANA_PASSWORD") or "",
        space=space.strip(),
    )
    if not config.url:
        raise click.ClickException("no Kibana URL: pass --url or set KIBANA_URL")
    ndjson, count = _checked_ndjson(_prefix(prefix))
    try:
        result = kibana_client.import_objects(config, ndjson)
    except kibana_client.KibanaError as exc:
        raise click.ClickException(str(exc)) from None
    where = f"{config.url}" + (f" (space {config.space})" if config.space else "")
    click.echo(f"Kibana {where}: {result.success_count} dari {count} objek berhasil diimpor / "
               f"{result.success_count} of {count} objects imported")
    for problem in result.problems:
        click.echo(f"galat / error: {problem.line()}", err=True)
    if result.problems or not result.success:
        raise click.ClickException(f"Kibana reported {len(result.problems)} error(s) while importing")


@kibana.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout.")
@click.option("--prefix", default=None, help="Index prefix (default: PANTAU_INDEX_PREFIX).")
@click.option("--check", is_flag=True, help="Only check the objects against index_mappings/ and report.")
def export_cmd(output: Path | None, prefix: str | None, check: bool) -> None:
    """Write the saved objects as NDJSON with the index prefix filled in (for Kibana's Saved Objects import).

    \b
    Example:
        pantau kibana export --output pantau-kibana.ndjson
        pantau kibana export --check
    """
    ndjson, count = _checked_ndjson(_prefix(prefix))
    if check:
        click.echo(f"{count} objects match index_mappings/")
        return
    if output is None:
        click.echo(ndjson, nl=False)
        return
    output.write_text(ndjson, encoding="utf-8")
    click.echo(f"{count} objek ditulis ke / objects written to {output}", err=True)
