"""The matcher's lexicon from the registry (real local Elasticsearch), the fallback to the shipped files, and the
ASN account's region passed by MatchPipeline so regional terms apply only there."""
from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler.config import load_settings
from crawler.es.setup import apply_templates
from crawler.items import AsnRef, Post
from crawler.matching import Matcher
from crawler.matching.loader import load_lexicon, read_contests, read_terms
from crawler.pipelines.match import MatchPipeline
from crawler.registry.defaults import load_defaults
from crawler.registry.store import RegistryStore

SLOGAN = "Ngahiji Ngawangun Lembur"
POST_TEXT = "Ayo warga, ngahiji ngawangun lembur! Mantap pokoknya"
TERM: dict[str, Any] = {"text": SLOGAN, "kind": "slogan", "category": "dukungan_medsos", "weight": 1.5,
                        "candidate_id": "pilgub-jabar-2024-4", "context": "none"}


def test_registry_only_slogan_is_matched(es_client: Any, index_prefix: str, pantau_env: dict[str, str],
                                         caplog: pytest.LogCaptureFixture) -> None:
    assert not Matcher.from_files().match(POST_TEXT).flagged  # the shipped lexicon does not know the slogan
    apply_templates(es_client, index_prefix)
    load_defaults(es_client, index_prefix)
    stored = RegistryStore(es_client, index_prefix).add("terms", TERM, by="test")
    assert stored["candidate_id"] == "pilgub-jabar-2024-4"

    settings = load_settings()
    with caplog.at_level(logging.INFO, logger="crawler.matching.loader"):
        contests, terms = load_lexicon(settings)
    assert "from registry" in caplog.text
    assert {c["id"] for c in contests["contests"]} >= {"pilpres-2024", "pilgub-jabar-2024"}
    assert any(t["id"] == stored["id"] for t in terms)

    crawler_settings = {k: v for k, v in settings.copy_to_dict().items()  # what the loader reads; no reactor
                        if k.startswith(("ES_", "PANTAU_", "MATCH_")) and v is not None}
    pipeline = MatchPipeline.from_crawler(get_crawler(settings_dict=crawler_settings))
    post = pipeline.process_item(Post(platform="x", post_id="1", text=POST_TEXT,
                                      posted_at="2024-11-10T10:00:00+07:00"))
    assert post.flagged and post.candidates == ["pilgub-jabar-2024-4"]
    match = next(m for m in post.matches if m.id == stored["id"])
    assert POST_TEXT[match.span[0]:match.span[1]] == "ngahiji ngawangun lembur"


def test_unreachable_registry_falls_back_to_shipped_files(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = get_crawler(settings_dict={"ES_URL": f"http://127.0.0.1:{port}"}).settings
    with caplog.at_level(logging.INFO, logger="crawler.matching.loader"):
        contests, terms = load_lexicon(settings)
    assert contests == read_contests() and terms == read_terms()
    assert "from shipped file" in caplog.text
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "crawler.matching.loader"]
    assert "not the operators' own" in warning.getMessage()


def test_pipeline_passes_asn_region_to_matcher() -> None:
    regional = {**TERM, "id": "slogan-jabar", "scope": "regional", "region_codes": ["32"]}
    pipeline = MatchPipeline(Matcher.from_data(read_contests(), read_terms() + [regional]))

    def run(asn: AsnRef | None) -> Post:
        return pipeline.process_item(Post(platform="x", post_id="1", text=POST_TEXT, asn=asn,
                                          posted_at="2024-11-10T10:00:00+07:00"))

    inside = run(AsnRef(account_id="a", region_code="32.04"))
    assert inside.flagged and inside.candidates == ["pilgub-jabar-2024-4"]
    outside = run(AsnRef(account_id="b", region_code="35.01"))
    assert not outside.flagged and outside.candidates == []
    # the regional slogan is not matched outside its region; the national watch terms still are
    assert [m.id for m in outside.matches] == ["dkg-mantap", "dkg-pokoknya"]
    assert not run(AsnRef(account_id="c", region_code="3")).flagged  # a prefix of the code is not the region
    assert run(None).flagged  # region unknown: the term is not excluded
