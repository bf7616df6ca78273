"""The crawler refuses internal addresses except the explicit --base-url host."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import MemoryStatsCollector

from crawler.config import load_settings
from crawler.crawling.hostguard import HostGuardMiddleware


def guard(base_url: str | None) -> HostGuardMiddleware:
    middleware = HostGuardMiddleware()
    crawler = SimpleNamespace(spider=SimpleNamespace(base_url=base_url), settings=load_settings())
    crawler.stats = MemoryStatsCollector(crawler)
    middleware.crawler = crawler  # type: ignore[assignment]
    return middleware


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/s/x", "http://10.0.0.5/admin", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data", "http://2130706433/",
                                 "http://intranet.local/", "http://localhost:9200/_cat/indices"])
def test_internal_addresses_are_refused(url: str) -> None:
    middleware = guard(None)
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request(url))
    assert middleware.crawler.stats.get_value("pantau/hostguard/refused") == 1  # type: ignore[union-attr]


def test_platform_hosts_and_the_explicit_override_pass() -> None:
    assert guard(None).process_request(Request("https://t.me/s/kanal")) is None
    local = guard("http://127.0.0.1:8765")
    assert local.process_request(Request("http://127.0.0.1:8765/s/kanal?before=10")) is None
    with pytest.raises(IgnoreRequest):
        local.process_request(Request("http://127.0.0.1:9200/"))  # another loopback port is still refused
