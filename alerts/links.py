"""Kibana links in digests, built by `crawler.kibana.links` from the same saved-object ids analysts import.

`finding_url` opens one finding in Discover; `search_url` opens the findings a digest summarises without listing.
"""
from __future__ import annotations

from datetime import datetime

from crawler.kibana.links import discover_url, finding_url

__all__ = ["finding_url", "search_url"]

# Discover's time picker filters on `posted_at`; a digest selects by `flagged_at` (a post published long ago but
# found today is news today), so the link spans a wide publication range and the query carries the window.
PUBLICATION_RANGE = "now-5y"


def _kql_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_url(kibana_url: str, prefix: str, region_codes: tuple[str, ...], start: datetime, end: datetime) -> str:
    """Discover: the findings of the regions flagged in [start, end)."""
    regions = " or ".join(_kql_quote(c) for c in region_codes)
    kql = (f"flagged:true and asn.region_path:({regions}) and flagged_at >= {_kql_quote(start.isoformat())} "
           f"and flagged_at < {_kql_quote(end.isoformat())}")
    return discover_url(kibana_url, prefix, query=kql, saved_search="flagged", time_from=PUBLICATION_RANGE,
                        time_to="now")
