"""The crawler refuses internal addresses except the explicit --base-url host."""
from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest

from tests.hostguard_support import FakeDNS, fetch, guard

PUBLIC = {"t.me": ["149.154.167.99"]}


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/s/x", "http://10.0.0.5/admin", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data", "http://2130706433/",
                                 "http://intranet.local/", "http://localhost:9200/_cat/indices"])
def test_internal_addresses_are_refused(url: str) -> None:
    dns = FakeDNS({})
    middleware = guard(dns)
    with pytest.raises(IgnoreRequest):
        fetch(middleware, url)
    assert middleware.crawler.stats.get_value("pantau/hostguard/refused") == 1  # type: ignore[union-attr]
    assert dns.asked == []  # refused by its spelling, no DNS look-up


def test_platform_hosts_and_the_explicit_override_pass() -> None:
    assert fetch(guard(FakeDNS(PUBLIC)), "https://t.me/s/kanal") is None
    local = guard(FakeDNS(PUBLIC), "http://127.0.0.1:8765")
    assert fetch(local, "http://127.0.0.1:8765/s/kanal?before=10") is None
    with pytest.raises(IgnoreRequest):
        fetch(local, "http://127.0.0.1:9200/")  # another loopback port is still refused
