"""Refusal of non-public addresses: an operator can never make the crawler fetch an internal host.

`host_problem(host)` is a syntactic check without network (IP literals in every spelling, loopback, private and
reserved names, single-label hosts). `addresses_problem(host, addresses)` refuses a name when any address it
resolved to is not globally routable (the crawl's DNS resolver, `crawler.crawling.safedns`, uses it on every name a
crawl connects to, so the connection uses the very answer that was checked).
"""
from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable

logger = logging.getLogger(__name__)

LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
TLD_RE = re.compile(r"^(xn--[a-z0-9-]{2,59}|[a-z]{2,63})$")
RESERVED_SUFFIXES = (
    "localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "private", "test",
    "invalid", "example", "onion", "arpa", "home.arpa", "nip.io", "sslip.io", "xip.io",
)
_NUMERIC_HOST_RE = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$")


def _ip_literal(host: str) -> bool:
    text = host.strip("[]")
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    # inet_aton spellings browsers and libc accept: 2130706433, 0x7f000001, 127.1, 0177.0.0.1
    return bool(_NUMERIC_HOST_RE.match(text))


def host_problem(host: str) -> str | None:
    """Why `host` may not be crawled (Indonesian), or None for a public DNS name. No network."""
    name = (host or "").strip().lower().rstrip(".")
    if not name:
        return "alamat tanpa host"
    if _ip_literal(name):
        return f"alamat IP {name!r} ditolak: hanya nama domain publik yang boleh"
    labels = name.split(".")
    if len(labels) < 2:
        return f"host {name!r} ditolak: bukan nama domain publik"
    if any(not LABEL_RE.match(label) for label in labels) or not TLD_RE.match(labels[-1]):
        return f"host {name!r} bukan nama domain yang valid"
    for suffix in RESERVED_SUFFIXES:
        if name == suffix or name.endswith("." + suffix):
            return f"host {name!r} ditolak: alamat lokal/internal"
    return None


NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, 6to4 2002::/16, NAT64 64:ff9b::/96)."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_is_public(address: str) -> bool:
    """Whether an address (IPv4 or IPv6, with or without %scope) is globally routable unicast."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def addresses_problem(host: str, addresses: Iterable[str]) -> str | None:
    """Why `host` may not be fetched given the addresses it resolved to (Indonesian), or None when all are public."""
    found = False
    for address in addresses:
        found = True
        if not address_is_public(address):
            return f"host {host!r} menunjuk ke alamat non-publik {address}"
    return None if found else f"host {host!r} tidak punya alamat"

