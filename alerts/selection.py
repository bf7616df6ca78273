"""Which findings a supervisor's digest holds, selected in Elasticsearch.

A finding is a flagged post of a registered ASN account whose region lies in the supervisor's regions
(`asn.region_path` holds the region and its ancestors, so a province code selects its kabupaten/kota), flagged
inside the digest window (`flagged_at`: when the stored post became flagged, usually when it was first seen; a post
that becomes flagged on a re-crawl is a finding then), and not yet sent to that supervisor (the ledger's post ids
are excluded). One search returns the first `limit` findings in order (severity, account, time) and, as aggregations, the window's totals per
severity, candidate pair and category, and the counts of the last 24 hours and of the 24 hours before.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

logger = logging.getLogger(__name__)

SOURCE_EXCLUDES = ["text_normalised", "edits", "parent.text", "media", "engagement", "hashtags", "mentions", "links"]
SEVERITY_ORDER = ("tinggi", "sedang", "rendah")
FOUND_AT = "flagged_at"  # the time a finding counts from (windows, the 24-hour comparison, the order)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def as_range(self) -> dict[str, str]:
        return {"gte": self.start.isoformat(), "lt": self.end.isoformat()}


@dataclass
class Found:
    """One finding as stored: its document id, concrete index and `_source`."""

    doc_id: str
    index: str
    source: dict[str, Any]

    @property
    def severity(self) -> str:
        return str(self.source.get("severity") or "rendah")

    @property
    def region_code(self) -> str:
        return str((self.source.get("asn") or {}).get("region_code") or "")

    @property
    def first_seen(self) -> str:
        return str(self.source.get("first_seen") or "")

    @property
    def flagged_at(self) -> str:
        return str(self.source.get("flagged_at") or "")


@dataclass
class Selection:
    window: Window
    region_codes: tuple[str, ...]
    findings: list[Found] = field(default_factory=list)  # the first `limit`, in digest order
    rest: list[Found] = field(default_factory=list)  # the others (summarised, not listed)
    total: int = 0  # in the window, not yet sent
    by_severity: dict[str, int] = field(default_factory=dict)
    by_candidate: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    accounts: int = 0
    last_24h: int = 0  # every finding of the regions flagged in the 24 h before the window's end
    previous_24h: int = 0  # ... and in the 24 h before that

    @property
    def unlisted(self) -> int:
        return max(0, self.total - len(self.findings))


def regional_filter(region_codes: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    return [{"term": {"flagged": True}}, {"terms": {"asn.region_path": list(region_codes)}}]


def build_query(region_codes: tuple[str, ...], window: Window, exclude_ids: list[str], limit: int,
                severities: tuple[str, ...] = ()) -> dict[str, Any]:
    """The search body (one request per digest)."""
    extra = [{"terms": {"severity": list(severities)}}] if severities else []
    compare_from = min(window.start, window.end - timedelta(hours=48))
    in_window: dict[str, Any] = {"bool": {"filter": [{"range": {FOUND_AT: window.as_range()}}]}}
    if exclude_ids:
        in_window["bool"]["must_not"] = [{"ids": {"values": exclude_ids}}]
    day = timedelta(hours=24)
    return {
        "query": {"bool": {"filter": regional_filter(region_codes) + extra + [
            {"range": {FOUND_AT: {"gte": compare_from.isoformat(), "lt": window.end.isoformat()}}}]}},
        "post_filter": in_window,
        "size": limit,
        "track_total_hits": False,
        "sort": [{"severity": "desc"}, {"asn.account_id": "asc"}, {FOUND_AT: "asc"}, {"post_id": "asc"}],
        "source": {"excludes": SOURCE_EXCLUDES},
        "aggs": {
            "window": {"filter": in_window, "aggs": {
                "severity": {"terms": {"field": "severity", "size": 10}},
                "candidates": {"terms": {"field": "candidates", "size": 100}},
                "category": {"terms": {"field": "category", "size": 50, "missing": ""}},
                "accounts": {"cardinality": {"field": "asn.account_id"}},
            }},
            "compare": {"filters": {"filters": {
                "last": {"range": {FOUND_AT: {"gte": (window.end - day).isoformat(),
                                              "lt": window.end.isoformat()}}},
                "previous": {"range": {FOUND_AT: {"gte": (window.end - 2 * day).isoformat(),
                                                  "lt": (window.end - day).isoformat()}}},
            }}},
        },
    }


def select(client: Elasticsearch, prefix: str, region_codes: tuple[str, ...], window: Window,
           exclude_ids: list[str] | None = None, limit: int = 200, severities: tuple[str, ...] = (),
           with_rest: bool = True) -> Selection:
    """The supervisor's findings in the window (see the module docstring).

    With `with_rest`, the findings beyond `limit` are fetched too (ids and ledger fields only) into `rest`.
    """
    selection = Selection(window=window, region_codes=region_codes)
    if not region_codes:
        return selection
    body = build_query(region_codes, window, sorted(exclude_ids or []), limit, severities)
    response = client.search(index=f"{prefix}posts", ignore_unavailable=True, allow_no_indices=True, **body)
    parse_response(selection, response)
    if with_rest and selection.total > len(selection.findings) and response["hits"]["hits"]:
        _fetch_rest(client, prefix, body, response["hits"]["hits"][-1]["sort"], selection)
    return selection


def _fetch_rest(client: Elasticsearch, prefix: str, body: dict[str, Any], after: list[Any],
                selection: Selection) -> None:
    page = {k: v for k, v in body.items() if k != "aggs"}
    page.update(size=5000, source=False, docvalue_fields=[
        {"field": "first_seen", "format": "strict_date_optional_time"},
        {"field": FOUND_AT, "format": "strict_date_optional_time"}, "severity", "asn.region_code"])
    while after:
        response = client.search(index=f"{prefix}posts", ignore_unavailable=True, allow_no_indices=True,
                                 search_after=after, **page)
        hits = response["hits"]["hits"]
        for hit in hits:
            values = {k: v[0] for k, v in (hit.get("fields") or {}).items() if v}
            source = {"first_seen": values.get("first_seen", ""), FOUND_AT: values.get(FOUND_AT, ""),
                      "severity": values.get("severity", ""),
                      "asn": {"region_code": values.get("asn.region_code", "")}}
            selection.rest.append(Found(doc_id=hit["_id"], index=hit["_index"], source=source))
        after = hits[-1]["sort"] if len(hits) == 5000 else []


def parse_response(selection: Selection, response: Any) -> Selection:
    for hit in response["hits"]["hits"]:
        selection.findings.append(Found(doc_id=hit["_id"], index=hit["_index"], source=hit["_source"]))
    aggs = response.get("aggregations") or {}
    if not aggs:
        return selection
    window = aggs["window"]
    selection.total = int(window["doc_count"])
    selection.by_severity = _ordered({b["key"]: b["doc_count"] for b in window["severity"]["buckets"]})
    selection.by_candidate = {b["key"]: b["doc_count"] for b in window["candidates"]["buckets"]}
    selection.by_category = {b["key"]: b["doc_count"] for b in window["category"]["buckets"]}
    selection.accounts = int(window["accounts"]["value"])
    buckets = aggs["compare"]["buckets"]
    selection.last_24h = int(buckets["last"]["doc_count"])
    selection.previous_24h = int(buckets["previous"]["doc_count"])
    return selection


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    known = {k: counts[k] for k in SEVERITY_ORDER if k in counts}
    return {**known, **{k: v for k, v in counts.items() if k not in known}}
