"""The scheduler's digest catch-up with an injected clock: exactly one digest per supervisor and day."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from alerts.digest import DigestConfig, DigestService
from alerts.mailer import Mailer, SmtpConfig
from crawler.config import load_settings
from crawler.scheduler import PantauScheduler, SchedulerState, due_digests
from alerts.supervisors import Recipient
from test_digest_support import (  # noqa: F401  (fixtures)
    SmtpServer, add_supervisor, index_posts, make_post, setup_indices, smtp_server,
)

MAKASSAR = "makassar@bawaslu.example.org"
# 07.00 WITA on 5 February 2024 is 23.00 UTC on the 4th
DIGEST_AT = datetime(2024, 2, 4, 23, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_scheduler(es_client: Any, prefix: str, port: int, clock: Clock, state_dir: Path) -> PantauScheduler:
    mailer = Mailer(SmtpConfig(host="127.0.0.1", port=port, security="none", timeout=5,
                               mail_from="pantau@bawaslu.example.org"), attempts=1, backoff=0.01)
    service = DigestService(es_client, prefix, DigestConfig(mail_from="pantau@bawaslu.example.org"), mailer,
                            clock=clock)
    return PantauScheduler(load_settings(), service, clock=clock, state_dir=state_dir)


def test_due_digests_follows_each_local_time(tmp_path: Path) -> None:
    state = SchedulerState(tmp_path)
    wib = Recipient(id="a", name="A", email="a@example.org", region_codes=("32",), digest_time="07:00")
    wit = Recipient(id="b", name="B", email="b@example.org", region_codes=("91",), timezone="WIT",
                    iana_timezone="Asia/Jayapura", digest_time="07:00")
    at = datetime(2024, 2, 4, 23, 30, tzinfo=timezone.utc)  # 06.30 WIB (not yet), 08.30 WIT (due)
    assert [(r.id, d.isoformat()) for r, d in due_digests([wib, wit], state, at)] == [("b", "2024-02-05")]
    state.set_digest("b", at.date() + timedelta(days=1))
    assert due_digests([wib, wit], state, at) == []
    later = at + timedelta(hours=1)  # 07.30 WIB
    assert [r.id for r, _ in due_digests([wib, wit], state, later)] == ["a"]
    assert SchedulerState(tmp_path).last_digest("b").isoformat() == "2024-02-05"  # durable


def test_restarts_across_digest_time_send_exactly_one(es_client: Any, index_prefix: str, tmp_path: Path,
                                                      smtp_server: SmtpServer) -> None:
    setup_indices(es_client, index_prefix)
    add_supervisor(es_client, index_prefix, id="makassar", name="Bawaslu Kota Makassar", email=MAKASSAR,
                   region_codes="73.71", digest_time="07:00")
    index_posts(es_client, index_prefix, [make_post(1, region="73.71", first_seen=DIGEST_AT - timedelta(hours=5))],
                tmp_path)
    state_dir = tmp_path / "scheduler"
    clock = Clock(DIGEST_AT - timedelta(minutes=1))
    first = make_scheduler(es_client, index_prefix, smtp_server.port, clock, state_dir)
    assert first.check_due() == []  # 06.59 WITA: not yet
    # the process is down across 07.00 and comes back at 07.20: the missed digest goes out once
    clock.now = DIGEST_AT + timedelta(minutes=20)
    second = make_scheduler(es_client, index_prefix, smtp_server.port, clock, state_dir)
    assert second.check_due() == [("makassar", "sent")]
    assert second.check_due() == []
    # restart again: nothing more
    third = make_scheduler(es_client, index_prefix, smtp_server.port, clock, state_dir)
    assert third.check_due() == []
    # killed before the state file was written: the ledger still knows the digest went out
    (state_dir / "state.json").unlink()
    fourth = make_scheduler(es_client, index_prefix, smtp_server.port, clock, state_dir)
    assert fourth.check_due() == [("makassar", "exists")]
    assert fourth.check_due() == []
    assert len(smtp_server.handler.messages) == 1
    # the next morning: one more (nihil) digest
    clock.now = DIGEST_AT + timedelta(days=1, minutes=1)
    assert fourth.check_due() == [("makassar", "sent")]
    assert len(smtp_server.handler.messages) == 2
    assert "Nihil" in smtp_server.handler.messages[1].message["Subject"]


def test_mail_server_down_at_digest_time_retries_later(es_client: Any, index_prefix: str, tmp_path: Path,
                                                       smtp_server: SmtpServer) -> None:
    from crawler.es.local import free_port

    setup_indices(es_client, index_prefix)
    add_supervisor(es_client, index_prefix, id="makassar", name="Bawaslu Kota Makassar", email=MAKASSAR,
                   region_codes="73.71")
    index_posts(es_client, index_prefix, [make_post(1, region="73.71", first_seen=DIGEST_AT - timedelta(hours=5))],
                tmp_path)
    clock = Clock(DIGEST_AT + timedelta(minutes=1))
    down = make_scheduler(es_client, index_prefix, free_port(), clock, tmp_path / "s")
    assert down.check_due() == [("makassar", "queued")]
    assert down.check_due() == [("makassar", "queued")]  # still due: retried at each check
    clock.now += timedelta(minutes=10)
    up = make_scheduler(es_client, index_prefix, smtp_server.port, clock, tmp_path / "s")
    assert up.check_due() == [("makassar", "sent")]
    assert up.check_due() == []
    [received] = smtp_server.handler.messages
    assert "1 temuan baru" in received.message["Subject"]


def test_crawls_run_as_child_processes_and_stop_on_shutdown(es_client: Any, index_prefix: str, tmp_path: Path,
                                                           monkeypatch: Any) -> None:
    """The crawl job launches `python -m crawler crawl --platform P`; shutdown stops a running child."""
    calls = tmp_path / "calls.txt"
    fake = tmp_path / "fake-python"
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\nexec sleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SCHEDULER_CRAWL_PLATFORMS", "telegram")
    monkeypatch.setenv("SCHEDULER_RECHECK_ENABLED", "false")
    monkeypatch.setenv("SCHEDULER_DIGEST_ENABLED", "false")
    service = DigestService(es_client, index_prefix, DigestConfig(), None)
    scheduler = PantauScheduler(load_settings(), service, state_dir=tmp_path / "s", python=str(fake))
    scheduler.start()
    try:
        job = scheduler.scheduler.get_job("crawl:telegram")
        assert job is not None and job.max_instances == 1
        import time

        deadline = time.monotonic() + 20
        while not (calls.exists() and calls.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert calls.read_text().split() == ["-m", "crawler", "crawl", "--platform", "telegram"]
        [child] = list(scheduler._children.values())
    finally:
        scheduler.shutdown()
    assert child.poll() is not None  # terminated, not left behind
    assert SchedulerState(tmp_path / "s").last_run("crawl:telegram") is not None
