"""Building and delivering digests: select → render → queue in the ledger → send → mark sent.

One digest per supervisor and day, id `<supervisor id>|<YYYY-MM-DD>` (the supervisor's local date). Its window
ends at the supervisor's digest time that day (or now, if earlier) and starts where the supervisor's last sent
digest ended, at most `lookback_days` before. Before building a new digest, queued-but-unsent digests of the
supervisor are resent unchanged (same bytes, same Message-ID). A digest that exists already is never rebuilt.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from elasticsearch import Elasticsearch

from alerts.ledger import DIGEST, FAILED, IMMEDIATE, QUEUED, SENT, DigestRecord, Ledger
from alerts.mailer import DeliveryError, Mailer
from alerts.message import BadAddress, build_message, message_id_for
from alerts.render import Rendered, Renderer, build_view
from alerts.selection import Found, Selection, Window, select
from alerts.supervisors import Recipient
from crawler.regions import Regions

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class DigestConfig:
    kibana_url: str = "http://localhost:5601"
    mail_from: str = "Pantau Netralitas <pantau@localhost>"
    max_findings: int = 200
    lookback_days: int = 7
    excerpt_chars: int = 600
    send_empty: bool = True
    immediate_in_digest: bool = False

    @classmethod
    def from_settings(cls, settings: Any) -> DigestConfig:
        return cls(kibana_url=settings.get("KIBANA_URL") or cls.kibana_url,
                   mail_from=settings.get("MAIL_FROM") or cls.mail_from,
                   max_findings=settings.getint("DIGEST_MAX_FINDINGS", 200),
                   lookback_days=settings.getint("DIGEST_LOOKBACK_DAYS", 7),
                   excerpt_chars=settings.getint("DIGEST_EXCERPT_CHARS", 600),
                   send_empty=settings.getbool("DIGEST_SEND_EMPTY", True),
                   immediate_in_digest=settings.getbool("ALERT_IMMEDIATE_IN_DIGEST", False))


@dataclass
class BuiltDigest:
    recipient: Recipient
    digest_id: str
    digest_date: date
    selection: Selection
    rendered: Rendered
    message: EmailMessage

    def record(self, channel: str = DIGEST) -> DigestRecord:
        def entry(found: Found, listed: bool) -> dict[str, Any]:
            return {"post_doc_id": found.doc_id, "post_index": found.index, "severity": found.severity,
                    "region_code": found.region_code, "first_seen": found.first_seen or None,
                    "flagged_at": found.flagged_at or None, "listed": listed}

        findings = [entry(f, True) for f in self.selection.findings] + [entry(f, False) for f in self.selection.rest]
        return DigestRecord(digest_id=self.digest_id, supervisor_id=self.recipient.id, recipient=self.recipient.email,
                            channel=channel, digest_date=self.digest_date.isoformat(),
                            window_start=self.selection.window.start.isoformat(),
                            window_end=self.selection.window.end.isoformat(),
                            message_id=str(self.message["Message-ID"]), message=self.message.as_bytes(),
                            total=self.selection.total, findings=findings)


@dataclass
class Outcome:
    """What happened to one digest; `status`: sent | queued (will be retried) | failed | skipped | exists | built."""

    supervisor_id: str
    digest_id: str
    status: str
    total: int = 0
    error: str = ""
    built: BuiltDigest | None = field(default=None, repr=False)

    def line(self) -> str:
        text = f"{self.supervisor_id}: {self.status} ({self.total} temuan, {self.digest_id})"
        return f"{text}: {self.error}" if self.error else text


def digest_id_for(supervisor_id: str, digest_date: date) -> str:
    return f"{supervisor_id}|{digest_date.isoformat()}"


def local_today(recipient: Recipient, now: datetime) -> date:
    return now.astimezone(ZoneInfo(recipient.iana_timezone)).date()


def digest_moment(recipient: Recipient, digest_date: date) -> datetime:
    """The supervisor's digest time on that date, as an aware UTC datetime."""
    hour, minute = recipient.digest_hour_minute
    local = datetime.combine(digest_date, time(hour, minute), tzinfo=ZoneInfo(recipient.iana_timezone))
    return local.astimezone(timezone.utc)


class DigestService:
    def __init__(self, client: Elasticsearch, prefix: str, config: DigestConfig, mailer: Mailer | None = None, *,
                 clock: Callable[[], datetime] = utc_now, regions: Regions | None = None,
                 refresh: bool | str = True) -> None:
        self.client = client
        self.prefix = prefix
        self.config = config
        self.mailer = mailer
        self.clock = clock
        self.regions = regions or Regions.load()
        self.ledger = Ledger(client, prefix, refresh=refresh)
        self.renderer = Renderer()

    # -- building -------------------------------------------------------------------------------------------
    def window_for(self, recipient: Recipient, digest_date: date, now: datetime) -> Window:
        # Today's digest covers everything found until now (a manual `pantau digest` after the digest hour, or
        # a catch-up after downtime, misses nothing; the next window starts where this one ended). A past
        # date's digest ends at that day's digest time, so rebuilding it is reproducible.
        if digest_date >= local_today(recipient, now):
            end = now
        else:
            end = min(now, digest_moment(recipient, digest_date))
        end = end.astimezone(timezone.utc).replace(microsecond=0)
        start = end - timedelta(days=self.config.lookback_days)
        last = self.ledger.last_window_end(recipient.id, end)
        if last is not None and last > start:
            start = min(last, end)
        return Window(start=start, end=end)

    def excluded(self, recipient: Recipient, since: datetime) -> list[str]:
        channels = (DIGEST,) if self.config.immediate_in_digest else (DIGEST, IMMEDIATE)
        return self.ledger.excluded_post_ids(recipient.id, since, channels)

    def build(self, recipient: Recipient, digest_date: date, now: datetime | None = None) -> BuiltDigest:
        """The digest as it would be sent now (reads the ledger, writes nothing)."""
        now = now or self.clock()
        window = self.window_for(recipient, digest_date, now)
        selection = select(self.client, self.prefix, recipient.region_codes, window,
                           self.excluded(recipient, window.start), self.config.max_findings)
        return self.compose(recipient, digest_date, selection, digest_id_for(recipient.id, digest_date), now)

    def build_many(self, recipients: list[Recipient], digest_date: date | None = None, now: datetime | None = None,
                   workers: int = 4) -> list[BuiltDigest]:
        """Build several digests at once (Elasticsearch round trips overlap rendering); order kept."""
        from concurrent.futures import ThreadPoolExecutor

        now = now or self.clock()

        def one(recipient: Recipient) -> BuiltDigest:
            return self.build(recipient, digest_date or local_today(recipient, now), now)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(one, recipients))

    def compose(self, recipient: Recipient, digest_date: date, selection: Selection, digest_id: str,
                now: datetime, immediate: bool = False) -> BuiltDigest:
        view = build_view(selection, recipient, digest_date, kibana_url=self.config.kibana_url, prefix=self.prefix,
                          excerpt_chars=self.config.excerpt_chars, immediate=immediate, regions=self.regions)
        rendered = self.renderer.render(view)
        message = build_message(subject=rendered.subject, text=rendered.text, html=rendered.html,
                                mail_from=self.config.mail_from, to_name=recipient.name, to_email=recipient.email,
                                message_id=message_id_for(digest_id, self.config.mail_from), date=now,
                                digest_id=digest_id)
        return BuiltDigest(recipient, digest_id, digest_date, selection, rendered, message)

    # -- delivering -----------------------------------------------------------------------------------------
    def run(self, recipient: Recipient, digest_date: date | None = None) -> list[Outcome]:
        """Resend the supervisor's queued digests, then build, queue and send the digest of `digest_date`."""
        now = self.clock()
        digest_date = digest_date or local_today(recipient, now)
        outcomes = self.resend_pending(recipient.id, DIGEST)
        digest_id = digest_id_for(recipient.id, digest_date)
        existing = self.ledger.get_digest(digest_id)
        if existing is not None:
            if not any(o.digest_id == digest_id for o in outcomes):
                outcomes.append(Outcome(recipient.id, digest_id, "exists", existing.total,
                                        f"status {existing.status}"))
            return outcomes
        try:
            built = self.build(recipient, digest_date, now)
        except BadAddress as exc:
            logger.error("digest %s: %s", digest_id, exc)
            return outcomes + [Outcome(recipient.id, digest_id, FAILED, 0, str(exc))]
        record = built.record()
        if built.selection.total == 0 and not self.config.send_empty:
            self.ledger.record_skipped(record)
            return outcomes + [Outcome(recipient.id, digest_id, "skipped", 0, built=built)]
        if not self.ledger.queue(record):
            return outcomes + [Outcome(recipient.id, digest_id, "exists", record.total)]
        outcome = self.deliver(record)
        outcome.built = built
        return outcomes + [outcome]

    def resend_pending(self, supervisor_id: str | None = None, channel: str | None = None) -> list[Outcome]:
        outcomes = []
        for record in self.ledger.pending_digests(supervisor_id, channel):
            logger.info("resending queued digest %s (attempts so far: %d)", record.digest_id, record.attempts)
            outcomes.append(self.deliver(record))
        return outcomes

    def deliver(self, record: DigestRecord) -> Outcome:
        if record.status != QUEUED:
            return Outcome(record.supervisor_id, record.digest_id, record.status, record.total)
        if self.mailer is None:
            raise RuntimeError("no mailer configured")
        try:
            self.mailer.send(record.message, record.recipient)
        except DeliveryError as exc:
            self.ledger.mark_failed(record, str(exc), exc.permanent)
            status = FAILED if exc.permanent else QUEUED
            log = logger.error if exc.permanent else logger.warning
            log("digest %s to supervisor %s: %s (%s)", record.digest_id, record.supervisor_id, exc,
                "gagal permanen" if exc.permanent else "akan dikirim ulang")
            return Outcome(record.supervisor_id, record.digest_id, status, record.total, str(exc))
        self.ledger.mark_sent(record)
        logger.info("digest %s sent to supervisor %s (%d findings)", record.digest_id, record.supervisor_id,
                    record.total)
        return Outcome(record.supervisor_id, record.digest_id, SENT, record.total)


def service_from_settings(settings: Any, *, with_mailer: bool = True,
                          clock: Callable[[], datetime] = utc_now) -> DigestService:
    """A DigestService wired from the project settings (client, prefix, SMTP)."""
    from alerts.mailer import SmtpConfig
    from crawler.es.client import get_client, index_prefix

    mailer = None
    if with_mailer:
        mailer = Mailer(SmtpConfig.from_settings(settings), attempts=settings.getint("DIGEST_SMTP_ATTEMPTS", 4),
                        backoff=settings.getfloat("DIGEST_SMTP_BACKOFF", 2.0))
    return DigestService(get_client(settings), index_prefix(settings), DigestConfig.from_settings(settings), mailer,
                         clock=clock)
