"""Kibana Discover links built from the saved objects' ids (what digests carry).

The state goes in the URL fragment as rison (`_g` time, `_a` data view, query, columns, sort), every part
URL-escaped: the query may hold scraped, hostile text. The data view is given both as `index` (Kibana 8.0-8.x)
and `dataSource` (newer Kibana, which converts the former).
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from crawler.kibana.objects import POSTS_DATA_VIEW, object_id, saved_search_id

logger = logging.getLogger(__name__)

_RISON_ID = re.compile(r"^[A-Za-z_./~][A-Za-z0-9_./~-]*$")
# characters left readable in the fragment; all are inert in a URL fragment and in an HTML attribute
_SAFE = "(),:!"
FINDING_COLUMNS = ("severity", "category", "candidates", "asn.name", "asn.agency", "platform", "author.handle",
                   "text", "url")


def rison(value: Any) -> str:
    """Rison encoding (https://github.com/Nanonid/rison) of JSON-like values."""
    if value is None:
        return "!n"
    if value is True:
        return "!t"
    if value is False:
        return "!f"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        if value and _RISON_ID.match(value) and not value[0].isdigit() and value[0] != "-":
            return value
        return "'" + value.replace("!", "!!").replace("'", "!'") + "'"
    if isinstance(value, (list, tuple)):
        return "!(" + ",".join(rison(v) for v in value) + ")"
    if isinstance(value, dict):
        return "(" + ",".join(f"{rison(str(k))}:{rison(v)}" for k, v in value.items()) + ")"
    raise TypeError(f"cannot rison-encode {type(value).__name__}")


def kql_quote(value: str) -> str:
    """A KQL quoted string: hostile text stays one value."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def discover_url(kibana_url: str, prefix: str, *, query: str, saved_search: str | None = None,
                 time_from: str = "now-7d", time_to: str = "now") -> str:
    """Discover over the posts data view (or a saved search: a short name like `flagged` or its id) with a KQL
    query and a time range (`now-7d` style or ISO 8601)."""
    view_id = object_id(POSTS_DATA_VIEW, prefix)
    g = {"filters": [], "refreshInterval": {"pause": True, "value": 0},
         "time": {"from": time_from, "to": time_to}}
    a: dict[str, Any] = {"columns": list(FINDING_COLUMNS),
                         "dataSource": {"dataViewId": view_id, "type": "dataView"}, "filters": [],
                         "index": view_id, "interval": "auto",
                         "query": {"language": "kuery", "query": query},
                         "sort": [["severity", "desc"], ["posted_at", "desc"]]}
    base = kibana_url.rstrip("/") + "/app/discover#/"
    if saved_search:
        base += "view/" + quote(saved_search_id(saved_search, prefix), safe="")
        del a["columns"], a["sort"]  # the saved search has its own
    return f"{base}?_g={quote(rison(g), safe=_SAFE)}&_a={quote(rison(a), safe=_SAFE)}"


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def finding_url(kibana_url: str, prefix: str, post_doc_id: str, posted_at: str) -> str:
    """Discover showing one finding (`_id`), the time range a day either side of when it was posted."""
    moment = _parse_time(posted_at)
    if moment is None:
        time_from, time_to = "now-5y", "now"
    else:
        fmt = "%Y-%m-%dT%H:%M:%S.000Z"
        time_from = (moment - timedelta(days=1)).astimezone(timezone.utc).strftime(fmt)
        time_to = (moment + timedelta(days=1)).astimezone(timezone.utc).strftime(fmt)
    return discover_url(kibana_url, prefix, query=f"_id:{kql_quote(post_doc_id)}", time_from=time_from,
                        time_to=time_to)


def dashboard_url(kibana_url: str, prefix: str, time_from: str = "now-30d", time_to: str = "now") -> str:
    from crawler.kibana.objects import DASHBOARD

    g = {"time": {"from": time_from, "to": time_to}}
    return (f"{kibana_url.rstrip('/')}/app/dashboards#/view/{quote(object_id(DASHBOARD, prefix), safe='')}"
            f"?_g={quote(rison(g), safe=_SAFE)}")
