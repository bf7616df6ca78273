"""Kibana links in digests, through `crawler.kibana.links` when it is there.

`finding_url` opens one finding in Discover; `search_url` opens a query over a time range (the findings a digest
summarises without listing). While the Kibana module is missing (or its signature differs), a plain Discover URL
with the same meaning is built here.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import quote

logger = logging.getLogger(__name__)

_KIBANA: Any = None  # the crawler.kibana.links module, False when it is missing, None before the first look


def _rison_string(value: str) -> str:
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def _fallback(kibana_url: str, prefix: str, kql: str, start: str, end: str) -> str:
    g = f"(time:(from:{_rison_string(start)},to:{_rison_string(end)}))"
    a = f"(dataSource:(dataViewId:{_rison_string(prefix + 'posts')},type:dataView)," \
        f"query:(language:kuery,query:{_rison_string(kql)}))"
    return f"{kibana_url.rstrip('/')}/app/discover#/?_g={quote(g, safe='(),:!')}&_a={quote(a, safe='(),:!')}"


def _kql_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _kibana_links() -> Any:
    global _KIBANA
    if _KIBANA is None:
        try:
            from crawler.kibana import links as module
        except ImportError:
            module = False
        _KIBANA = module
    return _KIBANA or None


def finding_url(kibana_url: str, prefix: str, post_doc_id: str, posted_at: str) -> str:
    kibana = _kibana_links()
    if kibana is not None:
        try:
            return str(kibana.finding_url(kibana_url, prefix, post_doc_id, posted_at))
        except TypeError as exc:  # pragma: no cover - signature drift
            logger.warning("crawler.kibana.links.finding_url: %s; using a plain Discover link", exc)
    return _fallback(kibana_url, prefix, f"_id:{_kql_quote(post_doc_id)}", "now-5y", "now")


def search_url(kibana_url: str, prefix: str, region_codes: tuple[str, ...], start: datetime, end: datetime) -> str:
    """Discover: the flagged findings of the regions first seen in [start, end)."""
    regions = " or ".join(_kql_quote(c) for c in region_codes)
    kql = f"flagged:true and asn.region_path:({regions}) and first_seen >= {_kql_quote(start.isoformat())} " \
          f"and first_seen < {_kql_quote(end.isoformat())}"
    kibana = _kibana_links()
    if kibana is not None:
        try:
            return str(kibana.discover_url(kibana_url, prefix, query=kql, time_from=start.isoformat(),
                                    time_to=end.isoformat()))
        except TypeError as exc:  # pragma: no cover - signature drift
            logger.warning("crawler.kibana.links.discover_url: %s; using a plain Discover link", exc)
    return _fallback(kibana_url, prefix, kql, start.isoformat(), end.isoformat())
