"""Which flagged posts a re-check run visits: flagged within RECHECK_MAX_AGE_DAYS, not deleted, the ones seen
present longest ago first, so that runs limited to RECHECK_MAX_POSTS go round all of them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler.browser.recheck import flagged_posts
from crawler.es.indexer import PostIndexer
from crawler.es.spool import DeadLetters, Spool
from test_digest_support import iso, make_post, setup_indices

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def test_oldest_confirmed_first_within_the_age_limit(es_client: Any, index_prefix: str, tmp_path: Path) -> None:
    setup_indices(es_client, index_prefix)
    moments = iter([NOW - timedelta(days=d) for d in (1, 5, 3, 2, 4, 8)])
    indexer = PostIndexer(es_client, index_prefix, Spool(tmp_path / "s"), DeadLetters(tmp_path / "d"),
                          refresh="wait_for", clock=lambda: iso(next(moments)))
    posted = {1: 10, 2: 20, 3: 30, 4: 200, 5: 40}  # days before NOW; post 4 was found too long ago to re-check
    for n in (1, 2, 3, 4, 5):  # last seen 1, 5, 3, 2 and 4 days ago
        indexer.index_posts([make_post(n, region="32.73", first_seen=NOW - timedelta(days=posted[n]),
                                       posted_at=NOW - timedelta(days=posted[n]))])
    gone = make_post(6, region="32.73", first_seen=NOW - timedelta(days=9), posted_at=NOW - timedelta(days=9))
    gone["deleted_at"] = iso(NOW - timedelta(days=8))
    indexer.index_posts([gone])
    es_client.indices.refresh(index=f"{index_prefix}posts")

    def ids(**kwargs: Any) -> list[str]:
        return [h["_source"]["post_id"] for h in flagged_posts(es_client, f"{index_prefix}posts", now=NOW, **kwargs)]

    assert ids(max_age_days=90) == ["p2", "p5", "p3", "p1"]
    assert ids(max_age_days=90, limit=2) == ["p2", "p5"]
    assert ids() == ["p2", "p5", "p3", "p4", "p1"]  # no age limit
