"""`pantau digest`: build the daily digests now, mail them (--send) or write them to an outbox (.eml + .html)."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime
from pathlib import Path

import click

logger = logging.getLogger(__name__)


def _safe_name(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", value).strip("._") or "pengawas"


def ensure_ledger_ready(client, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Apply the index templates when the ledger's is missing (a fresh cluster without `pantau es setup`)."""
    from elasticsearch import NotFoundError

    try:
        client.indices.get_index_template(name=f"{prefix}alert_ledger")
    except NotFoundError:
        from crawler.es.setup import apply_templates

        apply_templates(client, prefix)


@click.command("digest")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Tanggal digest (YYYY-MM-DD, waktu setempat pengawas); default: hari ini.")
@click.option("--supervisor", "supervisor_id", default=None, help="Hanya pengawas dengan id ini.")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Tulis setiap digest sebagai .eml dan .html di folder ini (tanpa mengirim, ledger tidak diubah).")
@click.option("--send", is_flag=True, help="Kirim lewat SMTP (SMTP_*), dicatat di ledger: tiap temuan sekali.")
def digest(date_: datetime | None, supervisor_id: str | None, outbox: Path | None, send: bool) -> None:
    """Build the digests now for every supervisor (or one), whatever their digest time.

    Without --send nothing is mailed: the digests go to --outbox (default $PANTAU_HOME/outbox) as a preview.
    With --send each digest is recorded in the alert ledger before it is mailed, so re-running never sends a
    finding twice; digests left queued by a mail-server outage are resent first.

    \b
    Example:
        pantau digest --outbox /tmp/outbox
        pantau digest --send --supervisor bawaslu-jabar
    """
    from alerts.digest import local_today, service_from_settings
    from alerts.supervisors import load_recipients
    from crawler.cli.es_cmd import ensure_elasticsearch
    from crawler.config import load_settings, pantau_home

    if send and outbox is not None:
        raise click.ClickException("pilih salah satu: --outbox atau --send / use either --outbox or --send")
    settings = load_settings()
    ensure_elasticsearch(settings)
    try:
        service = service_from_settings(settings, with_mailer=send)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    ensure_ledger_ready(service.client, service.prefix)
    recipients = load_recipients(service.client, service.prefix, supervisor_id)
    if not recipients:
        raise click.ClickException(f"pengawas {supervisor_id!r} tidak terdaftar atau tidak aktif" if supervisor_id
                                   else "belum ada pengawas terdaftar: `pantau supervisors add|import`")
    now = service.clock()
    day: date | None = date_.date() if date_ else None
    if day is not None and any(day > local_today(r, now) for r in recipients):
        raise click.ClickException(f"tanggal {day.isoformat()} masih di masa depan / is in the future")
    if not send:
        target = outbox or pantau_home(settings) / "outbox"
        target.mkdir(parents=True, exist_ok=True)
        for recipient, built in zip(recipients, service.build_many(recipients, day, now)):
            stem = f"{_safe_name(recipient.id)}-{built.digest_date.isoformat()}"  # ids may hold dots: no with_suffix
            (target / f"{stem}.eml").write_bytes(built.message.as_bytes())
            (target / f"{stem}.html").write_text(built.rendered.html, encoding="utf-8")
            click.echo(f"{recipient.id}: {built.selection.total} temuan -> {target / stem}.eml")
        return
    problems = 0
    try:
        for recipient in recipients:
            for outcome in service.run(recipient, day):
                click.echo(outcome.line())
                problems += outcome.status in ("failed", "queued")
    finally:
        if service.mailer is not None:
            service.mailer.close()
    if problems:
        raise click.ClickException(f"{problems} digest belum terkirim (lihat di atas) / not delivered")
