"""The alert ledger in Elasticsearch: a finding goes to each supervisor exactly once.

Two kinds of document in `{prefix}alert-ledger` (mapping: index_mappings/alert_ledger.json):
- `kind=digest`, `_id` = the digest id (`<supervisor>|<date>` or `<supervisor>|immediate|<hash>`): status
  queued → sent | failed (permanent) | skipped (nothing to send), attempts, the window, the Message-ID and the exact
  message bytes, and the findings it carries. It is created (`op_type=create`) *before* anything is sent, so a
  queued-but-unsent digest is found again after a restart and resent unchanged, with the same Message-ID.
- `kind=finding`, `_id` = `<supervisor>|<channel>|<post doc id>`: supervisor × finding with digest id, status and
  attempts. Findings whose entry is queued or sent are never selected again for that supervisor.
"""
from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

logger = logging.getLogger(__name__)

QUEUED, SENT, FAILED, SKIPPED = "queued", "sent", "failed", "skipped"
DIGEST, IMMEDIATE = "digest", "immediate"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def finding_entry_id(supervisor_id: str, channel: str, post_doc_id: str) -> str:
    return f"{supervisor_id}|{channel}|{post_doc_id}"


@dataclass
class DigestRecord:
    digest_id: str
    supervisor_id: str
    recipient: str
    channel: str
    digest_date: str
    window_start: str
    window_end: str
    message_id: str
    message: bytes
    total: int
    findings: list[dict[str, Any]] = field(default_factory=list)  # post_doc_id, post_index, severity, ...
    status: str = QUEUED
    attempts: int = 0
    last_error: str = ""

    def to_doc(self) -> dict[str, Any]:
        now = now_iso()
        return {
            "kind": "digest", "digest_id": self.digest_id, "supervisor_id": self.supervisor_id,
            "recipient": self.recipient, "channel": self.channel, "digest_date": self.digest_date,
            "window_start": self.window_start, "window_end": self.window_end, "message_id": self.message_id,
            "message": base64.b64encode(self.message).decode("ascii"), "total": self.total,
            "listed_count": sum(1 for f in self.findings if f.get("listed")), "findings": self.findings,
            "status": self.status, "attempts": self.attempts, "last_error": self.last_error,
            "queued_at": now, "updated_at": now,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> DigestRecord:
        return cls(digest_id=doc["digest_id"], supervisor_id=doc["supervisor_id"], recipient=doc.get("recipient", ""),
                   channel=doc.get("channel", DIGEST), digest_date=doc.get("digest_date", ""),
                   window_start=doc.get("window_start", ""), window_end=doc.get("window_end", ""),
                   message_id=doc.get("message_id", ""), message=base64.b64decode(doc.get("message") or b""),
                   total=int(doc.get("total") or 0), findings=list(doc.get("findings") or []),
                   status=doc.get("status", QUEUED), attempts=int(doc.get("attempts") or 0),
                   last_error=doc.get("last_error") or "")


class Ledger:
    def __init__(self, client: Elasticsearch, prefix: str, refresh: bool | str = True) -> None:
        self.client = client
        self.index = f"{prefix}alert-ledger"
        self.refresh = refresh

    # -- reads ----------------------------------------------------------------------------------------------
    def _search(self, **body: Any) -> list[dict[str, Any]]:
        try:
            response = self.client.search(index=self.index, ignore_unavailable=True, allow_no_indices=True, **body)
        except NotFoundError:
            return []
        return [hit["_source"] for hit in response["hits"]["hits"]]

    def get_digest(self, digest_id: str) -> DigestRecord | None:
        try:
            doc = self.client.get(index=self.index, id=digest_id)
        except NotFoundError:
            return None
        return DigestRecord.from_doc(doc["_source"])

    def last_window_end(self, supervisor_id: str, not_after: datetime) -> datetime | None:
        """End of the window of the supervisor's latest digest that was sent (or had nothing to send)."""
        rows = self._search(size=1, sort=[{"window_end": "desc"}], source=["window_end"], query={"bool": {"filter": [
            {"term": {"kind": "digest"}}, {"term": {"channel": DIGEST}}, {"term": {"supervisor_id": supervisor_id}},
            {"terms": {"status": [SENT, SKIPPED]}}, {"range": {"window_end": {"lte": not_after.isoformat()}}}]}})
        if not rows:
            return None
        return datetime.fromisoformat(rows[0]["window_end"].replace("Z", "+00:00"))

    def pending_digests(self, supervisor_id: str | None = None, channel: str | None = None) -> list[DigestRecord]:
        """Digests queued but not sent yet (oldest first)."""
        filters: list[dict[str, Any]] = [{"term": {"kind": "digest"}}, {"term": {"status": QUEUED}}]
        if supervisor_id is not None:
            filters.append({"term": {"supervisor_id": supervisor_id}})
        if channel is not None:
            filters.append({"term": {"channel": channel}})
        rows = self._search(size=10_000, sort=[{"queued_at": "asc"}], query={"bool": {"filter": filters}})
        return [DigestRecord.from_doc(r) for r in rows]

    def excluded_post_ids(self, supervisor_id: str, since: datetime, channels: tuple[str, ...] = (DIGEST,)) -> list[str]:
        """Post doc ids already queued or sent to the supervisor (flagged since `since`)."""
        ids: list[str] = []
        search_after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": 5000, "sort": [{"post_doc_id": "asc"}], "source": ["post_doc_id"],
                "query": {"bool": {"filter": [
                    {"term": {"kind": "finding"}}, {"term": {"supervisor_id": supervisor_id}},
                    {"terms": {"channel": list(channels)}}, {"terms": {"status": [QUEUED, SENT]}},
                    {"range": {"flagged_at": {"gte": since.isoformat()}}}]}}}
            if search_after:
                body["search_after"] = search_after
            try:
                response = self.client.search(index=self.index, ignore_unavailable=True, allow_no_indices=True, **body)
            except NotFoundError:
                return ids
            hits = response["hits"]["hits"]
            ids.extend(h["_source"]["post_doc_id"] for h in hits)
            if len(hits) < 5000:
                return sorted(set(ids))
            search_after = hits[-1]["sort"]

    # -- writes ---------------------------------------------------------------------------------------------
    def queue(self, record: DigestRecord) -> bool:
        """Record a digest and its findings as queued. False when the digest id exists already (keep that one)."""
        try:
            self.client.index(index=self.index, id=record.digest_id, document=record.to_doc(), op_type="create",
                              refresh=self.refresh)
        except ConflictError:
            return False
        self._write_findings(record, QUEUED)
        return True

    def record_skipped(self, record: DigestRecord) -> bool:
        record.status = SKIPPED
        try:
            self.client.index(index=self.index, id=record.digest_id, document=record.to_doc(), op_type="create",
                              refresh=self.refresh)
        except ConflictError:
            return False
        return True

    def mark_sent(self, record: DigestRecord) -> None:
        now = now_iso()
        record.status, record.attempts = SENT, record.attempts + 1
        self._write_findings(record, SENT, sent_at=now)  # findings first: the digest doc is the commit point
        self._update(record.digest_id, {"status": SENT, "attempts": record.attempts, "sent_at": now,
                                        "last_error": "", "updated_at": now})

    def mark_failed(self, record: DigestRecord, error: str, permanent: bool) -> None:
        """A failed attempt: permanent failures end the digest (its findings can go in a later one)."""
        now = now_iso()
        record.attempts += 1
        record.last_error = error[:2000]
        changes: dict[str, Any] = {"attempts": record.attempts, "last_error": record.last_error, "updated_at": now}
        if permanent:
            record.status = FAILED
            changes.update(status=FAILED, failed_at=now)
            self._write_findings(record, FAILED, last_error=record.last_error)
        self._update(record.digest_id, changes)

    def _update(self, doc_id: str, changes: dict[str, Any]) -> None:
        self.client.update(index=self.index, id=doc_id, doc=changes, refresh=self.refresh, retry_on_conflict=3)

    def _write_findings(self, record: DigestRecord, status: str, **extra: Any) -> None:
        if not record.findings:
            return
        now = now_iso()
        operations: list[dict[str, Any]] = []
        for finding in record.findings:
            entry = {
                "kind": "finding", "supervisor_id": record.supervisor_id, "channel": record.channel,
                "digest_id": record.digest_id, "post_doc_id": finding["post_doc_id"],
                "post_index": finding.get("post_index", ""), "severity": finding.get("severity", ""),
                "region_code": finding.get("region_code", ""), "first_seen": finding.get("first_seen") or None,
                "flagged_at": finding.get("flagged_at") or None,
                "listed": bool(finding.get("listed")), "recipient": record.recipient, "status": status,
                "attempts": record.attempts, "updated_at": now, **extra,
            }
            if status == QUEUED:
                entry["queued_at"] = now
            operations.append({"update": {"_index": self.index, "retry_on_conflict": 3, "_id": finding_entry_id(
                record.supervisor_id, record.channel, finding["post_doc_id"])}})
            operations.append({"doc": entry, "doc_as_upsert": True})
        for start in range(0, len(operations), 2000):
            response = self.client.bulk(operations=operations[start:start + 2000], refresh=self.refresh)
            if response.get("errors"):
                bad = [i for i in response["items"] if next(iter(i.values())).get("status", 500) >= 300]
                raise RuntimeError(f"ledger write failed for {len(bad)} findings: "
                                   f"{next(iter(bad[0].values())).get('error')}")
