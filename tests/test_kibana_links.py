"""Discover links: rison state built from the saved objects' ids, everything URL-escaped (hostile text included)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest

from crawler.kibana import objects
from crawler.kibana.links import dashboard_url, discover_url, finding_url, rison

HOSTILE = [
    "flagged:true and text:\"<script>alert('x')</script>\"",
    "a & b = c # d ? e / f",
    "'!'!!(),:\"\\ \n\t",
    "javascript:alert(1)",
    "📣 Coblos 02! #AyoCoblos",
    "",
]


class _Rison:
    """A small rison decoder, only for reading the links back in tests."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def value(self) -> Any:
        c = self.text[self.pos]
        if c == "(":
            self.pos += 1
            out: dict[str, Any] = {}
            while self.text[self.pos] != ")":
                key = self.value()
                assert self.text[self.pos] == ":"
                self.pos += 1
                out[key] = self.value()
                if self.text[self.pos] == ",":
                    self.pos += 1
            self.pos += 1
            return out
        if c == "!":
            nxt = self.text[self.pos + 1]
            self.pos += 2
            if nxt == "(":
                items: list[Any] = []
                while self.text[self.pos] != ")":
                    items.append(self.value())
                    if self.text[self.pos] == ",":
                        self.pos += 1
                self.pos += 1
                return items
            return {"t": True, "f": False, "n": None}[nxt]
        if c == "'":
            self.pos += 1
            chars = []
            while self.text[self.pos] != "'":
                if self.text[self.pos] == "!":
                    self.pos += 1
                chars.append(self.text[self.pos])
                self.pos += 1
            self.pos += 1
            return "".join(chars)
        match = re.compile(r"[^,:()'!]+").match(self.text, self.pos)
        assert match
        self.pos = match.end()
        token = match.group(0)
        return int(token) if re.fullmatch(r"-?\d+", token) else token


def _state(url: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    base, fragment = url.split("#", 1)
    route, query = fragment.split("?", 1)
    params = parse_qs(query, keep_blank_values=True)
    assert set(params) == {"_g", "_a"} and all(len(v) == 1 for v in params.values())
    g = _Rison(params["_g"][0]).value()
    a = _Rison(params["_a"][0]).value()
    return base + "#" + route, g, a


@pytest.mark.parametrize("text", HOSTILE)
def test_rison_round_trips(text: str) -> None:
    value = {"query": {"query": text, "language": "kuery"}, "list": [1, True, None, text], "id": "pantau-posts"}
    assert _Rison(rison(value)).value() == value


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_query_stays_inside_the_query(text: str) -> None:
    url = discover_url("https://kibana.example.go.id:5601/", "pantau-", query=text)
    fragment = url.split("#", 1)[1]
    assert not re.search(r"[\s\"'<>#\\`{}|^]", fragment), fragment
    assert fragment.count("&") == 1 and fragment.count("?") == 1
    route, g, a = _state(url)
    assert route == "https://kibana.example.go.id:5601/app/discover#/"
    assert a["query"] == {"language": "kuery", "query": text}
    assert a["index"] == "pantau-posts" and a["dataSource"] == {"dataViewId": "pantau-posts", "type": "dataView"}
    assert g["time"] == {"from": "now-7d", "to": "now"}


def test_saved_search_and_prefix_give_the_object_ids() -> None:
    url = discover_url("http://k", "demo-", query="flagged:true", saved_search="deleted",
                       time_from="2024-01-01T00:00:00+07:00", time_to="now")
    route, g, a = _state(url)
    assert route == "http://k/app/discover#/view/demo-search-deleted"
    assert a["index"] == "demo-posts"
    assert g["time"]["from"] == "2024-01-01T00:00:00+07:00"
    stored = {o.id for o in objects.load_objects()}
    for name, stored_id in objects.SAVED_SEARCHES.items():
        assert stored_id in stored
        assert _state(discover_url("http://k", "pantau-", query="", saved_search=name))[0].endswith(stored_id)
    # a full id works too, and hostile ids cannot leave the path segment
    assert "/view/pantau-search-flagged?" in discover_url("http://k", "pantau-", query="",
                                                           saved_search="pantau-search-flagged")
    assert "/view/..%2F..%2Fapp%3Fx%3D1%23?" in discover_url("http://k", "pantau-", query="",
                                                               saved_search="../../app?x=1#")


def test_finding_url_filters_on_the_document_id_around_its_time() -> None:
    url = finding_url("http://kibana:5601", "pantau-", "telegram-0123abcd", "2024-02-10T08:30:00+07:00")
    _route, g, a = _state(url)
    assert a["query"] == {"language": "kuery", "query": '_id:"telegram-0123abcd"'}
    assert a["index"] == objects.POSTS_DATA_VIEW
    assert g["time"] == {"from": "2024-02-09T01:30:00.000Z", "to": "2024-02-11T01:30:00.000Z"}
    _route, g, a = _state(finding_url("http://kibana:5601", "demo-", 'x"y', "not a date"))
    assert a["query"]["query"] == '_id:"x\\"y"' and a["index"] == "demo-posts"
    assert g["time"] == {"from": "now-5y", "to": "now"}


def test_dashboard_url_uses_the_dashboard_id() -> None:
    assert unquote(dashboard_url("http://k/", "pantau-")).startswith(
        "http://k/app/dashboards#/view/pantau-dashboard-findings?_g=(time:(from:now-30d,to:now))")
