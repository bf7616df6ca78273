"""`pantau digest`: outbox files (no ledger writes), --send through loopback SMTP, immediate alerts."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from alerts.digest import DigestConfig, DigestService
from alerts.immediate import ImmediateAlerts
from alerts.mailer import Mailer, SmtpConfig
from alerts.supervisors import load_recipients
from crawler.cli import cli
from test_digest_support import (  # noqa: F401  (fixtures)
    SmtpServer, add_supervisor, index_posts, make_post, setup_indices, smtp_env, smtp_server,
)


def seed(es_client: Any, prefix: str, tmp_path: Path, age: timedelta = timedelta(days=2)) -> None:
    now = datetime.now(timezone.utc)
    setup_indices(es_client, prefix)
    add_supervisor(es_client, prefix, id="jabar", name="Bawaslu Jawa Barat", email="jabar@bawaslu.example.org",
                   region_codes="32", digest_time="00:00")
    add_supervisor(es_client, prefix, id="jayapura", name="Bawaslu Kota Jayapura",
                   email="jayapura@bawaslu.example.org", region_codes="91.71", digest_time="00:00")
    seen = now - age
    index_posts(es_client, prefix, [make_post(1, region="32.73", first_seen=seen, severity="tinggi"),
                                    make_post(2, region="91.71", first_seen=seen)], tmp_path)


def test_outbox_writes_eml_and_html_per_supervisor_without_ledger(es_client: Any, index_prefix: str, tmp_path: Path,
                                                                  smtp_env: dict[str, str]) -> None:
    seed(es_client, index_prefix, tmp_path)
    outbox = tmp_path / "outbox"
    result = CliRunner().invoke(cli, ["digest", "--outbox", str(outbox)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    emls = sorted(outbox.glob("*.eml"))
    assert [p.name.split("-")[0] for p in emls] == ["jabar", "jayapura"]
    assert len(list(outbox.glob("*.html"))) == 2
    message = email.message_from_bytes(emls[0].read_bytes(), policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert "@pegawai1" in message.get_body(("plain",)).get_content()
    assert not es_client.indices.exists(index=f"{index_prefix}alert-ledger") or \
        es_client.count(index=f"{index_prefix}alert-ledger")["count"] == 0
    # a preview twice is the same preview
    again = CliRunner().invoke(cli, ["digest", "--outbox", str(outbox), "--supervisor", "jabar"])
    assert again.exit_code == 0 and "jabar: 1 temuan" in again.output


def test_send_mails_once_and_reports(es_client: Any, index_prefix: str, tmp_path: Path, smtp_env: dict[str, str],
                                     smtp_server: SmtpServer) -> None:
    seed(es_client, index_prefix, tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["digest", "--send"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "jabar: sent (1 temuan" in first.output and "jayapura: sent (1 temuan" in first.output
    second = runner.invoke(cli, ["digest", "--send"], catch_exceptions=False)
    assert second.exit_code == 0 and "exists" in second.output
    assert len(smtp_server.handler.messages) == 2


def test_bad_input_is_one_line(es_client: Any, index_prefix: str, tmp_path: Path, smtp_env: dict[str, str]) -> None:
    seed(es_client, index_prefix, tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["digest", "--supervisor", "nobody"])
    assert result.exit_code == 1 and "tidak terdaftar" in result.output
    result = runner.invoke(cli, ["digest", "--send", "--outbox", str(tmp_path)])
    assert result.exit_code == 1 and "--outbox" in result.output
    result = runner.invoke(cli, ["digest", "--date", "2999-01-01"])
    assert result.exit_code == 1 and "masa depan" in result.output


def test_immediate_alert_is_not_repeated_in_the_digest(es_client: Any, index_prefix: str, tmp_path: Path,
                                                       smtp_server: SmtpServer) -> None:
    seed(es_client, index_prefix, tmp_path, age=timedelta(hours=1))
    mailer = Mailer(SmtpConfig(host="127.0.0.1", port=smtp_server.port, security="none"), attempts=1)
    service = DigestService(es_client, index_prefix, DigestConfig(), mailer)
    recipients = load_recipients(es_client, index_prefix)
    alerts = ImmediateAlerts(service)
    outcomes = alerts.run(recipients)
    assert [(o.supervisor_id, o.status) for o in outcomes] == [("jabar", "sent")]  # only the tinggi one
    assert alerts.run(recipients) == []  # not twice
    [alert] = smtp_server.handler.messages
    assert "PERINGATAN SEGERA" in alert.message["Subject"]
    [jabar] = [r for r in recipients if r.id == "jabar"]
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)  # the next digest's window holds the finding
    repeat = DigestService(es_client, index_prefix, DigestConfig(immediate_in_digest=True), None,
                           clock=lambda: tomorrow)
    assert repeat.build(jabar, repeat.clock().astimezone(timezone(timedelta(hours=7))).date()).selection.total == 1
    digest = DigestService(es_client, index_prefix, DigestConfig(), mailer, clock=lambda: tomorrow)
    [outcome] = digest.run(jabar)
    assert outcome.status == "sent" and outcome.total == 0  # the digest does not repeat it
