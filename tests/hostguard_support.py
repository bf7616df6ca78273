"""Helpers for the host-guard tests: a DNS stand-in (fixed answers, synchronous, no look-up ever leaves the process)
and a HostGuardMiddleware wired to it with a minimal crawler."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from scrapy import Request
from scrapy.statscollectors import MemoryStatsCollector
from twisted.internet.defer import Deferred, maybeDeferred

from crawler.config import load_settings
from crawler.crawling.hostguard import HostGuardMiddleware
from crawler.crawling.safedns import HostAnswers


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class FakeDNS:
    """name -> addresses; an unknown name fails like NXDOMAIN. `held=True` keeps look-ups pending until `release()`."""

    def __init__(self, table: dict[str, list[str]], *, held: bool = False) -> None:
        self.table = table
        self.asked: list[str] = []
        self.held = held
        self._pending: list[tuple[Deferred[Any], Callable[[str], Any], str]] = []

    def lookup(self, host: str) -> list[tuple[int, tuple[Any, ...]]]:
        self.asked.append(host)
        addresses = self.table.get(host) or ([host] if _is_ip(host) else None)  # getaddrinfo echoes IP literals
        if addresses is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6, (a, 0, 0, 0)) if ":" in a else (socket.AF_INET, (a, 0))
                for a in addresses]

    def run(self, func: Callable[[str], Any], host: str) -> Deferred[Any]:
        if not self.held:
            return maybeDeferred(func, host)
        deferred: Deferred[Any] = Deferred()
        self._pending.append((deferred, func, host))
        return deferred

    def release(self) -> None:
        pending, self._pending = self._pending, []
        for deferred, func, host in pending:
            maybeDeferred(func, host).chainDeferred(deferred)

    def answers(self, cache_size: int = 100) -> HostAnswers:
        return HostAnswers(self.run, cache_size=cache_size, lookup=self.lookup)


def guard(dns: FakeDNS, base_url: str | None = None) -> HostGuardMiddleware:
    """The middleware answering from `dns`, on a crawler whose spider has `base_url` (the --base-url exemption)."""
    middleware = HostGuardMiddleware(answers=dns.answers())
    crawler = SimpleNamespace(spider=SimpleNamespace(base_url=base_url), settings=load_settings())
    crawler.stats = MemoryStatsCollector(crawler)
    middleware.crawler = crawler  # type: ignore[assignment]
    return middleware


def fetch(middleware: HostGuardMiddleware, url: str) -> None:
    """The middleware's verdict on one request: None passes, IgnoreRequest is raised for a refusal."""
    return asyncio.run(middleware.process_request(Request(url)))
