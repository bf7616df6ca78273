"""`pantau serve` as a real process against a real SMTP server: restarts across digest time send one digest."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from test_digest_support import (  # noqa: F401  (fixtures)
    SmtpServer, add_supervisor, index_posts, make_post, setup_indices, smtp_env, smtp_server,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
ZONES = [("WIB", "Asia/Jakarta", "32.73"), ("WITA", "Asia/Makassar", "73.71"), ("WIT", "Asia/Jayapura", "91.71")]


def start_serve(log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")
    return subprocess.Popen([sys.executable, "-m", "crawler", "serve"], cwd=PROJECT_DIR, env=env,
                            stdout=handle, stderr=subprocess.STDOUT)


def wait_for(predicate: Any, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; serve output:\n{log.read_text(errors='replace')[-4000:]}")


def ready_count(log: Path) -> int:
    return log.read_text(errors="replace").count("pantau serve: siap")


@pytest.mark.timeout(300)
def test_serve_restarts_across_digest_time_send_one_digest(es_client: Any, index_prefix: str, tmp_path: Path,
                                                           smtp_server: SmtpServer, smtp_env: dict[str, str]) -> None:
    now = datetime.now(timezone.utc)
    # a zone where the local time is past 00.02, so "one minute ago" is still today there
    zone, iana, region = next(z for z in ZONES if now.astimezone(ZoneInfo(z[1])).hour * 60
                              + now.astimezone(ZoneInfo(z[1])).minute >= 2)
    digest_time = (now.astimezone(ZoneInfo(iana)) - timedelta(minutes=1)).strftime("%H:%M")
    setup_indices(es_client, index_prefix)
    add_supervisor(es_client, index_prefix, id="pengawas", name="Bawaslu Uji", email="uji@bawaslu.example.org",
                   region_codes=region, timezone=zone, digest_time=digest_time)
    index_posts(es_client, index_prefix, [make_post(1, region=region, first_seen=now - timedelta(hours=2))], tmp_path)
    env = {**os.environ, **smtp_env, "SCHEDULER_CRAWL_ENABLED": "false", "SCHEDULER_RECHECK_ENABLED": "false",
           "SCHEDULER_CATCHUP_SECONDS": "2", "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "serve.log"
    messages = smtp_server.handler.messages

    proc = start_serve(log, env)
    try:
        wait_for(lambda: ready_count(log) == 1, 90, "first start", log)
        wait_for(lambda: len(messages) == 1, 30, "the digest", log)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert "berhenti" in log.read_text()

        proc = start_serve(log, env)  # restart after a clean stop
        wait_for(lambda: ready_count(log) == 2, 90, "second start", log)
        time.sleep(5)  # two catch-up checks
        assert len(messages) == 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

        (Path(smtp_env["PANTAU_HOME"]) / "scheduler" / "state.json").unlink()  # even the state file is gone
        proc = start_serve(log, env)
        wait_for(lambda: ready_count(log) == 3, 90, "third start", log)
        time.sleep(5)
        assert len(messages) == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    [received] = messages
    assert received.rcpt_tos == ["uji@bawaslu.example.org"]
    assert "1 temuan baru" in received.message["Subject"]
    assert zone in received.message.get_body(("plain",)).get_content()
