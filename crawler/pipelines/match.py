"""MatchPipeline: runs the matcher on every Post item and fills the derived fields.

Fills text_normalised, matches (crawler.items.Match), candidates, parties, category, severity, flagged and
explanation. Only the text the index keeps is matched (cut like the indexer cuts it, INDEX_MAX_TEXT_BYTES), so
match spans point into the stored text and a huge post cannot stall the crawl. The matcher is built once, from
`crawler.matching.loader.load_lexicon(settings)` (MATCH_CONTESTS_FILE / MATCH_TERMS_FILE, the registry, or the
shipped files). The region of the civil servant's account (`post.asn.region_code`, set by EnrichPipeline, which
runs before) is passed to the matcher, so regional watch terms and local parties count only for accounts in their
region. Switched off with MATCH_ENABLED = False.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.es.indexer import cut_utf8
from crawler.items import Match, Post
from crawler.matching import Matcher
from crawler.matching.loader import load_lexicon

logger = logging.getLogger(__name__)


def _author_role(author: Any) -> str:
    if author is None:
        return ""
    return (author.get("role") if isinstance(author, dict) else getattr(author, "role", "")) or ""


def _region_code(asn: Any) -> str | None:
    """The ASN account's region code (an AsnRef or its dict form), None when unknown."""
    if asn is None:
        return None
    code = asn.get("region_code") if isinstance(asn, dict) else getattr(asn, "region_code", None)
    return str(code) if code else None


class MatchPipeline:
    def __init__(self, matcher: Matcher, max_text_bytes: int = 30_000) -> None:
        self.matcher = matcher
        self.max_text_bytes = max_text_bytes
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, loader: Callable[[Any], tuple[dict, list]] = load_lexicon
                     ) -> MatchPipeline:
        settings = crawler.settings
        if not settings.getbool("MATCH_ENABLED", True):
            raise NotConfigured("matching disabled (MATCH_ENABLED=False)")
        contests, terms = loader(settings)
        pipeline = cls(Matcher.from_data(contests, terms), settings.getint("INDEX_MAX_TEXT_BYTES", 30_000))
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        parent = adapter.get("parent")
        parent_text = parent_candidate = None
        if parent is not None:
            p = ItemAdapter(parent) if not isinstance(parent, dict) else parent
            parent_text, parent_candidate = p.get("text") or None, p.get("candidate_id") or None
            if parent_text:
                parent_text = cut_utf8(parent_text, self.max_text_bytes)
        text = cut_utf8(adapter.get("text") or "", self.max_text_bytes)
        decision = self.matcher.match(text, kind=adapter.get("kind") or "post",
                                      parent_text=parent_text, parent_candidate=parent_candidate,
                                      posted_at=adapter.get("posted_at"), region_code=_region_code(adapter.get("asn")))
        matches = [Match(**m) for m in decision.matches]
        adapter["matches"] = matches if isinstance(item, Post) else [vars(m) for m in matches]
        for name in ("text_normalised", "candidates", "parties", "category", "severity", "flagged", "explanation"):
            adapter[name] = getattr(decision, name)
        # A finding is a partisan post of an ASN account: a candidate's own page or a stranger's reply is context.
        if _author_role(adapter.get("author")) not in ("", "asn"):
            adapter["flagged"] = False
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("match/posts")
            if decision.flagged:
                self.crawler.stats.inc_value("match/flagged")
        return item
