"""Names that resolve inwards: refused by HostGuardMiddleware (with the reason) and by the crawl's DNS resolver."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest
from twisted.internet.address import IPv4Address, IPv6Address

from crawler.config import load_settings
from crawler.crawling.safedns import HostAnswer, PublicOnlyResolver
from crawler.registry.netguard import address_is_public, addresses_problem
from tests.hostguard_support import FakeDNS, fetch, guard

TABLE = {
    "kanal.contoh-publik.id": ["127.0.0.1"],
    "meta.contoh-publik.id": ["169.254.169.254"],
    "kantor.contoh-publik.id": ["10.1.2.3"],
    "enam.contoh-publik.id": ["::1"],
    "peta.contoh-publik.id": ["::ffff:192.168.1.10"],
    "campur.contoh-publik.id": ["149.154.167.99", "93.184.216.34", "10.0.0.1"],  # one inward answer is enough
    "t.me": ["149.154.167.99"],
    "mastodon.social": ["2a03:2880:f12f:83:face:b00c:0:25de", "157.240.1.35"],
    "cermin.contoh-publik.id": ["127.0.0.1"],
}


@pytest.mark.parametrize("host, address", [
    ("kanal.contoh-publik.id", "127.0.0.1"), ("meta.contoh-publik.id", "169.254.169.254"),
    ("kantor.contoh-publik.id", "10.1.2.3"), ("enam.contoh-publik.id", "::1"),
    ("peta.contoh-publik.id", "::ffff:192.168.1.10"), ("campur.contoh-publik.id", "10.0.0.1"),
])
def test_a_public_name_resolving_inwards_is_refused_with_the_reason(host: str, address: str) -> None:
    middleware = guard(FakeDNS(TABLE))
    with pytest.raises(IgnoreRequest) as refused:
        fetch(middleware, f"https://{host}/api/v1/accounts/lookup?acct=budi")
    assert str(refused.value) == f"host refused: host {host!r} menunjuk ke alamat non-publik {address}"
    assert middleware.crawler.stats.get_value("pantau/hostguard/refused") == 1  # type: ignore[union-attr]


def test_public_answers_pass_and_each_host_is_looked_up_once() -> None:
    dns = FakeDNS(TABLE)
    middleware = guard(dns)
    for page in range(3):
        assert fetch(middleware, f"https://t.me/s/kanal?before={page}") is None
        assert fetch(middleware, f"https://mastodon.social/api/v1/accounts/{page}/statuses") is None
        with pytest.raises(IgnoreRequest):
            fetch(middleware, f"http://kanal.contoh-publik.id/s/kanal?before={page}")
    assert sorted(dns.asked) == ["kanal.contoh-publik.id", "mastodon.social", "t.me"]


def test_a_failed_lookup_is_left_to_the_download_and_asked_again() -> None:
    dns = FakeDNS(TABLE)
    middleware = guard(dns)
    assert fetch(middleware, "https://tidak-ada.contoh-publik.id/feed.xml") is None  # DNSLookupError comes later
    assert fetch(middleware, "https://tidak-ada.contoh-publik.id/feed.xml") is None
    assert dns.asked == ["tidak-ada.contoh-publik.id"] * 2  # failures are not cached


def test_the_base_url_host_is_exempt_by_host_and_port() -> None:
    dns = FakeDNS(TABLE)
    middleware = guard(dns, base_url="http://cermin.contoh-publik.id:8080")
    assert fetch(middleware, "http://cermin.contoh-publik.id:8080/s/kanal") is None
    with pytest.raises(IgnoreRequest, match="non-publik 127.0.0.1"):
        fetch(middleware, "http://cermin.contoh-publik.id:9200/")


def test_the_dns_check_can_be_switched_off() -> None:
    dns = FakeDNS(TABLE)
    middleware = guard(dns)
    middleware.check_dns = False
    assert fetch(middleware, "http://kanal.contoh-publik.id/s/kanal") is None
    assert dns.asked == []


def test_concurrent_askers_share_one_lookup() -> None:
    dns = FakeDNS(TABLE, held=True)
    answers = dns.answers()
    got: list[HostAnswer] = []
    for _ in range(3):
        answers.answer("T.ME.").addCallback(got.append)
    assert got == [] and dns.asked == []
    dns.release()
    assert dns.asked == ["t.me"] and answers.lookups == 1
    assert [a.ips() for a in got] == [["149.154.167.99"]] * 3 and got[0].problem is None


def test_the_cache_is_bounded() -> None:
    dns = FakeDNS(TABLE)
    answers = dns.answers(cache_size=1)
    for host in ("t.me", "mastodon.social", "t.me"):
        answers.answer(host)
    assert dns.asked == ["t.me", "mastodon.social", "t.me"]
    uncached = FakeDNS(TABLE)
    no_cache = uncached.answers(cache_size=0)
    no_cache.answer("t.me")
    no_cache.answer("t.me")
    assert uncached.asked == ["t.me", "t.me"]


class Receiver:
    def __init__(self) -> None:
        self.began = False
        self.addresses: list[Any] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:
        self.began = True

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.complete = True


def resolve(resolver: PublicOnlyResolver, host: str, port: int = 443, types: Any = None) -> Receiver:
    receiver = Receiver()
    resolver.resolveHostName(receiver, host, port, types)
    assert receiver.began and receiver.complete
    return receiver


def test_the_resolver_gives_no_address_for_an_inward_name() -> None:
    resolver = PublicOnlyResolver(reactor=None, answers=FakeDNS(TABLE).answers())
    assert resolve(resolver, "meta.contoh-publik.id", 80).addresses == []
    assert resolve(resolver, "campur.contoh-publik.id").addresses == []
    assert resolve(resolver, "10.0.0.5").addresses == []  # a literal that got past the middleware
    assert resolver.refused == 3
    assert resolve(resolver, "tidak-ada.contoh-publik.id").addresses == []  # NXDOMAIN: no address either
    assert resolve(resolver, "t.me", 443).addresses == [IPv4Address("TCP", "149.154.167.99", 443)]
    assert resolve(resolver, "mastodon.social", 8443).addresses == [
        IPv6Address("TCP", "2a03:2880:f12f:83:face:b00c:0:25de", 8443), IPv4Address("TCP", "157.240.1.35", 8443)]
    assert resolve(resolver, "mastodon.social", 443, [IPv4Address]).addresses == [
        IPv4Address("TCP", "157.240.1.35", 443)]


def test_the_resolver_connects_to_the_address_the_middleware_checked() -> None:
    dns = FakeDNS(TABLE)
    resolver = PublicOnlyResolver(reactor=None, answers=dns.answers())
    middleware = guard(dns)
    middleware._answers = resolver.answers
    assert fetch(middleware, "https://t.me/s/kanal") is None
    dns.table["t.me"] = ["127.0.0.1"]  # a rebinding DNS server changes its answer after the check
    assert resolve(resolver, "t.me").addresses == [IPv4Address("TCP", "149.154.167.99", 443)]
    assert dns.asked == ["t.me"]


def test_exempt_hosts_and_a_disabled_guard_resolve_unfiltered() -> None:
    resolver = PublicOnlyResolver(reactor=None, answers=FakeDNS(TABLE).answers())
    resolver.exempt("Cermin.Contoh-Publik.id")
    assert resolve(resolver, "cermin.contoh-publik.id", 8080).addresses == [IPv4Address("TCP", "127.0.0.1", 8080)]
    assert resolve(resolver, "kanal.contoh-publik.id").addresses == []
    disabled = PublicOnlyResolver(reactor=None, enabled=False, answers=FakeDNS(TABLE).answers())
    assert resolve(disabled, "kanal.contoh-publik.id", 80).addresses == [IPv4Address("TCP", "127.0.0.1", 80)]


def test_the_resolver_is_the_crawl_settings_resolver() -> None:
    settings = load_settings()
    assert settings.get("TWISTED_DNS_RESOLVER") == "crawler.crawling.safedns.PublicOnlyResolver"
    assert settings.getbool("HOSTGUARD_CHECK_DNS") is True
    process = SimpleNamespace(settings=settings)
    resolver = PublicOnlyResolver.from_crawler(process, reactor=None)
    assert resolver.enabled and resolver.answers.cache_size == settings.getint("DNSCACHE_SIZE")


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True), ("127.0.0.2", False),
    ("100.64.0.1", False), ("fd00::1", False), ("fe80::1%eth0", False), ("::ffff:127.0.0.1", False),
    ("2002:7f00:1::1", False), ("64:ff9b::a00:1", False), ("64:ff9b::5db8:d822", True), ("224.0.0.1", False),
])
def test_address_is_public(address: str, public: bool) -> None:
    assert address_is_public(address) is public


def test_addresses_problem() -> None:
    assert addresses_problem("t.me", ["149.154.167.99"]) is None
    assert addresses_problem("x.contoh.id", []) == "host 'x.contoh.id' tidak punya alamat"
    assert "0.0.0.0" in (addresses_problem("nol.contoh.id", ["0.0.0.0"]) or "")


def test_an_environment_proxy_on_an_internal_address_is_exempt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proksi.kantor.contoh-publik.id:3128")
    monkeypatch.setenv("http_proxy", "10.20.0.1:8080")
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.1")
    settings = load_settings()
    resolver = PublicOnlyResolver.from_crawler(SimpleNamespace(settings=settings), reactor=None)
    assert resolver.is_exempt("proksi.kantor.contoh-publik.id") and resolver.is_exempt("10.20.0.1")
    assert not resolver.is_exempt("kanal.contoh-publik.id") and not resolver.is_exempt("localhost,127.0.0.1")
    settings.set("HTTPPROXY_ENABLED", False)
    assert not PublicOnlyResolver.from_crawler(SimpleNamespace(settings=settings), reactor=None).is_exempt("10.20.0.1")
