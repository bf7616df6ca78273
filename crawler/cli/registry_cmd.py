"""`pantau accounts|candidates|terms|supervisors`: operators register what to watch.

Each group has add, import, list, export, remove and deactivate. `import FILE` reads CSV (comma or semicolon, with
or without BOM), XLSX or JSON, reports every bad row as `FILE:LINE: COLUMN: reason` and writes nothing unless the
whole file is valid (`--skip-invalid` writes the good rows; `--dry-run` only validates and needs no Elasticsearch).
Exit status 0 only when nothing was rejected. Who made a change comes from `--by`, `$PANTAU_OPERATOR` or the OS user.
"""
from __future__ import annotations

import csv
import getpass
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

logger = logging.getLogger(__name__)

EXPORT_COLUMNS: dict[str, list[str]] = {
    "accounts": ["id", "platform", "handle", "url", "name", "nip", "agency", "position", "region_code", "active",
                 "notes", "added_by", "added_at", "updated_by", "updated_at"],
    "supervisors": ["id", "name", "email", "region_codes", "timezone", "digest_time", "language", "active",
                    "added_by", "added_at", "updated_by", "updated_at"],
    "terms": ["id", "text", "kind", "category", "weight", "scope", "region_codes", "active_from", "active_until",
              "case_sensitive", "context", "candidate_id", "party_id", "active", "notes", "added_by", "added_at",
              "updated_by", "updated_at"],
    "candidates": ["candidate_id", "contest_id", "number", "names", "platform", "handle", "url"],
}
LIST_COLUMNS: dict[str, list[str]] = {
    "accounts": ["id", "name", "nip", "agency", "region_code", "active"],
    "supervisors": ["id", "name", "email", "region_codes", "timezone", "digest_time", "active"],
    "terms": ["id", "kind", "category", "weight", "scope", "active"],
    "candidates": ["candidate_id", "names", "platform", "handle", "url"],
}


def operator(by: str | None) -> str:
    if by:
        return by
    env = os.environ.get("PANTAU_OPERATOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def make_store(offline: bool = False):  # type: ignore[no-untyped-def]
    """The RegistryStore of the configured cluster (None client when offline)."""
    from crawler.config import load_settings
    from crawler.es.client import EsUnavailable, check_connection, es_config, get_client, index_prefix
    from crawler.registry.store import RegistryStore

    settings = load_settings()
    if offline:
        return RegistryStore(None, index_prefix(settings))
    client = get_client(settings)
    try:
        check_connection(client, es_config(settings).url)
    except EsUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    store = RegistryStore(client, index_prefix(settings))
    store.ensure_ready()
    return store


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _rows(kind: str, docs: list[dict[str, Any]], mask: bool) -> list[dict[str, Any]]:
    from crawler.registry.models import mask_nip

    if kind == "candidates":
        rows = []
        for doc in docs:
            for page in doc.get("pages") or []:
                rows.append({"candidate_id": doc["id"], "contest_id": doc.get("contest_id"),
                             "number": doc.get("number"), "names": doc.get("names"), **page})
        return rows
    if mask and kind == "accounts":
        return [{**d, "nip": mask_nip(d.get("nip") or "")} for d in docs]
    return docs


def _write_table(rows: list[dict[str, Any]], columns: list[str], fmt: str, out: Any) -> None:
    if fmt == "json":
        out.write(json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=1) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        return
    widths = {c: min(40, max([len(c)] + [len(_cell(r.get(c))) for r in rows])) for c in columns}
    out.write("  ".join(c.ljust(widths[c]) for c in columns).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(click.unstyle(_cell(r.get(c)))[:40].ljust(widths[c]) for c in columns).rstrip() + "\n")


def _export(kind: str, docs: list[dict[str, Any]], path: str, fmt: str | None, mask: bool) -> int:
    rows = _rows(kind, docs, mask)
    columns = EXPORT_COLUMNS[kind]
    fmt = fmt or (Path(path).suffix.lower().lstrip(".") if path != "-" else "csv") or "csv"
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(kind)
        sheet.append(columns)
        for r in rows:
            sheet.append([_cell(r.get(c)) for c in columns])
        book.save(path)
        return len(rows)
    if fmt not in ("csv", "json"):
        raise click.ClickException(f"format ekspor {fmt!r} tidak didukung (csv, json, xlsx)")
    if path == "-":
        _write_table(rows, columns, fmt, sys.stdout)
    else:
        with open(path, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as out:
            _write_table(rows, columns, fmt, out)
    return len(rows)


def _import(kind: str, file: str, dry_run: bool, skip_invalid: bool, update: bool, by: str | None) -> None:
    from crawler.registry.store import RegistryError

    path = Path(file)
    store = make_store(offline=dry_run)
    try:
        report = store.import_file(kind, path, by=operator(by), dry_run=dry_run, skip_invalid=skip_invalid,
                                   update=update, display_name=file)
    except RegistryError as exc:
        raise _fail(exc) from None
    for line in report.lines():
        click.echo(line)
    prefix = "[dry-run] " if dry_run else ""
    click.echo(prefix + report.summary(), err=True)
    if report.problems:
        action = "diimpor sebagian (--skip-invalid)" if report.written else "tidak ada yang diimpor"
        raise click.ClickException(f"{len(report.problems)} masalah di {report.rejected_rows} baris; {action}")


def _common(group: click.Group, kind: str) -> None:
    """import, list, export, remove, deactivate for one registry kind."""

    @group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Validate only; nothing is written, no Elasticsearch needed.")
    @click.option("--skip-invalid", is_flag=True, help="Import the good rows even when some are rejected.")
    @click.option("--update", is_flag=True, help="Let rows change entries already registered.")
    @click.option("--by", help="Operator name recorded with the change (default $PANTAU_OPERATOR or OS user).")
    def import_cmd(file: str, dry_run: bool, skip_invalid: bool, update: bool, by: str | None) -> None:
        """Import FILE (CSV, XLSX or JSON); all-or-nothing unless --skip-invalid.

        Example: pantau KIND import daftar.xlsx --dry-run
        """
        _import(kind, file, dry_run, skip_invalid, update, by)

    import_cmd.help = (import_cmd.help or "").replace("KIND", kind)

    @group.command("list")
    @click.option("--all", "show_all", is_flag=True, help="Include inactive entries.")
    @click.option("--platform", help="Only this platform.")
    @click.option("--region", help="Only this region (and below it).")
    @click.option("--show-nip", is_flag=True, help="Show NIPs in full (masked by default).")
    @click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
    def list_cmd(show_all: bool, platform: str | None, region: str | None, show_nip: bool, fmt: str) -> None:
        """List the registered entries (NIPs masked unless --show-nip).

        Example: pantau KIND list --region 32 --format csv
        """
        store = make_store()
        docs = list(store.iter_docs(kind, active=None if show_all else True,
                                    platform=platform if kind == "accounts" else None,
                                    region=region if kind in ("accounts", "supervisors") else None))
        rows = _rows(kind, docs, mask=not show_nip)
        columns = LIST_COLUMNS[kind] if fmt == "table" else EXPORT_COLUMNS[kind]
        _write_table(rows, columns, fmt, sys.stdout)

    list_cmd.help = (list_cmd.help or "").replace("KIND", kind)

    @group.command("export")
    @click.argument("file", default="-")
    @click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default=None,
                  help="Default: from the file name (csv for stdout).")
    @click.option("--mask-nip", is_flag=True, help="Mask NIPs (the file can then not be re-imported).")
    def export_cmd(file: str, fmt: str | None, mask_nip: bool) -> None:
        """Export every entry (active or not) to FILE for backup or editing; `import` reads it back.

        Example: pantau KIND export daftar.csv
        """
        store = make_store()
        docs = list(store.iter_docs(kind))
        if kind == "candidates" and (fmt == "json" or (fmt is None and file.endswith(".json"))):
            contests, _ = store.lexicon()
            Path(file).write_text(json.dumps(contests, ensure_ascii=False, indent=1), encoding="utf-8")
            count = sum(len(c["candidates"]) for c in contests["contests"])
        else:
            count = _export(kind, docs, file, fmt, mask_nip)
        click.echo(f"{count} baris diekspor", err=True)

    export_cmd.help = (export_cmd.help or "").replace("KIND", kind)

    @group.command("remove")
    @click.argument("ref")
    @click.option("--page", help="(candidates) remove only this official page (URL or handle).")
    @click.option("--by", help="Operator name recorded with the change.")
    def remove_cmd(ref: str, page: str | None, by: str | None) -> None:
        """Delete an entry by id (accounts: also platform:handle or profile URL; supervisors: email).

        Example: pantau KIND remove x:budi_s
        """
        from crawler.registry.store import RegistryError

        store = make_store()
        try:
            if page and kind == "candidates":
                store.remove_page(ref, page, by=operator(by))
                click.echo(f"halaman {page} dihapus dari {ref}")
                return
            click.echo(f"{store.remove(kind, ref)} dihapus")
        except RegistryError as exc:
            raise _fail(exc) from None

    remove_cmd.help = (remove_cmd.help or "").replace("KIND", kind)

    @group.command("deactivate")
    @click.argument("ref")
    @click.option("--by", help="Operator name recorded with the change.")
    def deactivate_cmd(ref: str, by: str | None) -> None:
        """Keep an entry but stop using it (not crawled, not mailed, not matched).

        Example: pantau KIND deactivate x:budi_s
        """
        from crawler.registry.store import RegistryError

        try:
            click.echo(f"{make_store().deactivate(kind, ref, by=operator(by))} dinonaktifkan")
        except RegistryError as exc:
            raise _fail(exc) from None

    deactivate_cmd.help = (deactivate_cmd.help or "").replace("KIND", kind)


def _add(kind: str, values: dict[str, Any], by: str | None, update: bool) -> None:
    from crawler.registry.store import RegistryError

    store = make_store()
    try:
        doc = store.add(kind, values, by=operator(by), update=update)
    except RegistryError as exc:
        raise _fail(exc) from None
    click.echo(f"{doc['id']} tersimpan")


@click.group()
def accounts() -> None:
    """ASN accounts to watch (one per platform handle).

    Example: pantau accounts import asn-dinas-pendidikan.xlsx
    """


@accounts.command("add")
@click.option("--platform", help="telegram, bluesky, mastodon, youtube, x, instagram, tiktok, facebook, threads.")
@click.option("--handle", help="Handle (akun), e.g. @budi_s, user@instance, UC... channel id.")
@click.option("--url", help="Profile URL (instead of or besides --handle).")
@click.option("--name", required=True, help="Nama.")
@click.option("--nip", help="NIP (18 digits; stored, never shown in digests).")
@click.option("--agency", help="Instansi.")
@click.option("--position", help="Jabatan.")
@click.option("--region-code", required=True, help="Kode wilayah Kemendagri: PP, PP.KK or PP.KK.CC.")
@click.option("--notes", help="Catatan.")
@click.option("--update", is_flag=True, help="Replace the entry if it is already registered.")
@click.option("--by", help="Operator name recorded with the change.")
def accounts_add(platform: str | None, handle: str | None, url: str | None, name: str, nip: str | None,
                 agency: str | None, position: str | None, region_code: str, notes: str | None, update: bool,
                 by: str | None) -> None:
    """Register one ASN account.

    Example: pantau accounts add --platform x --handle @budi_s --name "Budi S" --region-code 32.04
    """
    _add("accounts", {"platform": platform, "handle": handle, "url": url, "name": name, "nip": nip,
                      "agency": agency, "position": position, "region_code": region_code, "notes": notes},
         by, update)


@click.group()
def supervisors() -> None:
    """Supervisors (Bawaslu) who receive the daily digest of their regions.

    Example: pantau supervisors add --name "Bawaslu Jabar" --email jabar@example.go.id --region-codes 32
    """


@supervisors.command("add")
@click.option("--id", "sup_id", help="Id (default: the email).")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--region-codes", required=True, help="Region codes separated by ';' or ','.")
@click.option("--timezone", help="WIB, WITA or WIT (default: from the first region).")
@click.option("--digest-time", help="HH:MM local time (default 07:00).")
@click.option("--language", help="id or en (default id).")
@click.option("--update", is_flag=True, help="Replace the entry if it is already registered.")
@click.option("--by", help="Operator name recorded with the change.")
def supervisors_add(sup_id: str | None, name: str, email: str, region_codes: str, timezone: str | None,
                    digest_time: str | None, language: str | None, update: bool, by: str | None) -> None:
    """Register one supervisor.

    Example: pantau supervisors add --name "Panwascam Cileunyi" --email a@example.id --region-codes 32.04.05
    """
    _add("supervisors", {"id": sup_id, "name": name, "email": email, "region_codes": region_codes,
                         "timezone": timezone, "digest_time": digest_time, "language": language}, by, update)


@click.group()
def terms() -> None:
    """Watch terms: keywords, hashtags, slogans and phrases with category and weight.

    Example: pantau terms add --text "#CoblosNomor2" --category kampanye --weight 2
    """


@terms.command("add")
@click.option("--id", "term_id", help="Id (default: kind-slug of the text).")
@click.option("--text", required=True)
@click.option("--kind", help="keyword, hashtag, slogan or phrase (default: hashtag for #..., else keyword).")
@click.option("--category", required=True)
@click.option("--weight", help="-10..10 (default 1).")
@click.option("--scope", help="national (default) or regional.")
@click.option("--region-codes", help="Regions of a regional term, ';'-separated.")
@click.option("--active-from", help="YYYY-MM-DD.")
@click.option("--active-until", help="YYYY-MM-DD.")
@click.option("--case-sensitive", is_flag=True)
@click.option("--context", help="none, needs_reference or needs_election_context.")
@click.option("--candidate-id")
@click.option("--party-id")
@click.option("--update", is_flag=True, help="Replace the entry if it is already registered.")
@click.option("--by", help="Operator name recorded with the change.")
def terms_add(term_id: str | None, text: str, kind: str | None, category: str, weight: str | None,
              scope: str | None, region_codes: str | None, active_from: str | None, active_until: str | None,
              case_sensitive: bool, context: str | None, candidate_id: str | None, party_id: str | None,
              update: bool, by: str | None) -> None:
    """Register one watch term.

    Example: pantau terms add --text "coblos nomor 2" --kind phrase --category kampanye --candidate-id pilpres-2024-02
    """
    _add("terms", {"id": term_id, "text": text, "kind": kind, "category": category, "weight": weight,
                   "scope": scope, "region_codes": region_codes, "active_from": active_from,
                   "active_until": active_until, "case_sensitive": "ya" if case_sensitive else "",
                   "context": context, "candidate_id": candidate_id, "party_id": party_id}, by, update)


@click.group()
def candidates() -> None:
    """Contests, candidate pairs and their official pages; `load` loads the shipped 2024 contests and parties.

    Example: pantau candidates add pilpres-2024-02 --url https://x.com/prabowo
    """


@candidates.command("add")
@click.argument("candidate_id")
@click.option("--platform", help="Platform of the page (default: from the URL host; web for a candidate site).")
@click.option("--handle", help="Handle of the page.")
@click.option("--url", help="URL of the page or site.")
@click.option("--by", help="Operator name recorded with the change.")
def candidates_add(candidate_id: str, platform: str | None, handle: str | None, url: str | None,
                   by: str | None) -> None:
    """Register an official page of a candidate pair (its posts' comments are then watched).

    Example: pantau candidates add pilgub-jabar-2024-3 --platform instagram --handle @dedimulyadi71
    """
    from crawler.registry.store import RegistryError

    if not (handle or url):
        raise click.ClickException("isi --handle atau --url")
    try:
        page = make_store().add_page(candidate_id, platform, url or handle or "", by=operator(by))
    except RegistryError as exc:
        raise _fail(exc) from None
    click.echo(f"{candidate_id}: {page['platform']}:{page['handle']} tersimpan")


@candidates.command("load")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False),
              help="A contests file in the contests-2024.json shape (default: the shipped one).")
@click.option("--by", help="Operator name recorded with the change.")
def candidates_load(file: str | None, by: str | None) -> None:
    """Load the shipped 2024 contests, candidate pairs, parties and terms (idempotent).

    Example: pantau candidates load
    """
    from crawler.registry.defaults import load_contests, load_defaults

    store = make_store()
    if file:
        counts = load_contests(store.es, store.prefix, json.loads(Path(file).read_text(encoding="utf-8-sig")),
                               operator(by))
    else:
        counts = load_defaults(store.es, store.prefix)
    for kind, c in counts.items():
        click.echo(f"{kind}: {c['created']} baru, {c['updated']} diperbarui, {c['unchanged']} tidak berubah")


for _group, _kind in ((accounts, "accounts"), (supervisors, "supervisors"), (terms, "terms"),
                      (candidates, "candidates")):
    _common(_group, _kind)

__all__ = ["accounts", "candidates", "supervisors", "terms"]
