"""The defaults shipped with the project: the 2024 contests, candidate pairs and parties (crawler/data/
contests-2024.json) and the watch terms (crawler/data/terms.json, when present).

`load_defaults(client, prefix)` (called by `pantau es setup` and `pantau candidates load`) writes them with their
own ids, idempotently: a second run changes nothing, and official pages registered by operators on a candidate are
kept. `contests_document()` turns stored records back into the contests-2024.json shape (`RegistryStore.lexicon`).
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from crawler.registry.models import STAMP_FIELDS, same_content

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CONTESTS_FILE = DATA_DIR / "contests-2024.json"
TERMS_FILE = DATA_DIR / "terms.json"
SYSTEM_USER = "pantau-defaults"

CONTEST_FIELDS = ("id", "name", "level", "region_code", "election_date", "campaign_period")
CANDIDATE_FIELDS = ("id", "number", "names", "aliases", "ambiguous_aliases", "hashtags", "slogans", "parties",
                    "parties_supporting")
PARTY_FIELDS = ("id", "number", "name", "aliases")
TERM_FIELDS = ("id", "text", "kind", "category", "weight", "scope", "region_codes", "active_from", "active_until",
               "case_sensitive", "context", "candidate_id", "party_id", "notes")


@lru_cache(maxsize=1)
def shipped_contests() -> dict[str, Any]:
    return json.loads(CONTESTS_FILE.read_text(encoding="utf-8"))


def shipped_terms() -> list[dict[str, Any]]:
    if not TERMS_FILE.exists():
        return []
    data = json.loads(TERMS_FILE.read_text(encoding="utf-8"))
    return data if isinstance(data, list) else list(data.get("terms", []))


def shipped_ids() -> tuple[set[str], set[str]]:
    data = shipped_contests()
    candidates = {c["id"] for contest in data["contests"] for c in contest["candidates"]}
    return candidates, {p["id"] for p in data["parties"]}


def records_from_contests(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Contest, candidate and party documents (without stamps) from a contests-2024.json-shaped document."""
    ambiguous = {a.lower() for a in data.get("ambiguous_party_aliases", [])}
    out: dict[str, list[dict[str, Any]]] = {"contests": [], "candidates": [], "parties": []}
    for contest in data.get("contests", []):
        doc = {k: contest.get(k) for k in CONTEST_FIELDS}
        doc["campaign_period"] = list(contest.get("campaign_period") or [])
        doc["active"] = bool(contest.get("active", True))
        out["contests"].append(doc)
        for candidate in contest.get("candidates", []):
            cdoc: dict[str, Any] = {k: candidate.get(k) for k in CANDIDATE_FIELDS}
            for key in CANDIDATE_FIELDS[2:]:
                cdoc[key] = list(cdoc.get(key) or [])
            cdoc["contest_id"] = contest["id"]
            cdoc["pages"] = [{k: p.get(k, "") for k in ("platform", "handle", "url")}
                             for p in candidate.get("pages", [])]
            cdoc["active"] = bool(candidate.get("active", True))
            out["candidates"].append(cdoc)
    for party in data.get("parties", []):
        pdoc: dict[str, Any] = {k: party.get(k) for k in PARTY_FIELDS}
        pdoc["aliases"] = list(pdoc.get("aliases") or [])
        pdoc["ambiguous"] = bool(party.get("ambiguous", any(a.lower() in ambiguous for a in pdoc["aliases"])))
        pdoc["active"] = bool(party.get("active", True))
        out["parties"].append(pdoc)
    return out


def term_record(term: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {k: term.get(k) for k in TERM_FIELDS}
    doc["region_codes"] = list(doc.get("region_codes") or [])
    doc["weight"] = float(doc.get("weight") if doc.get("weight") is not None else 1.0)
    doc["case_sensitive"] = bool(doc.get("case_sensitive"))
    for key in ("candidate_id", "party_id", "notes"):
        doc[key] = doc.get(key) or ""
    doc["scope"] = doc.get("scope") or "national"
    doc["context"] = doc.get("context") or "none"
    doc["active"] = bool(term.get("active", True))
    return doc


def contests_document(contests: list[dict[str, Any]], candidates: list[dict[str, Any]],
                      parties: list[dict[str, Any]]) -> dict[str, Any]:
    """Stored records back in the contests-2024.json shape (with `pages` on each candidate)."""
    by_contest: dict[str, list[dict[str, Any]]] = {}
    for cand in sorted(candidates, key=lambda c: (c.get("number") or 0, c["id"])):
        item = {k: cand.get(k) for k in CANDIDATE_FIELDS}
        item["pages"] = list(cand.get("pages") or [])
        by_contest.setdefault(cand.get("contest_id", ""), []).append(item)
    out_contests = []
    for contest in sorted(contests, key=lambda c: c["id"]):
        item = {k: contest.get(k) for k in CONTEST_FIELDS}
        item["candidates"] = by_contest.get(contest["id"], [])
        out_contests.append(item)
    out_parties = [{k: p.get(k) for k in PARTY_FIELDS} for p in sorted(parties, key=lambda p: (p.get("number") or 0))]
    ambiguous = sorted({a for p in parties if p.get("ambiguous") for a in p.get("aliases", [])})
    return {"contests": out_contests, "parties": out_parties, "ambiguous_party_aliases": ambiguous}


def upsert(client: Elasticsearch, prefix: str, kind: str, docs: list[dict[str, Any]], by: str,
           keep_pages: bool = False) -> dict[str, int]:
    """Write docs by id: new ones created, changed ones updated (stamps kept), identical ones left alone."""
    from crawler.registry.store import RegistryStore, utc_now

    store = RegistryStore(client, prefix)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not docs:
        return counts
    stored = store._mget(kind, [d["id"] for d in docs])
    now = utc_now()
    actions = []
    for doc in docs:
        old = stored.get(doc["id"])
        doc = dict(doc)
        if old is not None and keep_pages:
            pages = list(old.get("pages") or [])
            for page in doc.get("pages") or []:
                if page not in pages:
                    pages.append(page)
            doc["pages"] = pages
        if old is None:
            doc.update(added_by=by, added_at=now, updated_by=by, updated_at=now)
            counts["created"] += 1
        elif same_content({k: old.get(k) for k in doc if k not in STAMP_FIELDS}, doc):
            counts["unchanged"] += 1
            continue
        else:
            doc.update(added_by=old.get("added_by") or by, added_at=old.get("added_at") or now, updated_by=by,
                       updated_at=now)
            counts["updated"] += 1
        actions.append({"_op_type": "index", "_index": store.index(kind), "_id": doc["id"], "_source": doc})
    if actions:
        store.bulk(actions)
    return counts


def load_contests(client: Elasticsearch, prefix: str, data: dict[str, Any], by: str = SYSTEM_USER
                  ) -> dict[str, dict[str, int]]:
    records = records_from_contests(data)
    return {kind: upsert(client, prefix, kind, docs, by, keep_pages=(kind == "candidates"))
            for kind, docs in records.items()}


def load_defaults(client: Elasticsearch, prefix: str, by: str = SYSTEM_USER) -> dict[str, dict[str, int]]:
    """Load the shipped contests, candidate pairs, parties and terms; idempotent. Returns counts per kind."""
    result = load_contests(client, prefix, shipped_contests(), by)
    result["terms"] = upsert(client, prefix, "terms", [term_record(t) for t in shipped_terms()], by)
    logger.info("registry defaults loaded: %s", result)
    return result
