"""The Post item: one schema for every platform.

Field names here are the contract shared with `index_mappings/posts.json`, the JSONL output of `pantau crawl` and
the Kibana data view; `tests/test_schema_sync.py` keeps them in step. Every field has a default so spiders and
loaders can fill them gradually.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

PLATFORMS: tuple[str, ...] = (
    "telegram", "bluesky", "mastodon", "youtube", "web", "x", "instagram", "tiktok", "facebook", "threads",
)
KINDS: tuple[str, ...] = ("post", "comment", "reply", "share")
SEVERITIES: tuple[str, ...] = ("tinggi", "sedang", "rendah")
CATEGORIES: tuple[str, ...] = (
    "dukungan_medsos", "kampanye", "atribut", "menjelekkan", "keanggotaan_parpol", "fasilitas_negara", "hoaks",
)


@dataclass
class Author:
    platform: str = ""
    handle: str = ""
    display_name: str = ""
    url: str = ""
    # who the author is in the registry (set by EnrichPipeline): asn | candidate | other; "" = not looked up.
    # Only posts of ASN accounts (or of unlooked-up authors, e.g. `pantau crawl --no-index`) can be findings.
    role: str = ""


@dataclass
class Parent:
    """What a comment, reply or share hangs under."""

    post_id: str = ""
    url: str = ""
    author_handle: str = ""
    candidate_id: str = ""  # set when the parent is a registered candidate page
    text: str = ""


@dataclass
class Media:
    url: str = ""
    type: str = ""  # photo | video | link | document ...
    alt: str = ""


@dataclass
class Engagement:
    """Counts as the platform shows them publicly; None when not shown."""

    likes: int | None = None
    replies: int | None = None
    shares: int | None = None
    views: int | None = None
    quotes: int | None = None


@dataclass
class Evidence:
    """Where the raw page and the screenshot are kept (content-addressed by SHA-256)."""

    sha256: str = ""
    path: str = ""
    content_type: str = ""
    size: int | None = None
    screenshot_sha256: str = ""
    screenshot_path: str = ""


@dataclass
class Match:
    id: str = ""  # candidate, party or term id
    kind: str = ""  # candidate | party | term | number | gesture | parent ...
    text: str = ""  # the text as found in the post
    span: list[int] = field(default_factory=list)  # [start, end) in the original text
    candidate_id: str = ""
    party_id: str = ""
    category: str = ""


@dataclass
class AsnRef:
    """The registered ASN account that wrote the post."""

    account_id: str = ""
    name: str = ""
    agency: str = ""
    position: str = ""
    region_code: str = ""
    region_path: list[str] = field(default_factory=list)  # the region and its ancestors: ["32", "32.04"]
    region_name: str = ""


@dataclass
class Edit:
    text: str = ""
    seen_at: str = ""


@dataclass
class Post:
    platform: str = ""
    post_id: str = ""
    url: str = ""
    kind: str = "post"
    author: Author = field(default_factory=Author)
    text: str = ""
    title: str = ""
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    posted_at: str = ""  # ISO 8601 with offset
    fetched_at: str = ""
    parent: Parent | None = None
    engagement: Engagement = field(default_factory=Engagement)
    raw: Evidence = field(default_factory=Evidence)
    target: str = ""  # the crawl target that produced it
    lang: str = ""
    # derived by the pipelines
    text_normalised: str = ""
    matches: list[Match] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    category: str | None = None
    severity: str = "rendah"
    flagged: bool = False
    explanation: str = ""
    asn: AsnRef | None = None
    # lifecycle, kept by the indexer and the re-check job
    first_seen: str = ""
    flagged_at: str | None = None  # when the stored post became flagged (a post can become flagged on a re-crawl)
    last_seen: str = ""
    deleted_at: str | None = None
    edits: list[Edit] = field(default_factory=list)

    def doc_id(self) -> str:
        return post_doc_id(self.platform, self.post_id)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def post_doc_id(platform: str, post_id: str) -> str:
    """Deterministic Elasticsearch `_id`: the same post always lands on the same document."""
    digest = hashlib.sha256(f"{platform}\x1f{post_id}".encode()).hexdigest()[:40]
    return f"{platform}-{digest}"


def share_post_id(original_id: str, sharer_handle: str) -> str:
    """Id of a share/repost that has none of its own: built from the original's id and the sharer."""
    return f"share:{sharer_handle.lower()}:{original_id}"


_NESTED: dict[str, type] = {
    "author": Author, "parent": Parent, "engagement": Engagement, "raw": Evidence, "asn": AsnRef,
}
_LISTS: dict[str, type] = {"media": Media, "matches": Match, "edits": Edit}


def post_from_dict(data: dict[str, Any]) -> Post:
    """Build a Post from its dict form (JSONL, an Elasticsearch `_source`), ignoring unknown keys."""
    names = {f.name for f in dataclasses.fields(Post)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key in _NESTED and isinstance(value, dict):
            cls = _NESTED[key]
            own = {f.name for f in dataclasses.fields(cls)}
            value = cls(**{k: v for k, v in value.items() if k in own})
        elif key in _LISTS and isinstance(value, list):
            cls = _LISTS[key]
            own = {f.name for f in dataclasses.fields(cls)}
            value = [cls(**{k: v for k, v in v_.items() if k in own}) for v_ in value if isinstance(v_, dict)]
        kwargs[key] = value
    return Post(**kwargs)
