"""`pantau serve`: APScheduler runs the crawls, the evidence re-check and each supervisor's digest.

- Crawls: one job per platform on its interval (CRAWL_INTERVAL_MINUTES), each run a child process
  `python -m crawler crawl --platform P`; `max_instances=1` so a platform's crawl never overlaps itself.
- Evidence re-check: `python -m crawler recheck` as a child process on its own interval.
- Digests: one cron job per supervisor at its digest time in its own time zone, plus a catch-up check at start-up
  and every few minutes. Both only call `check_due`, which sends today's digest of every supervisor whose digest
  time has passed and whose state file entry is older than today; a digest missed while the process was down is
  therefore sent once when it comes back, and a digest left queued by a mail outage is retried.
- State: a small JSON file in PANTAU_HOME/scheduler/ (each supervisor's last digest date, each job's last run),
  written atomically. The alert ledger in Elasticsearch is the final word: a digest id that exists is never built
  again, so a lost state file costs nothing but a lookup.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from alerts.digest import DigestService, digest_moment, local_today
from alerts.supervisors import Recipient, load_recipients
from crawler.cli.crawl_cmd import EXIT_FAILED, EXIT_PARTIAL, EXIT_USAGE

logger = logging.getLogger(__name__)

DONE_STATUSES = {"sent", "exists", "skipped", "failed"}  # "queued" (mail server down) is retried later


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class SchedulerState:
    """The durable state file: {"digests": {supervisor id: "YYYY-MM-DD"}, "jobs": {job id: ISO time}}."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "state.json"
        self._lock = threading.Lock()
        directory.mkdir(parents=True, exist_ok=True)
        self.data: dict[str, dict[str, str]] = {"digests": {}, "jobs": {}}
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.data = {"digests": dict(loaded.get("digests", {})), "jobs": dict(loaded.get("jobs", {}))}
            except (OSError, ValueError) as exc:
                logger.error("scheduler state %s unreadable (%s); the alert ledger decides instead", self.path, exc)

    def last_digest(self, supervisor_id: str) -> date | None:
        value = self.data["digests"].get(supervisor_id)
        return date.fromisoformat(value) if value else None

    def set_digest(self, supervisor_id: str, day: date) -> None:
        with self._lock:
            self.data["digests"][supervisor_id] = day.isoformat()
            self._save()

    def last_run(self, job_id: str) -> datetime | None:
        value = self.data["jobs"].get(job_id)
        return datetime.fromisoformat(value) if value else None

    def set_run(self, job_id: str, moment: datetime) -> None:
        with self._lock:
            self.data["jobs"][job_id] = moment.isoformat()
            self._save()

    def _save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def due_digests(recipients: list[Recipient], state: SchedulerState, now: datetime) -> list[tuple[Recipient, date]]:
    """Supervisors whose digest time today (their local day) has passed and whose digest of today is not done."""
    due = []
    for recipient in recipients:
        today = local_today(recipient, now)
        last = state.last_digest(recipient.id)
        if now >= digest_moment(recipient, today) and (last is None or last < today):
            due.append((recipient, today))
    return due


class PantauScheduler:
    def __init__(self, settings: Any, service: DigestService, *, clock: Callable[[], datetime] = utc_now,
                 state_dir: Path | None = None, python: str = sys.executable) -> None:
        from crawler.config import pantau_home

        self.settings = settings
        self.service = service
        self.clock = clock
        self.state = SchedulerState(state_dir or pantau_home(settings) / "scheduler")
        self.python = python
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc,
            executors={"default": ThreadPoolExecutor(8), "digest": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
        self._digest_lock = threading.Lock()
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._children_lock = threading.Lock()
        self._stopping = threading.Event()

    # -- digests --------------------------------------------------------------------------------------------
    def recipients(self) -> list[Recipient]:
        return load_recipients(self.service.client, self.service.prefix)

    def check_due(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Send every due digest; returns (supervisor id, status) pairs. Safe to call any time, from any job."""
        results: list[tuple[str, str]] = []
        with self._digest_lock:
            now = now or self.clock()
            try:
                recipients = self.recipients()
            except Exception as exc:  # Elasticsearch down: try again at the next check
                logger.error("digest check: cannot read supervisors: %s", exc)
                return results
            for recipient, day in due_digests(recipients, self.state, now):
                if self._stopping.is_set():
                    break
                try:
                    outcomes = self.service.run(recipient, day)
                except Exception as exc:
                    logger.exception("digest of %s for %s failed: %s", recipient.id, day, exc)
                    results.append((recipient.id, "error"))
                    continue
                today = [o for o in outcomes if o.digest_id.endswith(f"|{day.isoformat()}")]
                status = today[-1].status if today else "error"
                results.append((recipient.id, status))
                if status in DONE_STATUSES:
                    self.state.set_digest(recipient.id, day)
                logger.info("digest %s %s: %s", recipient.id, day, status)
        return results

    def sync_digest_jobs(self) -> None:
        """One cron job per active supervisor at its local digest time (refreshed from the registry)."""
        try:
            recipients = self.recipients()
        except Exception as exc:
            logger.error("cannot read supervisors for the digest jobs: %s", exc)
            return
        wanted = set()
        for recipient in recipients:
            hour, minute = recipient.digest_hour_minute
            job_id = f"digest:{recipient.id}"
            wanted.add(job_id)
            self.scheduler.add_job(self.check_due, CronTrigger(hour=hour, minute=minute,
                                                               timezone=recipient.iana_timezone),
                                   id=job_id, name=f"digest {recipient.id}", replace_existing=True,
                                   executor="digest")
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()

    # -- child processes ------------------------------------------------------------------------------------
    def run_child(self, job_id: str, args: list[str], timeout: float) -> int | None:
        """Run `python -m crawler ARGS` as a child process and wait for it (None when stopped or timed out)."""
        if self._stopping.is_set():
            return None
        command = [self.python, "-m", "crawler", *args]
        logger.info("%s: %s", job_id, " ".join(command))
        self.state.set_run(job_id, self.clock())
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        with self._children_lock:
            self._children[job_id] = proc
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.error("%s: still running after %.0f s, stopping it", job_id, timeout)
            self._stop_child(proc)
            code = None
        finally:
            with self._children_lock:
                self._children.pop(job_id, None)
        if code:
            logger.warning("%s: exited with status %s (%s)", job_id, code, exit_meaning(code))
        return code

    @staticmethod
    def _stop_child(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        if proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _interval_job(self, job_id: str, minutes: int, func: Callable[[], Any]) -> None:
        """An interval job whose first run honours the last run recorded in the state file."""
        now = self.clock()
        last = self.state.last_run(job_id)
        first = now if last is None else max(now, last + timedelta(minutes=minutes))
        self.scheduler.add_job(func, IntervalTrigger(minutes=minutes, start_date=first, timezone=timezone.utc),
                               id=job_id, name=job_id, next_run_time=first, replace_existing=True)

    # -- life cycle -----------------------------------------------------------------------------------------
    def start(self) -> None:
        s = self.settings
        if s.getbool("SCHEDULER_CRAWL_ENABLED", True):
            intervals = s.getdict("CRAWL_INTERVAL_MINUTES")
            timeout = float(s.getint("SCHEDULER_CRAWL_TIMEOUT", 3 * 3600))
            for platform in s.getlist("SCHEDULER_CRAWL_PLATFORMS"):
                job_id = f"crawl:{platform}"
                self._interval_job(job_id, int(intervals.get(platform, 60)),
                                   lambda j=job_id, p=platform: self.run_child(j, ["crawl", "--platform", p], timeout))
        if s.getbool("SCHEDULER_RECHECK_ENABLED", True):
            self._interval_job("recheck", s.getint("SCHEDULER_RECHECK_MINUTES", 720),
                               lambda: self.run_child("recheck", ["recheck"], 6 * 3600.0))
        if s.getbool("SCHEDULER_DIGEST_ENABLED", True):
            self.check_due()  # catch up before anything else: a digest missed while down goes out now
            self.sync_digest_jobs()
            self.scheduler.add_job(self.sync_digest_jobs, IntervalTrigger(
                minutes=s.getint("SCHEDULER_REGISTRY_REFRESH_MINUTES", 10)), id="digest-sync", executor="digest")
            self.scheduler.add_job(self.check_due, IntervalTrigger(seconds=s.getint("SCHEDULER_CATCHUP_SECONDS", 300)),
                                   id="digest-catchup", executor="digest")
        if s.getbool("ALERT_IMMEDIATE_ENABLED", False):
            from alerts.immediate import ImmediateAlerts

            alerts = ImmediateAlerts(self.service, severities=tuple(s.getlist("ALERT_IMMEDIATE_SEVERITIES")))
            self.scheduler.add_job(lambda: alerts.run(self.recipients()),
                                   IntervalTrigger(minutes=s.getint("ALERT_IMMEDIATE_MINUTES", 5)),
                                   id="immediate", executor="digest")
        self.scheduler.start()

    def shutdown(self) -> None:
        """Stop taking new work, stop the crawl children, wait for a digest in progress to finish."""
        self._stopping.set()
        with self._children_lock:
            children = list(self._children.values())
        for proc in children:
            self._stop_child(proc)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.service.mailer is not None:
            self.service.mailer.close()


def exit_meaning(code: int) -> str:
    """What a child's exit status means, for the log (the statuses of `pantau crawl`; `recheck` uses 0 and 1)."""
    if code < 0:
        try:
            return f"stopped by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"stopped by signal {-code}"
    return {EXIT_FAILED: "failed: see the lines above", EXIT_USAGE: "usage error: the command line is wrong",
            EXIT_PARTIAL: "partly failed: some targets could not be crawled"}.get(code, "unexpected status")
