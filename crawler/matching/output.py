"""What a decision reports: spans in the original text, the `matches` rows, candidates and parties in order of first
mention, the score and the explanation.

A row is (start, end, id, kind, candidate_id, party_id, category) with start and end in the ORIGINAL text; rows
become the `matches` dicts (see the package docstring). `matches` lists every reference that counts (aliases,
hashtags, slogans, gestures, ballot numbers) and every watch term that counts as a partisan cue or a neutral sign,
whether or not the post is flagged or refers to anyone; election-context words and exclusions only qualify other
matches and are not listed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from crawler.matching.automaton import Hit
from crawler.matching.context import NumberRef
from crawler.matching.decide import Decision, score_post
from crawler.matching.explain import explain
from crawler.matching.lexicon import NEUTRAL, Lexicon
from crawler.matching.normalise import NormText

logger = logging.getLogger(__name__)

Row = tuple[int, int, str, str, str, str, str]
# a partisan cue: (hit or None for a ballot number, id, category, weight, negated, span in the original text)
Cue = tuple[Hit | None, str, str, float, bool, tuple[int, int]]
NO_REFERENCE = explain(False, None, "rendah", {}, {}, [], [], None, "", False, [])  # the usual explanation

_span_key = itemgetter(0, 1)  # a row's span
_start = itemgetter(0)  # a hit's start


@dataclass(frozen=True)
class LexiconIndex:
    """What the output reads about candidates and parties, looked up once per lexicon."""

    contest_of: dict[str, str]  # candidate id -> contest id
    number_of: dict[str, int]  # candidate id -> ballot number
    pairs: dict[str, set[str]]  # contest id -> its candidate ids
    cand_labels: dict[str, str]
    party_labels: dict[str, str]

    @classmethod
    def of(cls, lexicon: Lexicon) -> LexiconIndex:
        cands = lexicon.candidates
        return cls({cid: c.contest_id for cid, c in cands.items()}, {cid: c.number for cid, c in cands.items()},
                   {contest.id: set(contest.candidates.values()) for contest in lexicon.contests.values()},
                   {cid: f"paslon {c.number:02d} {c.label} ({c.contest_id})" for cid, c in cands.items()},
                   {pid: f"partai {name}" for pid, name in lexicon.parties.items()})

    def all_pairs(self, candidates: list[str]) -> bool:
        """Whether every pair of some contest (two or more) is named: neutral news."""
        named: dict[str, set[str]] = {}
        for c in candidates:
            contest = self.contest_of.get(c)  # None: a term's candidate id that no contest knows
            if contest is not None:
                named.setdefault(contest, set()).add(c)
        return any(len(ids) >= 2 and ids >= self.pairs[contest] for contest, ids in named.items())


def term_rows(rows: list[Row], cues: list[Cue], neutral_hits: list[Hit], nt: NormText) -> None:
    """Add the rows of the watch terms: the cues found by a term, then the neutral signs (a term naming a candidate
    is a reference: it has its row among the references, with its category)."""
    for c in cues:
        h = c[0]
        if h is not None and h.pattern.role == "term" and not h.pattern.candidate_id:
            s, e = c[5]
            rows.append((s, e, c[1], "term", "", "", c[2]))
    for h in neutral_hits:
        s, e = nt.span_to_original(h.start, h.end)
        rows.append((s, e, h.pattern.id, "term", "", "", NEUTRAL))


def match_dicts(text: str, rows: list[Row], parent: str | None = None) -> list[dict[str, Any]]:
    """The `matches` of a decision: the rows by position (a stable sort), then the parent page's candidate."""
    if len(rows) > 1:
        rows.sort(key=_span_key)
    matches = []
    for s, e, ident, kind, cand, party, category in rows:
        matches.append({"id": ident, "kind": kind, "text": text[s:e], "span": [s, e], "candidate_id": cand,
                        "party_id": party, "category": category})
    if parent:
        # span [0, 0] sorts first (the sort is stable: after any other match starting and ending at 0)
        at = 0
        while at < len(rows) and rows[at][0] == 0 and rows[at][1] == 0:
            at += 1
        matches.insert(at, {"id": parent, "kind": "parent", "text": "", "span": [0, 0], "candidate_id": parent,
                            "party_id": "", "category": ""})
    return matches


def _by_first_mention(ids: list[str], rows: list[Row], column: int) -> list[str]:
    """`ids` ordered by the first row (rows sorted by position) naming them in `column`."""
    first: dict[str, int] = {}
    for r in rows:
        if r[column]:
            first.setdefault(r[column], r[0])
    return sorted(ids, key=lambda i: first.get(i, 0))


def no_reference(text: str, nt: NormText, cues: list[Cue], neutral_hits: list[Hit], rejected: list[Hit]) -> Decision:
    """The decision when nothing can be a reference: not flagged; the watch terms found are listed all the same."""
    rows: list[Row] = []
    if cues or neutral_hits:
        term_rows(rows, cues, neutral_hits, nt)
    matches = match_dicts(text, rows) if rows else []
    if not rejected and not neutral_hits:
        return Decision(False, "rendah", None, [], [], matches, NO_REFERENCE, nt.text)
    neutral_words = [nt.original_text(h.start, h.end) for h in neutral_hits]
    rejected_words = [nt.original_text(h.start, h.end) for h in rejected]
    return Decision(False, "rendah", None, [], [], matches,
                    explain(False, None, "rendah", {}, {}, [], neutral_words, None, "", False, rejected_words),
                    nt.text)


def report(index: LexiconIndex, text: str, nt: NormText, accepted: list[Hit],
           number_refs: list[tuple[NumberRef, str | None]], cues: list[Cue], neutral_hits: list[Hit],
           rejected: list[Hit], parent: str | None, lapsed: bool = False) -> Decision:
    """The decision from what the rules kept: references, then numbers, then the watch terms. `lapsed`: the pairs
    named are of contests long over, so that naming them is not partisan by itself (Matcher._lapsed)."""
    cand_words: dict[str, list[str]] = {}
    party_words: dict[str, list[str]] = {}
    rows: list[Row] = []
    for h in sorted(accepted, key=_start) if len(accepted) > 1 else accepted:
        p = h.pattern
        s, e = nt.span_to_original(h.start, h.end)
        rows.append((s, e, p.id, p.role, p.candidate_id, p.party_id, p.category))
        if p.candidate_id:
            cand_words.setdefault(p.candidate_id, []).append(text[s:e])
        if p.party_id:
            party_words.setdefault(p.party_id, []).append(text[s:e])
    for n, cid in number_refs:
        s, e = nt.span_to_original(n.start, n.end)
        rows.append((s, e, cid or f"nomor-{n.number}", "gesture" if n.gesture else "number", cid or "", "",
                     "atribut" if n.gesture else ""))
        if cid:
            cand_words.setdefault(cid, []).append(text[s:e])
    if cues or neutral_hits:
        term_rows(rows, cues, neutral_hits, nt)
    matches = match_dicts(text, rows, parent)
    candidates = list(cand_words)
    parties = list(party_words)
    all_pairs = False
    if len(candidates) > 1:
        candidates = _by_first_mention(candidates, rows, 4)
        all_pairs = index.all_pairs(candidates)
    if len(parties) > 1:
        parties = _by_first_mention(parties, rows, 5)
    neutral_weight = 0.0
    for h in neutral_hits:
        neutral_weight += h.pattern.weight
    flagged, category, severity, score = score_post(bool(candidates), bool(parties), all_pairs, bool(parent),
                                                    cues, neutral_weight, lapsed)
    if not cand_words and not party_words and not parent and not flagged and not neutral_hits \
            and not rejected and not all_pairs:
        explanation = NO_REFERENCE
    else:
        labels: dict[str, str] = {}
        for cid in cand_words:
            labels[cid] = index.cand_labels.get(cid, cid)
        for pid in party_words:
            labels[pid] = index.party_labels.get(pid) or f"partai {pid}"
        deciding = []
        if flagged:
            for c in cues:
                deciding.append((text[c[5][0]:c[5][1]], c[4]))
        explanation = explain(flagged, category, severity, {**cand_words, **party_words}, labels, deciding,
                              [nt.original_text(h.start, h.end) for h in neutral_hits] if neutral_hits else [],
                              parent, index.cand_labels.get(parent, parent) if parent else "", all_pairs,
                              [nt.original_text(h.start, h.end) for h in rejected] if rejected else [])
        if lapsed and not flagged:
            explanation += " Pemilihannya sudah lama selesai: menyebut paslon saja tidak dihitung."
    return Decision(flagged, severity, category, candidates, parties, matches, explanation, nt.text, score)
