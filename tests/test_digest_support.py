"""Shared by the digest and scheduler tests: a real SMTP server on loopback, posts, supervisors.

(No tests here; the fixtures are imported by test_digest_*.py and test_scheduler_*.py.)
"""
from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session, SMTP as SMTPServer

from crawler.es.indexer import PostIndexer
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import AsnRef, Author, Evidence, Match, Post
from crawler.registry.store import RegistryStore


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """Keeps every accepted message; answers 550 for the addresses in `reject`."""

    reject: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.lower() in self.reject:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m.message for m in self.messages if address in m.rcpt_tos]


class LoopbackController(Controller):
    """aiosmtpd on 127.0.0.1 port 0: the real port is read back once the server listens."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    handler: RecordingHandler
    controller: LoopbackController | None = None
    port: int = 0

    def start(self, port: int = 0) -> None:
        self.controller = LoopbackController(self.handler, hostname="127.0.0.1", port=port)
        self.controller.start()
        self.port = self.controller.port

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(RecordingHandler())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_env(smtp_server: SmtpServer, pantau_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_server.port), "SMTP_SECURITY": "none",
           "SMTP_USERNAME": "", "SMTP_PASSWORD": "", "MAIL_FROM": "Pantau Netralitas <pantau@bawaslu.example.org>",
           "DIGEST_SMTP_BACKOFF": "0.05", "DIGEST_SMTP_ATTEMPTS": "2", "KIBANA_URL": "http://kibana.example.org:5601"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**pantau_env, **env}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def make_post(n: int, *, region: str, first_seen: datetime, severity: str = "sedang", text: str | None = None,
              name: str | None = None, account: str | None = None, platform: str = "telegram",
              category: str = "dukungan_medsos", candidate: str = "pilpres-2024-02", flagged: bool = True,
              posted_at: datetime | None = None) -> dict[str, Any]:
    """A flagged post of an ASN account in `region`, with the word 'Prabowo' matched."""
    text = text if text is not None else f"Postingan nomor {n}: ayo dukung Prabowo Gibran di Pemilu!"
    start = text.find("Prabowo")
    matches = [Match(id=candidate, kind="candidate", text="Prabowo", span=[start, start + 7],
                     candidate_id=candidate)] if start >= 0 else []
    parts = region.split(".")
    posted = posted_at or (first_seen - timedelta(hours=1))
    post = Post(platform=platform, post_id=f"p{n}", url=f"https://t.me/kanal{n}/{n}", kind="post",
                author=Author(platform=platform, handle=f"pegawai{n}", display_name=name or f"Pegawai {n}",
                              url=f"https://t.me/pegawai{n}"),
                text=text, posted_at=iso(posted), fetched_at=iso(first_seen), first_seen=iso(first_seen),
                raw=Evidence(sha256=f"{n:064x}", path=f"evidence/{n:064x}.html",
                             screenshot_path=f"evidence/{n:064x}.png"),
                matches=matches, candidates=[candidate] if matches else [], category=category, severity=severity,
                flagged=flagged, explanation=f"Menyebut pasangan calon ({n}).",
                asn=AsnRef(account_id=account or f"acc-{region}-{n}", name=name or f"Pegawai {n}",
                           agency="Dinas Pendidikan", position="Guru", region_code=region,
                           region_path=[".".join(parts[: i + 1]) for i in range(len(parts))]))
    return post.to_dict()


def index_posts(es_client: Any, prefix: str, posts: list[dict[str, Any]], tmp: Path) -> None:
    indexer = PostIndexer(es_client, prefix, Spool(tmp / "spool"), DeadLetters(tmp / "dead"), refresh="wait_for")
    result = indexer.index_posts(posts)
    assert result.indexed == len(posts), result


def setup_indices(es_client: Any, prefix: str) -> None:
    apply_templates(es_client, prefix)


def add_supervisor(es_client: Any, prefix: str, **values: Any) -> dict[str, Any]:
    return RegistryStore(es_client, prefix).add("supervisors", values, by="test")
