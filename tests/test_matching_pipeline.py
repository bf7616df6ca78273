"""MatchPipeline fills the derived Post fields; MATCH_ENABLED switches it off."""
from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.items import Match, Parent, Post
from crawler.pipelines.match import MatchPipeline


def test_pipeline_fills_post_fields() -> None:
    pipeline = MatchPipeline.from_crawler(get_crawler(settings_dict={"MATCH_ENABLED": True}))
    post = Post(platform="x", post_id="1", text="Salam 3 jari 🤟 #GanjarMahfud", posted_at="2024-01-10T10:00:00+07:00")
    out = pipeline.process_item(post)
    assert out.flagged and out.candidates == ["pilpres-2024-03"]
    assert out.category == "atribut" and out.severity in ("tinggi", "sedang", "rendah")
    assert all(isinstance(m, Match) for m in out.matches)
    assert any(post.text[m.span[0]:m.span[1]] == "#GanjarMahfud" for m in out.matches)
    assert out.text_normalised.startswith("salam 3 jari") and out.explanation

    comment = Post(platform="x", post_id="2", kind="comment", text="Siap menangkan!",
                   parent=Parent(candidate_id="pilpres-2024-01", text="Kampanye akbar Sabtu"))
    assert pipeline.process_item(comment).flagged


def test_pipeline_disabled() -> None:
    with pytest.raises(NotConfigured):
        MatchPipeline.from_crawler(get_crawler(settings_dict={"MATCH_ENABLED": False}))
