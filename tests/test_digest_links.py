"""The digest's summary link selects by flagged_at and does not lose old posts to Discover's time picker."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import unquote

from alerts.links import search_url


def test_summary_link_spans_publication_time_and_filters_on_flagged_at() -> None:
    start = datetime(2024, 11, 1, 0, 0, tzinfo=timezone.utc)
    end = datetime(2024, 11, 2, 0, 0, tzinfo=timezone.utc)
    url = unquote(search_url("https://kibana.contoh.go.id", "pantau-", ("32", '73"71'), start, end))
    assert "now-5y" in url and "2024-11-01T00:00:00+00:00" in url
    assert "flagged_at >=" in url and "flagged_at <" in url and "asn.region_path" in url
    assert '2024-11-02T00:00:00+00:00' in url
    assert '73\\"71' in url  # a quote in a code cannot end the KQL string early
