"""A post that becomes partisan on a later crawl (an edited text) is a finding from that crawl on: it reaches the
next digest although it was first seen long before; a post that stays flagged keeps the time it was flagged, and a
finding whose partisan words are edited away stays a finding, with the new text in `edits`."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from alerts.selection import Window, select
from crawler.es.indexer import PostIndexer
from crawler.es.spool import DeadLetters, Spool
from test_digest_support import iso, make_post, setup_indices

T0 = datetime(2024, 2, 1, 8, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> str:
        return iso(self.now)


def test_a_post_flagged_on_a_later_crawl_is_a_finding_then(es_client: Any, index_prefix: str,
                                                             tmp_path: Path) -> None:
    setup_indices(es_client, index_prefix)
    clock = Clock()
    indexer = PostIndexer(es_client, index_prefix, Spool(tmp_path / "spool"), DeadLetters(tmp_path / "dl"),
                          refresh="wait_for", clock=clock)
    plain = make_post(1, region="32.73", first_seen=T0, flagged=False, text="Rapat koordinasi di kantor")
    plain.update(first_seen="", candidates=[], matches=[], category=None)
    steady = make_post(2, region="32.73", first_seen=T0)
    steady["first_seen"] = ""
    indexer.index_posts([plain, steady])

    def stored(n: int) -> dict[str, Any]:
        found = es_client.search(index=f"{index_prefix}posts", query={"term": {"post_id": f"p{n}"}})
        return found["hits"]["hits"][0]["_source"]

    assert stored(1)["flagged_at"] is None and stored(2)["flagged_at"] == iso(T0)

    # ten days later the first post was edited into support for a pair; both are crawled again
    clock.now = T0 + timedelta(days=10)
    edited = make_post(1, region="32.73", first_seen=T0)
    edited["first_seen"] = ""
    indexer.index_posts([edited, steady])
    assert stored(1)["first_seen"] == iso(T0) and stored(1)["flagged_at"] == iso(clock.now)
    assert stored(2)["flagged_at"] == iso(T0)  # still the first time it was flagged

    today = Window(clock.now - timedelta(days=1), clock.now + timedelta(minutes=1))
    assert [f.source["post_id"] for f in select(es_client, index_prefix, ("32",), today).findings] == ["p1"]

    # edited back to a neutral text: a finding stays a finding (the violation happened); the new text is an edit
    flagged_text = stored(1)["text"]
    clock.now += timedelta(days=1)
    indexer.index_posts([plain])
    after = stored(1)
    assert after["flagged"] is True and after["flagged_at"] == iso(T0 + timedelta(days=10))
    assert after["text"] == flagged_text and after["candidates"] == ["pilpres-2024-02"]
    # the neutral text is the version seen first: it is in `edits` once, however often it is crawled again
    assert after["edits"] == [{"text": plain["text"], "seen_at": iso(T0)}]
    other = {**plain, "text": "Rapat koordinasi di kantor, diundur besok"}
    for _ in range(2):
        clock.now += timedelta(hours=1)
        indexer.index_posts([other])
    assert [e["text"] for e in stored(1)["edits"]] == [plain["text"], other["text"]]
    assert stored(1)["flagged"] is True and stored(1)["text"] == flagged_text
