"""The registry: what operators ask the crawler to watch, kept in Elasticsearch.

ASN accounts, contests with their candidate pairs (and the pairs' official pages), parties, watch terms and
supervisors. `RegistryStore(client, prefix)` (crawler.registry.store) reads and writes them; imports are validated
in full before the first write (crawler.registry.validate) and written with deterministic ids, so a re-import is
idempotent. Handles and profile URLs are normalised per platform (crawler.registry.handles), which is also the
allow-list of hosts the crawler may fetch.
"""
from __future__ import annotations

from crawler.registry.models import Account, CrawlTarget, Supervisor

__all__ = ["Account", "CrawlTarget", "Supervisor"]
