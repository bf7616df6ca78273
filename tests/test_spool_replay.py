"""Spool replay keeps a segment until every document in it is indexed: a replay cut short loses nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from crawler.es.indexer import PostIndexer
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.items import Author, Post


def _posts(n: int) -> list[dict[str, Any]]:
    return [Post(platform="telegram", post_id=f"kanal/{i}", url=f"https://t.me/kanal/{i}",
                 author=Author(platform="telegram", handle="kanal"), text=f"Pengumuman kantor {i}",
                 posted_at="2024-01-15T08:00:00+07:00").to_dict() for i in range(n)]


class GoesAway:
    """The real client for the first `bulk_calls` bulk requests, then the server is gone (connection refused), or a
    stop (`KeyboardInterrupt`, as when the process is interrupted) arrives in the middle of the replay."""

    def __init__(self, client: Elasticsearch, bulk_calls: int, stop: BaseException) -> None:
        self._client, self._left, self._stop = client, bulk_calls, stop

    def bulk(self, **kwargs: Any) -> Any:
        if self._left == 0:
            raise self._stop
        self._left -= 1
        return self._client.bulk(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _spool_three_segments(home: Path, index_prefix: str) -> list[dict[str, Any]]:
    dead = Elasticsearch("http://127.0.0.1:1", request_timeout=2, max_retries=0)
    down = PostIndexer(dead, index_prefix, Spool(home / "spool"), DeadLetters(home / "dl"), max_retries=0)
    posts = _posts(30)
    for k in range(3):
        assert down.index_posts(posts[k * 10:(k + 1) * 10]).spooled == 10
    assert len(Spool(home / "spool").segments()) == 3
    return posts


@pytest.mark.parametrize("stop", [ConnectionError("connection refused"), KeyboardInterrupt()])
def test_replay_cut_short_keeps_the_segment_whole(es_client: Any, index_prefix: str, tmp_path: Path,
                                                   stop: BaseException) -> None:
    apply_templates(es_client, index_prefix)
    _spool_three_segments(tmp_path, index_prefix)
    spool = Spool(tmp_path / "spool")
    first, second, third = spool.segments()
    # the first segment goes in; the server is gone (or the process stopped) during the second one
    flaky = PostIndexer(GoesAway(es_client, 1, stop), index_prefix, spool, DeadLetters(tmp_path / "dl"),
                        max_retries=1, backoff=0.0, refresh="wait_for")
    if isinstance(stop, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            flaky.replay_spool()
    else:
        result = flaky.replay_spool()
        assert result.indexed == 10 and result.spooled == 20
    assert spool.segments() == [second, third]  # the cut segment is whole, in its place; nothing re-written
    assert spool.pending() == 20
    good = PostIndexer(es_client, index_prefix, spool, DeadLetters(tmp_path / "dl"), refresh="wait_for")
    assert good.replay_spool().indexed == 20
    assert spool.segments() == [] and spool.pending() == 0
    es_client.indices.refresh(index=f"{index_prefix}posts")
    assert es_client.count(index=f"{index_prefix}posts")["count"] == 30
