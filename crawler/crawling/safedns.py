"""PublicOnlyResolver: the crawl's DNS gives no address for a name that points at an internal address.

HostGuardMiddleware refuses internal names and IP literals by their spelling, but a public-looking name can still
resolve to 127.0.0.1, 10.x, 169.254.169.254 or ::1. Installed as Scrapy's `TWISTED_DNS_RESOLVER`, this resolver
resolves every name a crawl connects to (getaddrinfo in the reactor's thread pool), once per host (`HostAnswers`,
cached like Scrapy's own DNS cache: `DNSCACHE_ENABLED`, `DNSCACHE_SIZE`), and a name with any non-public address
(`crawler.registry.netguard.addresses_problem`) gets no address at all, so no connection to it can be made.
HostGuardMiddleware reads the same answers before a request is downloaded, so the target's status line says why
(`host refused: ...`) and the address the check saw is the address the connection uses: no second lookup that a
rebinding DNS server could answer differently.

The hosts of an explicit `--base-url` (registered by the middleware, see `exempt`) are resolved but not filtered:
tests, mirrors and the demo on 127.0.0.1 keep working; so are the proxies set in the environment (`https_proxy`
...), which the operator chose. `HOSTGUARD_ENABLED = False` turns the filter off.

Browser pages (scrapy-playwright) are loaded by Chromium, which resolves names itself: this resolver does not see
them; only their navigation request passes HostGuardMiddleware (and its DNS check).
"""
from __future__ import annotations

import logging
import socket
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from twisted.python.failure import Failure
from zope.interface import implementer

from crawler.registry.netguard import addresses_problem

logger = logging.getLogger(__name__)

Sockaddr = tuple[Any, ...]
Lookup = Callable[[str], list[tuple[int, Sockaddr]]]
ThreadRunner = Callable[[Callable[[str], "HostAnswer"], str], "Deferred[HostAnswer]"]

_installed: PublicOnlyResolver | None = None


def installed_resolver() -> PublicOnlyResolver | None:
    """The resolver installed on this process's reactor (None when Scrapy runs another one)."""
    return _installed


def normalise_host(host: str | bytes) -> str:
    text = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    return text.strip().strip("[]").lower().rstrip(".")


def getaddrinfo_lookup(host: str) -> list[tuple[int, Sockaddr]]:
    """Every (family, sockaddr) the system resolver gives for `host` (TCP), duplicates dropped."""
    infos = socket.getaddrinfo(host, 0, 0, socket.SOCK_STREAM)  # looked up at call time (tests patch it)
    seen: list[tuple[int, Sockaddr]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and (family, tuple(sockaddr)) not in seen:
            seen.append((int(family), tuple(sockaddr)))
    return seen


def proxy_hosts() -> set[str]:
    """Hosts of the proxies set in the environment (http_proxy, https_proxy ...), which Scrapy connects to."""
    hosts = set()
    for scheme, url in getproxies().items():
        if scheme == "no":  # no_proxy: a list of hosts, not a proxy
            continue
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
        if host:
            hosts.add(normalise_host(host))
    return hosts


@dataclass(frozen=True)
class HostAnswer:
    host: str
    addresses: tuple[tuple[int, Sockaddr], ...]
    problem: str | None  # why the host may not be fetched (an internal address), None when every address is public

    def ips(self) -> list[str]:
        return [str(sockaddr[0]) for _family, sockaddr in self.addresses]


def _reactor_thread_runner(reactor: Any) -> ThreadRunner:
    def run(func: Callable[[str], HostAnswer], host: str) -> Deferred[HostAnswer]:
        from twisted.internet.threads import deferToThreadPool

        return deferToThreadPool(reactor, reactor.getThreadPool(), func, host)
    return run


def _default_thread_runner(func: Callable[[str], HostAnswer], host: str) -> Deferred[HostAnswer]:
    from twisted.internet import reactor  # only reached inside a running crawl, where Scrapy installed it

    return _reactor_thread_runner(reactor)(func, host)


class HostAnswers:
    """One DNS lookup per host, shared by concurrent askers; answers cached (LRU, `cache_size` 0 = no cache).

    Failed lookups (no such name, DNS down) are not cached: the next request asks again.
    """

    def __init__(self, run_in_thread: ThreadRunner | None = None, *, cache_size: int = 10000,
                 lookup: Lookup = getaddrinfo_lookup) -> None:
        self._run = run_in_thread or _default_thread_runner
        self._lookup = lookup
        self.cache_size = cache_size
        self._cache: OrderedDict[str, HostAnswer] = OrderedDict()
        self._waiting: dict[str, list[Deferred[HostAnswer]]] = {}
        self.lookups = 0

    def cached(self, host: str) -> HostAnswer | None:
        name = normalise_host(host)
        answer = self._cache.get(name)
        if answer is not None:
            self._cache.move_to_end(name)
        return answer

    def answer(self, host: str) -> Deferred[HostAnswer]:
        """The answer for `host` (fails with the lookup's error, e.g. socket.gaierror)."""
        name = normalise_host(host)
        hit = self.cached(name)
        if hit is not None:
            return succeed(hit)
        waiter: Deferred[HostAnswer] = Deferred()
        if name in self._waiting:
            self._waiting[name].append(waiter)
            return waiter
        self._waiting[name] = [waiter]
        self.lookups += 1
        self._run(self._resolve, name).addBoth(self._done, name)
        return waiter

    def _resolve(self, name: str) -> HostAnswer:  # runs in a worker thread
        addresses = tuple(self._lookup(name))
        return HostAnswer(name, addresses, addresses_problem(name, (str(a[0]) for _f, a in addresses)))

    def _done(self, result: HostAnswer | Failure, name: str) -> None:
        if isinstance(result, HostAnswer) and self.cache_size > 0:
            self._cache[name] = result
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        for waiter in self._waiting.pop(name, []):
            if isinstance(result, Failure):
                waiter.errback(result)
            else:
                waiter.callback(result)


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - Twisted never cancels a HostnameEndpoint lookup
        raise NotImplementedError


@implementer(IHostnameResolver)
class PublicOnlyResolver:
    """Scrapy `TWISTED_DNS_RESOLVER`: names resolving to any internal address get no address (see module doc)."""

    def __init__(self, reactor: Any, *, enabled: bool = True, answers: HostAnswers | None = None) -> None:
        self.reactor = reactor
        self.enabled = enabled
        self.answers = answers or HostAnswers(_reactor_thread_runner(reactor))
        self._exempt: set[str] = set()
        self.refused = 0

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicOnlyResolver:
        settings = crawler.settings  # the CrawlerProcess's settings: one resolver per process
        size = settings.getint("DNSCACHE_SIZE", 10000) if settings.getbool("DNSCACHE_ENABLED", True) else 0
        resolver = cls(reactor, enabled=settings.getbool("HOSTGUARD_ENABLED", True),
                       answers=HostAnswers(_reactor_thread_runner(reactor), cache_size=size))
        if settings.getbool("HTTPPROXY_ENABLED", True):
            for host in proxy_hosts():  # an office proxy on 10.x is the operator's own choice
                resolver.exempt(host)
        return resolver

    def install_on_reactor(self) -> None:
        global _installed
        self.reactor.installNameResolver(self)
        _installed = self

    def exempt(self, host: str) -> None:
        """Resolve `host` without the filter (the host of an explicit --base-url)."""
        self._exempt.add(normalise_host(host))

    def is_exempt(self, host: str) -> bool:
        return normalise_host(host) in self._exempt

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str, portNumber: int = 0,
                        addressTypes: Sequence[type[IAddress]] | None = None,
                        transportSemantics: str = "TCP") -> IHostResolution:
        name = normalise_host(hostName)
        resolution = _Resolution(name)
        resolutionReceiver.resolutionBegan(resolution)

        def deliver(answer: HostAnswer) -> None:
            if answer.problem and self.enabled and name not in self._exempt:
                self.refused += 1
                logger.error("DNS: %s: no connection", answer.problem)
                return
            for family, sockaddr in answer.addresses:
                address: IAddress
                if family == socket.AF_INET6:
                    address = IPv6Address("TCP", sockaddr[0], portNumber, *sockaddr[2:4])
                else:
                    address = IPv4Address("TCP", sockaddr[0], portNumber)
                if addressTypes is None or type(address) in addressTypes:
                    resolutionReceiver.addressResolved(address)

        def failed(failure: Failure) -> None:  # no address: the connection fails with DNSLookupError
            logger.debug("DNS lookup of %s failed: %s", name, failure.getErrorMessage())

        deferred = self.answers.answer(name)
        deferred.addCallbacks(deliver, failed)
        deferred.addBoth(lambda _: resolutionReceiver.resolutionComplete())
        return resolution
