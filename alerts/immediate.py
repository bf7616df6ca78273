"""Immediate alerts: a `tinggi` finding is mailed at once instead of waiting for the morning digest.

Each run looks at the findings of the last `lookback_hours` of the chosen severities that were not yet alerted
(nor sent in a digest) to the supervisor, and sends one short message per supervisor listing them. The ledger
records them on the `immediate` channel, so the digest leaves them out unless ALERT_IMMEDIATE_IN_DIGEST is set.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from alerts.digest import DigestService, Outcome, local_today
from alerts.ledger import DIGEST, IMMEDIATE
from alerts.selection import Window, select
from alerts.supervisors import Recipient

logger = logging.getLogger(__name__)


class ImmediateAlerts:
    def __init__(self, service: DigestService, severities: tuple[str, ...] = ("tinggi",),
                 lookback_hours: int = 48, max_findings: int = 50) -> None:
        self.service = service
        self.severities = severities or ("tinggi",)
        self.lookback = timedelta(hours=lookback_hours)
        self.max_findings = max_findings

    def run(self, recipients: list[Recipient]) -> list[Outcome]:
        outcomes = self.service.resend_pending(channel=IMMEDIATE)
        for recipient in recipients:
            try:
                outcome = self.run_one(recipient)
            except Exception as exc:  # one supervisor's trouble never blocks the others
                logger.exception("immediate alert for %s failed: %s", recipient.id, exc)
                continue
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def run_one(self, recipient: Recipient) -> Outcome | None:
        svc = self.service
        now = svc.clock().replace(microsecond=0)
        window = Window(start=now - self.lookback, end=now + timedelta(seconds=1))
        excluded = svc.ledger.excluded_post_ids(recipient.id, window.start, (DIGEST, IMMEDIATE))
        selection = select(svc.client, svc.prefix, recipient.region_codes, window, excluded, self.max_findings,
                           severities=self.severities)
        if selection.total == 0:
            return None
        ids = sorted(f.doc_id for f in selection.findings + selection.rest)
        token = hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:20]
        digest_id = f"{recipient.id}|immediate|{token}"
        built = svc.compose(recipient, local_today(recipient, now), selection, digest_id, now, immediate=True)
        record = built.record(channel=IMMEDIATE)
        if not svc.ledger.queue(record):
            return None
        return svc.deliver(record)
