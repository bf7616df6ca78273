"""Matching: find references to candidate pairs and parties in Indonesian social-media posts and decide whether
a post shows partisanship by a civil servant. A pure library: no Scrapy, no Elasticsearch.

Public API (stable)::

    from crawler.matching import Matcher, Decision
    matcher = Matcher.from_files(contests_path=None, terms_path=None)   # None = shipped defaults
    matcher = Matcher.from_data(contests, terms)   # contests: contests-2024.json shape; terms: list of watch terms
    d = matcher.match(text, kind="post", parent_text=None, parent_candidate=None, posted_at=None)
    d.flagged, d.severity ("tinggi" | "sedang" | "rendah"), d.category (SKB kind or None), d.candidates,
    d.parties, d.matches, d.explanation (Indonesian), d.text_normalised
    d.to_output(post_id)   # the `pantau match` output line

Each match is a dict {id, kind, text, span, candidate_id, party_id, category}: `span` is [start, end) in the
ORIGINAL text (highlight `text[start:end]`); kind is candidate | party | hashtag | slogan | number | gesture |
term | parent (a comment under a candidate's page: span [0, 0]). `matches` lists every reference that counts and
every watch term that counts as a partisan cue or a neutral sign, whether or not the post is flagged or names
anyone (so `matches:{ kind:term and category:... }` finds them all); election-context words and exclusion phrases
only qualify other matches and are not listed, nor are an alias that did not count (the explanation names it) and
a cue that needs election context in a post without any.

`candidates` lists the pairs the post's own text refers to; a comment under a candidate's page is flagged as an
interaction with that candidate (a "parent" match) without adding the page's candidate to `candidates`.

Modules: normalise (text and span mapping), lexicon (patterns from contests and terms), automaton (one
Aho-Corasick pass), context (ambiguity, ballot numbers, negation, contests), spans (interval questions answered by
bisection), decide (score, category, severity), output (the matches rows and the decision), explain (the Indonesian
explanation), loader (where contests and terms come from), evaluate (metrics).

On long texts the cost stays in proportion to the length: spans are mapped back by bisection, and the rules'
questions about neighbouring hits are answered in sorted arrays (spans module).
"""
from __future__ import annotations

from crawler.matching.decide import Decision
from crawler.matching.matcher import Matcher
from crawler.matching.normalise import normalise

__all__ = ["Matcher", "Decision", "normalise"]
