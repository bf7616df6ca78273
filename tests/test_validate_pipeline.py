"""Invalid posts are dropped with a reason; control characters never reach the index."""
from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem

from crawler.items import Author, Post
from crawler.pipelines.validate import ValidatePipeline


def post(**kwargs: object) -> Post:
    base = dict(platform="telegram", post_id="kanal/1", kind="post", text="halo", posted_at="2024-01-02T03:04:05+07:00",
                author=Author(platform="telegram", handle="kanal"))
    base.update(kwargs)
    return Post(**base)  # type: ignore[arg-type]


def test_valid_post_passes_and_binary_junk_is_removed() -> None:
    item = ValidatePipeline().process_item(post(text="a\x00b\x07c\nd\u202e", author=Author(display_name="Nama\x1b[31m")))
    assert item.text == "abc\nd\u202e"  # bidi marks stay in text (escaped when shown), controls go
    assert item.author.display_name == "Nama[31m"


@pytest.mark.parametrize("kwargs, reason", [
    ({"platform": "myspace"}, "unknown platform 'myspace'"),
    ({"post_id": ""}, "no post_id"),
    ({"kind": "story"}, "unknown kind 'story'"),
    ({"posted_at": "kemarin"}, "posted_at is not ISO 8601"),
    ({"posted_at": "2024-01-02T03:04:05"}, "posted_at has no UTC offset"),
])
def test_invalid_posts_are_dropped_with_the_reason(kwargs: dict, reason: str) -> None:
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline().process_item(post(**kwargs))
