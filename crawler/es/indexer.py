"""Loss-free, idempotent bulk indexing of posts.

Each post has a deterministic `_id` (platform + post id) and a monthly index (by `posted_at`). A batch is written
in three steps:
1. `mget` the stored versions (only lifecycle fields): a re-crawl keeps `first_seen` (and `flagged_at` while the
   post stays flagged: a post that becomes flagged on a re-crawl is a finding from then on), records an edited
   text in `edits`, and refreshes counts and `last_seen`. A finding stays a finding: when a flagged post's new
   version is not flagged, the stored decision, the text it was made on and its evidence stay, and the new text
   goes to `edits`. So `edits` holds the versions of the text other than `text`, each with when it was seen;
2. `bulk`: `create` for new documents, `index` guarded by `if_seq_no`/`if_primary_term` for known ones, so two
   writers never overwrite each other and a retried batch never doubles a document;
3. per item: success; version conflict → redo from step 1; 429/5xx → retry with backoff; any other rejection
   (mapping, validation) → dead-letter file with the reason.
When Elasticsearch stays unreachable, the remaining documents go to the durable spool, indexed first next time.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

import index_mappings
from crawler.es.client import posts_index_for
from crawler.es.spool import DeadLetters, Spool
from crawler.items import post_doc_id

logger = logging.getLogger(__name__)

# what a flagged post keeps when a later version of it is not flagged: the decision and what it was made on
DECISION_FIELDS = ["text", "text_normalised", "matches", "candidates", "parties", "category", "severity", "flagged",
                   "explanation", "flagged_at", "raw"]
LIFECYCLE_FIELDS = [*DECISION_FIELDS, "first_seen", "last_seen", "edits", "deleted_at"]
# Top-level date fields of the posts mapping: an empty string there means "unknown" and is sent as null.
DATE_FIELDS = tuple(name for name, spec in index_mappings.properties("posts").items() if spec.get("type") == "date")
TRANSIENT_STATUSES = {408, 429, 500, 502, 503, 504}


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def cut_utf8(text: str, max_bytes: int) -> str:
    """Cut text to at most `max_bytes` of UTF-8 without splitting a character."""
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    return raw[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


@dataclass
class BatchResult:
    indexed: int = 0
    created: int = 0
    updated: int = 0
    dead_lettered: int = 0
    spooled: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: BatchResult) -> None:
        for name in ("indexed", "created", "updated", "dead_lettered", "spooled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors


@dataclass
class _Pending:
    index: str
    id: str
    doc: dict[str, Any]


class PostIndexer:
    """Writes post dicts (the Post dataclass as a dict) to Elasticsearch; see the module docstring."""

    def __init__(self, client: Elasticsearch, prefix: str, spool: Spool, dead_letters: DeadLetters, *,
                 max_retries: int = 5, backoff: float = 0.5, max_text_bytes: int = 30_000,
                 refresh: bool | str = False, clock: Callable[[], str] = utc_now,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.prefix = prefix
        self.spool = spool
        self.dead_letters = dead_letters
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_text_bytes = max_text_bytes
        self.refresh = refresh
        self.clock = clock
        self.sleep = sleep

    # -- public ---------------------------------------------------------------------------------------------
    def prepare(self, post: dict[str, Any]) -> dict[str, Any]:
        """The spool/bulk record of a post: index, id and the document with texts cut to a safe size."""
        doc = dict(post)
        for key in DATE_FIELDS:
            if doc.get(key) == "":
                doc[key] = None
        for key in ("text", "text_normalised"):
            if isinstance(doc.get(key), str):
                doc[key] = cut_utf8(doc[key], self.max_text_bytes)
        parent = doc.get("parent")
        if isinstance(parent, dict) and isinstance(parent.get("text"), str):
            doc["parent"] = {**parent, "text": cut_utf8(parent["text"], self.max_text_bytes)}
        return {"index": posts_index_for(self.prefix, doc.get("posted_at", "")),
                "id": post_doc_id(doc["platform"], doc["post_id"]), "doc": doc}

    def index_posts(self, posts: list[dict[str, Any]]) -> BatchResult:
        return self.index_records([self.prepare(p) for p in posts])

    def index_records(self, records: list[dict[str, Any]]) -> BatchResult:
        """Index prepared records; what cannot be indexed now is spooled (never lost)."""
        result, pending = self._index_with_retries(records)
        if pending:
            self.spool.put([{"index": p.index, "id": p.id, "doc": p.doc} for p in pending])
            result.spooled += len(pending)
        return result

    def _index_with_retries(self, records: list[dict[str, Any]]) -> tuple[BatchResult, list[_Pending]]:
        """Index with retries and backoff; (the result, what is still pending when the retries are spent)."""
        result = BatchResult()
        pending = [_Pending(r["index"], r["id"], r["doc"]) for r in _dedupe(records)]
        attempt = 0
        while pending:
            try:
                pending = self._attempt(pending, result)
            except (TransportError, ConnectionError, OSError) as exc:
                reason = f"{type(exc).__name__}: {exc}"[:300]
                result.errors.append(reason)
                logger.warning("Elasticsearch unavailable (%s), attempt %d/%d", reason, attempt + 1,
                               self.max_retries + 1)
            except ApiError as exc:
                if exc.meta.status not in TRANSIENT_STATUSES:
                    raise
                result.errors.append(f"HTTP {exc.meta.status}")
            if not pending:
                break
            attempt += 1
            if attempt > self.max_retries:
                break
            self.sleep(self.backoff * (2 ** (attempt - 1)))
        return result, pending

    def replay_spool(self) -> BatchResult:
        """Index what the spool holds, oldest first; stops (keeping the rest) while Elasticsearch is down.
        `spooled` in the result: the documents still in the spool.

        A segment is deleted only once every document in it was indexed or dead-lettered: a replay that is stopped
        or killed half-way leaves the segment whole, and the next replay indexes it again (writes are idempotent).
        """
        total = BatchResult()
        for segment, records in self.spool.iter_segments():
            result, pending = self._index_with_retries(records)
            total.add(result)
            if pending:  # Elasticsearch went away again: the segment stays, in its place in the order
                logger.warning("spool replay stopped: %d of %d documents of %s wait for Elasticsearch",
                               len(pending), len(records), segment.name)
                total.spooled = self.spool.pending()
                break
            self.spool.done(segment)
        return total

    # -- one round ------------------------------------------------------------------------------------------
    def _attempt(self, pending: list[_Pending], result: BatchResult) -> list[_Pending]:
        stored = self._stored_versions(pending)
        now = self.clock()
        operations: list[dict[str, Any]] = []
        for item in pending:
            old = stored.get((item.index, item.id))
            doc = self._merge(item.doc, old, now)
            if old is None:
                operations.append({"create": {"_index": item.index, "_id": item.id}})
            else:
                operations.append({"index": {"_index": item.index, "_id": item.id,
                                             "if_seq_no": old["_seq_no"], "if_primary_term": old["_primary_term"]}})
            operations.append(doc)
        response = self.client.bulk(operations=operations, refresh=self.refresh)
        retry: list[_Pending] = []
        rejected: list[dict[str, Any]] = []
        for item, entry in zip(pending, response["items"]):
            op, outcome = next(iter(entry.items()))
            status = int(outcome.get("status", 500))
            if status < 300:
                result.indexed += 1
                if op == "create":
                    result.created += 1
                else:
                    result.updated += 1
            elif status == 409 or status in TRANSIENT_STATUSES:
                retry.append(item)
            else:
                error = outcome.get("error") or {}
                reason = f"{error.get('type', status)}: {error.get('reason', '')}"[:1000]
                rejected.append({"index": item.index, "id": item.id, "reason": reason, "item": item.doc})
        self.dead_letters.put(rejected)
        result.dead_lettered += len(rejected)
        return retry

    def _stored_versions(self, pending: list[_Pending]) -> dict[tuple[str, str], dict[str, Any]]:
        docs = [{"_index": p.index, "_id": p.id} for p in pending]
        response = self.client.mget(docs=docs, source_includes=LIFECYCLE_FIELDS)
        stored: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in response["docs"]:
            if entry.get("found"):
                stored[(entry["_index"], entry["_id"])] = entry
            elif "error" in entry and entry["error"].get("type") != "index_not_found_exception":
                raise TransportError(f"mget failed: {entry['error'].get('reason')}")  # type: ignore[arg-type]
        return stored

    @staticmethod
    def _merge(new: dict[str, Any], old: dict[str, Any] | None, now: str) -> dict[str, Any]:
        doc = dict(new)
        doc["last_seen"] = now
        if old is None:
            doc["first_seen"] = doc.get("first_seen") or now
            doc["flagged_at"] = (doc.get("flagged_at") or doc["first_seen"]) if doc.get("flagged") else None
            return doc
        source = old.get("_source", {})
        doc["first_seen"] = source.get("first_seen") or now
        edits = list(source.get("edits") or [])
        old_text = source.get("text")
        if source.get("flagged") and not doc.get("flagged"):
            # a finding stays a finding: a later version that is not flagged (the partisan words edited away, a
            # lexicon that changed since) is recorded in `edits`; the decision, its text and evidence stay
            for name in DECISION_FIELDS:
                if name in source:
                    doc[name] = source[name]
            new_text = new.get("text")
            if new_text is not None and new_text != old_text and (not edits or edits[-1].get("text") != new_text):
                edits.append({"text": new_text, "seen_at": now})
        elif old_text is not None and old_text != doc.get("text"):
            edits.append({"text": old_text, "seen_at": source.get("last_seen") or now})
        doc["edits"] = edits
        # one flagged before keeps the time it became flagged; one that becomes flagged now is a finding now
        if not doc.get("flagged"):
            doc["flagged_at"] = None
        elif source.get("flagged"):
            doc["flagged_at"] = source.get("flagged_at") or doc["first_seen"]
        else:
            doc["flagged_at"] = now
        if doc.get("deleted_at") is None and source.get("deleted_at"):
            doc["deleted_at"] = source["deleted_at"]
        old_raw = source.get("raw") or {}
        if old_raw.get("screenshot_sha256") and not (doc.get("raw") or {}).get("screenshot_sha256"):
            doc["raw"] = {**(doc.get("raw") or {}), "screenshot_sha256": old_raw["screenshot_sha256"],
                          "screenshot_path": old_raw.get("screenshot_path", "")}
        return doc


def _dedupe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last record of each (index, id) in a batch wins: bulk must not race against itself."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        latest[(record["index"], record["id"])] = record
    return list(latest.values())
