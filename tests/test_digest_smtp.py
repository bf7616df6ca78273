"""Digests delivered through a real SMTP server on loopback (aiosmtpd), with the real Elasticsearch."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from alerts.digest import DigestConfig, DigestService
from alerts.ledger import Ledger
from alerts.mailer import Mailer, SmtpConfig
from alerts.message import message_id_for
from alerts.supervisors import load_recipients
from crawler.es.local import free_port
from test_digest_support import (  # noqa: F401  (fixtures)
    SmtpServer, add_supervisor, index_posts, make_post, setup_indices, smtp_server,
)

NOW = datetime(2024, 2, 5, 3, 0, tzinfo=timezone.utc)  # 10.00 WIB, 11.00 WITA, 12.00 WIT
SEEN = datetime(2024, 2, 4, 12, 0, tzinfo=timezone.utc)
POSTED = datetime(2024, 2, 4, 6, 30, tzinfo=timezone.utc)  # 13.30 WIB, 14.30 WITA, 15.30 WIT
HOSTILE_TEXT = "<script>alert('x')</script> Dukung Prabowo \u202egnp.exe <b>bold</b> & <img src=x onerror=y>"
HOSTILE_NAME = "Budi\r\nBcc: evil@attacker.example.org \u202eRTL <i>"

JABAR = "jabar@bawaslu.example.org"
MAKASSAR = "makassar@bawaslu.example.org"
JAYAPURA = "jayapura@bawaslu.example.org"


def service(es_client: Any, prefix: str, port: int, clock: datetime = NOW, **config: Any) -> DigestService:
    mailer = Mailer(SmtpConfig(host="127.0.0.1", port=port, security="none", timeout=5,
                               mail_from="Pantau Netralitas <pantau@bawaslu.example.org>"), attempts=2, backoff=0.01)
    return DigestService(es_client, prefix, DigestConfig(mail_from="Pantau Netralitas <pantau@bawaslu.example.org>",
                                                         kibana_url="http://kibana.example.org:5601", **config),
                         mailer, clock=lambda: clock)


@pytest.fixture
def world(es_client: Any, index_prefix: str, tmp_path: Path) -> dict[str, Any]:
    """Three supervisors in three time zones and posts in and out of their regions."""
    setup_indices(es_client, index_prefix)
    add_supervisor(es_client, index_prefix, id="jabar", name="Bawaslu Jawa Barat", email=JABAR, region_codes="32")
    add_supervisor(es_client, index_prefix, id="makassar", name="Bawaslu Kota Makassar", email=MAKASSAR,
                   region_codes="73.71")
    add_supervisor(es_client, index_prefix, id="jayapura", name="Bawaslu Kota Jayapura", email=JAYAPURA,
                   region_codes="91.71")
    posts = [
        make_post(1, region="32.73", first_seen=SEEN, severity="tinggi", posted_at=POSTED),  # Kota Bandung
        make_post(2, region="32.04", first_seen=SEEN, posted_at=POSTED),  # Kabupaten Bandung
        make_post(3, region="32.04.01", first_seen=SEEN, severity="rendah", posted_at=POSTED),  # a kecamatan
        make_post(4, region="73.71", first_seen=SEEN, posted_at=POSTED),
        make_post(5, region="91.71", first_seen=SEEN, severity="tinggi", posted_at=POSTED),
        make_post(6, region="33.74", first_seen=SEEN, posted_at=POSTED),  # Jawa Tengah: nobody's
        make_post(7, region="32.73", first_seen=SEEN, flagged=False, posted_at=POSTED),  # not flagged
        make_post(8, region="32.73", first_seen=NOW - timedelta(days=10), posted_at=NOW - timedelta(days=40)),
        make_post(9, region="32.73", first_seen=SEEN, text=HOSTILE_TEXT, name=HOSTILE_NAME, posted_at=POSTED),
        # found after today's digest was built (at NOW): it belongs to the next digest
        make_post(10, region="32.73", first_seen=NOW + timedelta(minutes=10), posted_at=POSTED),
    ]
    index_posts(es_client, index_prefix, posts, tmp_path)
    return {"prefix": index_prefix}


def handles_in(text: str) -> list[str]:
    return re.findall(r"@(pegawai\d+)\b", text)


def parts(message: Any) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return plain, html


def test_each_supervisor_gets_their_findings_once(es_client: Any, world: dict[str, Any],
                                                  smtp_server: SmtpServer) -> None:
    svc = service(es_client, world["prefix"], smtp_server.port)
    recipients = load_recipients(es_client, world["prefix"])
    assert [r.id for r in recipients] == ["jabar", "jayapura", "makassar"]
    for recipient in recipients:
        outcomes = svc.run(recipient)
        assert [o.status for o in outcomes] == ["sent"], outcomes
    handler = smtp_server.handler
    assert len(handler.messages) == 3
    expected = {JABAR: ["pegawai1", "pegawai2", "pegawai3", "pegawai9"], MAKASSAR: ["pegawai4"],
                JAYAPURA: ["pegawai5"]}
    local = {JABAR: "4 Februari 2024 13.30 WIB", MAKASSAR: "4 Februari 2024 14.30 WITA",
             JAYAPURA: "4 Februari 2024 15.30 WIT"}
    for address, handles in expected.items():
        [message] = handler.to(address)
        assert message["To"].addresses[0].addr_spec == address
        plain, html = parts(message)
        assert sorted(handles_in(plain)) == handles  # every expected finding once, none from elsewhere
        assert sorted(handles_in(html)) == handles
        assert "Senin, 5 Februari 2024" in message["Subject"]
        assert f"{len(handles)} temuan baru" in message["Subject"]
        assert local[address] in plain and local[address] in html
        assert "<mark" in html and "Prabowo</mark>" in html and "[[Prabowo]]" in plain
        assert "http://kibana.example.org:5601/app/discover" in html
        assert message["Message-ID"] == message_id_for(f"{recipient_id(address)}|2024-02-05",
                                                       "pantau@bawaslu.example.org")
    jabar = handler.to(JABAR)[0]
    assert "Jawa Barat" in jabar["Subject"]
    assert "Kota Makassar" in handler.to(MAKASSAR)[0]["Subject"]
    # severity first, then account
    plain, html = parts(jabar)
    assert plain.index("TINGKAT TINGGI") < plain.index("TINGKAT SEDANG") < plain.index("TINGKAT RENDAH")
    # a second run the same day sends nothing more
    for recipient in recipients:
        assert [o.status for o in svc.run(recipient)] == ["exists"]
    assert len(handler.messages) == 3


def recipient_id(address: str) -> str:
    return {JABAR: "jabar", MAKASSAR: "makassar", JAYAPURA: "jayapura"}[address]


def test_hostile_text_is_escaped_everywhere(es_client: Any, world: dict[str, Any], smtp_server: SmtpServer) -> None:
    svc = service(es_client, world["prefix"], smtp_server.port)
    [jabar] = load_recipients(es_client, world["prefix"], "jabar")
    svc.run(jabar)
    [received] = smtp_server.handler.messages
    plain, html = parts(received.message)
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp;" in html
    assert "\u202e" not in html and "\u202e" not in plain
    assert "Budi Bcc: evil@attacker.example.org RTL" in plain  # the name, flattened to one line
    assert received.rcpt_tos == [JABAR]
    assert received.message["Bcc"] is None
    for name, value in received.message.items():
        assert "\n" not in value.replace("\r\n ", "").replace("\n ", ""), name  # folded only
        assert "\u202e" not in value


def test_header_injection_in_supervisor_name(es_client: Any, world: dict[str, Any],
                                             smtp_server: SmtpServer) -> None:
    from alerts.supervisors import Recipient

    svc = service(es_client, world["prefix"], smtp_server.port)
    hostile = Recipient(id="evil", name="Pak \u202eX\r\nBcc: evil@attacker.example.org", email=MAKASSAR,
                        region_codes=("73.71",), timezone="WITA", iana_timezone="Asia/Makassar")
    assert [o.status for o in svc.run(hostile)] == ["sent"]
    [received] = smtp_server.handler.messages
    assert received.rcpt_tos == [MAKASSAR]
    assert received.message["Bcc"] is None
    assert str(received.message["To"]).startswith("Pak X Bcc: evil@attacker.example.org") or \
        received.message["To"].addresses[0].display_name == "Pak X Bcc: evil@attacker.example.org"


def test_smtp_down_then_up_delivers_each_finding_once(es_client: Any, world: dict[str, Any],
                                                      smtp_server: SmtpServer) -> None:
    prefix = world["prefix"]
    recipients = load_recipients(es_client, prefix)
    down = service(es_client, prefix, free_port())  # nothing listens there
    for recipient in recipients:
        assert [o.status for o in down.run(recipient)] == ["queued"]
    ledger = Ledger(es_client, prefix)
    pending = ledger.pending_digests()
    assert len(pending) == 3 and all(p.attempts == 1 and p.last_error for p in pending)
    up = service(es_client, prefix, smtp_server.port, clock=NOW + timedelta(minutes=30))
    for recipient in recipients:
        outcomes = up.run(recipient)
        assert [o.status for o in outcomes] == ["sent"], outcomes  # the queued one, resent
    assert len(smtp_server.handler.messages) == 3
    assert sorted(handles_in(parts(smtp_server.handler.to(JABAR)[0])[0])) == [
        "pegawai1", "pegawai2", "pegawai3", "pegawai9"]
    assert ledger.pending_digests() == []
    record = ledger.get_digest("jabar|2024-02-05")
    assert record is not None and record.status == "sent" and record.attempts == 2
    # the next day: the post found after the first digest was built only, nothing repeated
    next_day = service(es_client, prefix, smtp_server.port, clock=NOW + timedelta(days=1))
    [jabar] = [r for r in recipients if r.id == "jabar"]
    assert [o.status for o in next_day.run(jabar)] == ["sent"]
    assert handles_in(parts(smtp_server.handler.to(JABAR)[1])[0]) == ["pegawai10"]


def test_a_late_digest_covers_everything_found_until_it_runs(es_client: Any, world: dict[str, Any],
                                                             smtp_server: SmtpServer) -> None:
    """Run after the digest hour (a manual `pantau digest`, a catch-up after downtime): nothing found before
    the run waits a day, and the next digest starts where this one ended."""
    late = service(es_client, world["prefix"], smtp_server.port, clock=NOW + timedelta(hours=1))
    [jabar] = [r for r in load_recipients(es_client, world["prefix"]) if r.id == "jabar"]
    assert [o.status for o in late.run(jabar)] == ["sent"]
    assert sorted(handles_in(parts(smtp_server.handler.to(JABAR)[0])[0])) == [
        "pegawai1", "pegawai10", "pegawai2", "pegawai3", "pegawai9"]
    next_day = service(es_client, world["prefix"], smtp_server.port, clock=NOW + timedelta(days=1))
    assert [o.status for o in next_day.run(jabar)] == ["sent"]
    assert handles_in(parts(smtp_server.handler.to(JABAR)[1])[0]) == []


def test_550_for_one_supervisor_does_not_block_the_others(es_client: Any, world: dict[str, Any],
                                                           smtp_server: SmtpServer) -> None:
    smtp_server.handler.reject = {MAKASSAR}
    prefix = world["prefix"]
    svc = service(es_client, prefix, smtp_server.port)
    statuses = {r.id: [o.status for o in svc.run(r)] for r in load_recipients(es_client, prefix)}
    assert statuses == {"jabar": ["sent"], "jayapura": ["sent"], "makassar": ["failed"]}
    assert len(smtp_server.handler.messages) == 2
    ledger = Ledger(es_client, prefix)
    failed = ledger.get_digest("makassar|2024-02-05")
    assert failed is not None and failed.status == "failed" and failed.attempts == 1  # not retried
    assert "550" in failed.last_error
    entry = es_client.get(index=f"{prefix}alert-ledger", id=failed.findings[0]["post_doc_id"].join(
        ["makassar|digest|", ""]))["_source"]
    assert entry["status"] == "failed"
    # fixed address the next day: the failed finding is delivered then
    smtp_server.handler.reject = set()
    later = service(es_client, prefix, smtp_server.port, clock=NOW + timedelta(days=1))
    [makassar] = load_recipients(es_client, prefix, "makassar")
    assert [o.status for o in later.run(makassar)] == ["sent"]
    assert handles_in(parts(smtp_server.handler.to(MAKASSAR)[0])[0]) == ["pegawai4"]


def test_queued_digest_is_resent_unchanged_after_a_crash(es_client: Any, world: dict[str, Any],
                                                         smtp_server: SmtpServer) -> None:
    prefix = world["prefix"]
    svc = service(es_client, prefix, smtp_server.port)
    [jabar] = load_recipients(es_client, prefix, "jabar")
    built = svc.build(jabar, date(2024, 2, 5))
    assert svc.ledger.queue(built.record())  # the process died right after queueing
    restarted = service(es_client, prefix, smtp_server.port, clock=NOW + timedelta(hours=2))
    assert [o.status for o in restarted.run(jabar)] == ["sent"]
    [received] = smtp_server.handler.messages
    assert received.message["Message-ID"] == built.message["Message-ID"]
    assert received.message["Date"] == built.message["Date"]
    assert [o.status for o in restarted.run(jabar)] == ["exists"]
    assert len(smtp_server.handler.messages) == 1


def test_cap_lists_the_first_findings_and_summarises_the_rest(es_client: Any, index_prefix: str, tmp_path: Path,
                                                              smtp_server: SmtpServer) -> None:
    setup_indices(es_client, index_prefix)
    add_supervisor(es_client, index_prefix, id="bdg", name="Bawaslu Kota Bandung", email=JABAR, region_codes="32.73")
    posts = [make_post(100 + i, region="32.73", first_seen=SEEN - timedelta(minutes=i), posted_at=POSTED,
                       severity="tinggi" if i in (3, 7) else "sedang") for i in range(8)]
    index_posts(es_client, index_prefix, posts, tmp_path)
    svc = service(es_client, index_prefix, smtp_server.port, max_findings=5)
    [bdg] = load_recipients(es_client, index_prefix)
    [outcome] = svc.run(bdg)
    assert outcome.status == "sent" and outcome.total == 8
    plain, html = parts(smtp_server.handler.messages[0].message)
    listed = handles_in(plain)
    assert len(listed) == 5 and {"pegawai103", "pegawai107"} <= set(listed)  # tinggi first
    assert "3 temuan lain tidak ditampilkan" in plain and 'id="more"' in html
    assert "8 temuan baru" in smtp_server.handler.messages[0].message["Subject"]
    record = svc.ledger.get_digest("bdg|2024-02-05")
    assert record is not None and len(record.findings) == 8
    assert sum(f["listed"] for f in record.findings) == 5
    # the summarised ones are not repeated the next day either
    later = service(es_client, index_prefix, smtp_server.port, clock=NOW + timedelta(days=1), max_findings=5)
    [outcome] = later.run(bdg)
    assert outcome.total == 0
    assert "Nihil" in smtp_server.handler.messages[1].message["Subject"]


def test_empty_day_sends_nothing_when_configured(es_client: Any, index_prefix: str,
                                                 smtp_server: SmtpServer) -> None:
    setup_indices(es_client, index_prefix)
    add_supervisor(es_client, index_prefix, id="bdg", name="Bawaslu Kota Bandung", email=JABAR, region_codes="32.73")
    svc = service(es_client, index_prefix, smtp_server.port, send_empty=False)
    [bdg] = load_recipients(es_client, index_prefix)
    assert [o.status for o in svc.run(bdg)] == ["skipped"]
    assert [o.status for o in svc.run(bdg)] == ["exists"]
    assert smtp_server.handler.messages == []
