"""Registry records as typed dataclasses; field names match index_mappings/registry_*.json.

Ids are deterministic so a re-import lands on the same documents: an account is `platform:handle`, a supervisor is
its lower-cased email unless an id is given, a term its given id or `kind-slug(text)`.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

KINDS: tuple[str, ...] = ("accounts", "candidates", "terms", "supervisors")
INDEX_KINDS: dict[str, str] = {
    "accounts": "registry-accounts", "supervisors": "registry-supervisors", "contests": "registry-contests",
    "candidates": "registry-candidates", "parties": "registry-parties", "terms": "registry-terms",
}
TERM_KINDS: tuple[str, ...] = ("keyword", "hashtag", "slogan", "phrase")
TERM_CONTEXTS: tuple[str, ...] = ("none", "needs_reference", "needs_election_context")
LANGUAGES: tuple[str, ...] = ("id", "en")


def account_id(platform: str, handle: str) -> str:
    return f"{platform}:{handle}"


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "x"


def mask_nip(nip: str) -> str:
    """`198503122010011002` -> `1985**********1002`-style: enough to tell two apart, not to identify."""
    if not nip:
        return ""
    return nip[:2] + "*" * (len(nip) - 4) + nip[-2:]


@dataclass
class Account:
    id: str = ""
    platform: str = ""
    handle: str = ""
    url: str = ""
    name: str = ""
    nip: str = ""
    agency: str = ""
    position: str = ""
    region_code: str = ""
    region_path: list[str] = field(default_factory=list)
    active: bool = True
    notes: str = ""
    added_by: str = ""
    added_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass
class Supervisor:
    id: str = ""
    name: str = ""
    email: str = ""
    region_codes: list[str] = field(default_factory=list)
    timezone: str = "WIB"  # WIB | WITA | WIT
    iana_timezone: str = "Asia/Jakarta"
    digest_time: str = "07:00"
    language: str = "id"
    active: bool = True
    added_by: str = ""
    added_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass
class Page:
    """An official page of a candidate pair (or its campaign) on one platform."""

    platform: str = ""
    handle: str = ""
    url: str = ""


@dataclass
class Candidate:
    id: str = ""
    contest_id: str = ""
    number: int | None = None
    names: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    ambiguous_aliases: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    slogans: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    parties_supporting: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    active: bool = True
    added_by: str = ""
    added_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass
class Contest:
    id: str = ""
    name: str = ""
    level: str = ""
    region_code: str | None = None
    election_date: str | None = None
    campaign_period: list[str] = field(default_factory=list)
    active: bool = True
    added_by: str = ""
    added_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass
class Party:
    id: str = ""
    number: int | None = None
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    ambiguous: bool = False
    active: bool = True
    added_by: str = ""
    added_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass
class Term:
    id: str = ""
    text: str = ""
    kind: str = "keyword"  # keyword | hashtag | slogan | phrase
    category: str = ""
    weight: float = 1.0
    scope: str = "national"  # national | regional
    region_codes: list[str] = field(default_factory=list)
    active_from: str | None = None
    active_until: str | None = None
    case_sensitive: bool = False
    context: str = "none"  # none | needs_reference | needs_election_context
    candidate_id: str = ""
    party_id: str = ""
    active: bool = True
    notes: str = ""
    added_by: str = ""
    added_at: str = ""
    updated_by: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class CrawlTarget:
    platform: str
    handle: str
    url: str
    role: str  # "asn" | "candidate"
    account_id: str = ""
    candidate_id: str = ""


MODELS: dict[str, type] = {
    "accounts": Account, "supervisors": Supervisor, "candidates": Candidate, "contests": Contest,
    "parties": Party, "terms": Term,
}
STAMP_FIELDS = ("added_by", "added_at", "updated_by", "updated_at")


def to_doc(record: Any) -> dict[str, Any]:
    return dataclasses.asdict(record)


def from_doc(kind: str, doc: dict[str, Any]) -> Any:
    cls = MODELS[kind]
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in doc.items() if k in names}
    if kind == "candidates":
        values["pages"] = [Page(**{k: v for k, v in p.items() if k in ("platform", "handle", "url")})
                           for p in values.get("pages") or []]
    return cls(**values)


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal apart from who/when stamps: re-importing such a row changes nothing."""
    strip = set(STAMP_FIELDS)
    return ({k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip})
