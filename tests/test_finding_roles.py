"""Only posts of ASN accounts become findings: a candidate's own page or a stranger's reply is context."""
from __future__ import annotations

from crawler.items import Author, Post
from crawler.matching import Matcher
from crawler.pipelines.match import MatchPipeline

PARTISAN = "Ayo coblos 02 tanggal 14 Februari, Prabowo-Gibran menang satu putaran! #PrabowoGibran2024"


def flagged_for(role: str) -> bool:
    pipeline = MatchPipeline(Matcher.from_files(), 30_000)
    post = Post(platform="x", post_id=f"p-{role}", text=PARTISAN, author=Author(platform="x", handle="h", role=role))
    pipeline.process_item(post)
    assert post.candidates == ["pilpres-2024-02"]  # the references are kept for analysts either way
    return post.flagged


def test_asn_and_unlinked_authors_are_flagged() -> None:
    assert flagged_for("asn") and flagged_for("")


def test_candidate_pages_and_strangers_are_not_findings() -> None:
    assert not flagged_for("candidate") and not flagged_for("other")
