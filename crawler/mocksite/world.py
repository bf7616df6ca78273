"""The fictional world a MockSite serves: accounts per platform and their posts, loadable from JSON.

JSON shape: {"accounts": [{"platform", "handle", "display_name", "id", "status", "instance", "generate": {...}}],
"posts": [{"platform", "handle", "id", "text", "posted_at", "kind", "parent": {"platform", "handle", "id"},
"counts": {"likes", "replies", "shares", "views"}, "media": [{"type", "url", "alt"}], "title", "deleted"}],
"sites": [{"id", "type": "rss"|"html", "path", ...}]}.
Account statuses: ok | not_found | empty | rate_limited_once | server_error | server_error_once | flaky_404_once
| malformed | refuses_anonymous | login_wall | timeout (the reply comes only after `hang_seconds`, default 5: longer
than a short DOWNLOAD_TIMEOUT) | garbage (random bytes, NUL and invalid UTF-8 included, sent as text/html).
Account options (other keys of an account): `delay_ms` slows every reply of the account (a crawl that lasts a
while), `hang_seconds` for the `timeout` status. `generate` adds `count` posts: {"count", "start", "step_minutes",
"text"} (text may use {n} and {name}); ids are numbered per platform (see `generated_id`).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

STATUSES = ("ok", "not_found", "empty", "rate_limited_once", "server_error", "server_error_once",
            "flaky_404_once", "malformed", "refuses_anonymous", "login_wall", "timeout", "garbage")


@dataclass
class WorldPost:
    platform: str
    handle: str
    id: str
    text: str = ""
    posted_at: str = ""
    kind: str = "post"  # post | comment | reply | share
    parent: dict[str, str] | None = None  # {"platform", "handle", "id"}
    counts: dict[str, int] = field(default_factory=dict)
    media: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    links: list[str] = field(default_factory=list)
    deleted: bool = False
    pinned: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorldAccount:
    platform: str
    handle: str
    display_name: str = ""
    id: str = ""
    status: str = "ok"
    instance: str = ""  # Mastodon
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown account status {self.status!r}")
        if not self.id:
            self.id = stable_number(f"{self.platform}:{self.handle}")
        if not self.display_name:
            self.display_name = self.handle


def stable_number(key: str, digits: int = 18) -> str:
    return str(int(hashlib.sha256(key.encode()).hexdigest(), 16))[:digits]


def did_for(handle: str) -> str:
    """A stable fictional did:plc for a Bluesky handle."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digest = hashlib.sha256(handle.lower().encode()).digest()
    return "did:plc:" + "".join(alphabet[b % 32] for b in digest[:24])


def generated_id(platform: str, handle: str, n: int) -> str:
    if platform == "telegram":
        return str(n)
    if platform == "bluesky":
        alphabet = "234567abcdefghijklmnopqrstuvwxyz"
        value, out = 1_700_000_000_000 + n * 7919, ""
        while value:
            value, rem = divmod(value, 32)
            out = alphabet[rem] + out
        return ("3k" + out).ljust(13, "2")[:13]
    if platform == "mastodon":
        return str(111_000_000_000_000_000 + n * 1000)
    if platform == "youtube":
        return hashlib.sha256(f"{handle}:{n}".encode()).hexdigest()[:11]
    return f"{handle}-{n}"


@dataclass
class World:
    accounts: list[WorldAccount] = field(default_factory=list)
    posts: list[WorldPost] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> World:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        world = cls(sites=list(data.get("sites", [])))
        for raw in data.get("accounts", []):
            raw = dict(raw)
            generate = raw.pop("generate", None)
            known = {"platform", "handle", "display_name", "id", "status", "instance"}
            account = WorldAccount(**{k: v for k, v in raw.items() if k in known},
                                   extra={k: v for k, v in raw.items() if k not in known})
            world.accounts.append(account)
            if generate:
                world.posts.extend(_generate(account, generate))
        for raw in data.get("posts", []):
            known = {f for f in WorldPost.__dataclass_fields__}
            world.posts.append(WorldPost(**{k: v for k, v in raw.items() if k in known}))
        return world

    def account(self, platform: str, handle: str) -> WorldAccount | None:
        handle = handle.lower().lstrip("@")
        for account in self.accounts:
            if account.platform == platform and account.handle.lower() == handle:
                return account
        return None

    def account_by_id(self, platform: str, account_id: str) -> WorldAccount | None:
        return next((a for a in self.accounts if a.platform == platform and a.id == account_id), None)

    def posts_of(self, platform: str, handle: str) -> list[WorldPost]:
        """Visible posts of an account, newest first."""
        handle = handle.lower()
        found = [p for p in self.posts
                 if p.platform == platform and p.handle.lower() == handle and not p.deleted]
        return sorted(found, key=lambda p: _sort_key(p.posted_at), reverse=True)

    def post(self, platform: str, handle: str, post_id: str) -> WorldPost | None:
        return next((p for p in self.posts if p.platform == platform and p.handle.lower() == handle.lower()
                     and p.id == post_id), None)

    def replies_to(self, platform: str, handle: str, post_id: str) -> list[WorldPost]:
        found = [p for p in self.posts if p.platform == platform and not p.deleted and p.parent
                 and p.kind in ("reply", "comment") and p.parent.get("handle", "").lower() == handle.lower()
                 and p.parent.get("id") == post_id]
        return sorted(found, key=lambda p: _sort_key(p.posted_at))


def _sort_key(posted_at: str) -> float:
    try:
        return datetime.fromisoformat(posted_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _generate(account: WorldAccount, spec: dict[str, Any]) -> list[WorldPost]:
    start = datetime.fromisoformat(spec.get("start", "2024-01-01T08:00:00+07:00"))
    step = timedelta(minutes=int(spec.get("step_minutes", 60)))
    template = spec.get("text", "Informasi layanan publik nomor {n} dari {name}.")
    first = int(spec.get("first_id", 1))
    posts = []
    for i in range(int(spec.get("count", 0))):
        n = first + i
        posts.append(WorldPost(
            platform=account.platform, handle=account.handle, id=generated_id(account.platform, account.handle, n),
            text=template.format(n=n, name=account.display_name), posted_at=(start + i * step).isoformat(),
            counts={"likes": n % 7, "replies": n % 3, "shares": n % 5, "views": 100 + n},
            title=spec.get("title", "").format(n=n, name=account.display_name) if spec.get("title") else "",
        ))
    return posts
