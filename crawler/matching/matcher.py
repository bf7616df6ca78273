"""The Matcher: normalise, find every pattern in one automaton pass, apply the context rules, decide."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.matching import context as ctx
from crawler.matching.automaton import Hit, PatternAutomaton
from crawler.matching.decide import Decision, score_post
from crawler.matching.explain import explain
from crawler.matching.lexicon import (CONTEXT, NEUTRAL, NOT_CANDIDATE, Lexicon, Pattern, applies_in,
                                      build_lexicon)
from crawler.matching.loader import read_contests, read_terms
from crawler.matching.normalise import normalise

logger = logging.getLogger(__name__)

REF_ROLES = frozenset({"candidate", "party", "hashtag", "slogan", "gesture"})
SKB = frozenset({"dukungan_medsos", "kampanye", "atribut", "menjelekkan", "keanggotaan_parpol",
                 "fasilitas_negara", "hoaks"})
PARTY_CONTEXT = frozenset({"kader", "bendera", "partai", "koalisi", "caleg", "pengurus", "kta", "ketua", "dpc",
                           "gabung", "fraksi", "ranting"})
_PADDED = re.compile(r"(?<!\d)0[1-9](?!\d)")
PARENT_KINDS = frozenset({"comment", "reply", "share"})
NO_REFERENCE = explain(False, None, "rendah", {}, {}, [], [], None, "", False, [])  # the usual explanation


def _parse_date(value: Any) -> date | None:
    if isinstance(value, str):
        return _parse_date_str(value)
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None


@lru_cache(maxsize=4096)
def _parse_date_str(value: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def _longest_first(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if not any(_overlaps(h, k) for k in kept):
            kept.append(h)
    return kept


class Matcher:
    """Built once from a contests document and watch terms; `match()` is pure and thread-safe."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.automaton = PatternAutomaton(lexicon.patterns)

    @classmethod
    def from_data(cls, contests: dict[str, Any], terms: list[dict[str, Any]]) -> Matcher:
        return cls(build_lexicon(contests, terms))

    @classmethod
    def from_files(cls, contests_path: str | Path | None = None, terms_path: str | Path | None = None) -> Matcher:
        """None = the shipped defaults (crawler/data/contests-2024.json and terms.json)."""
        return cls.from_data(read_contests(contests_path), read_terms(terms_path))

    # ------------------------------------------------------------------------------------------------------------
    def _hits(self, text: str, posted: date | None, region_code: str | None) -> list[Hit]:
        hits = self.automaton.find(text)
        for regex, pattern in self.lexicon.regex_terms:
            hits.extend(Hit(m.start(), m.end(), pattern) for m in regex.finditer(text) if m.end() > m.start())
        out = []
        for h in hits:
            p = h.pattern
            if posted and ((p.active_from and posted < p.active_from) or (p.active_until and posted > p.active_until)):
                continue
            if region_code and p.regions and not applies_in(p.regions, region_code):
                continue
            out.append(h)
        return out

    def _context_of(self, text: str, posted: date | None, region_code: str | None) -> bool:
        for h in self._hits(text, posted, region_code):
            p = h.pattern
            if (p.role == "contest" and p.needs != "hint") or p.category == CONTEXT or (p.role in ("candidate", "hashtag") and not p.ambiguous):
                return True
        return False

    def match(self, text: str, kind: str = "post", parent_text: str | None = None,
              parent_candidate: str | None = None, posted_at: Any = None, region_code: str | None = None) -> Decision:
        """Decide about one post (see the package docstring)."""
        lex = self.lexicon
        nt = normalise(text or "")
        t = nt.text
        posted = _parse_date(posted_at)
        hits = self._hits(t, posted, region_code)
        parent = parent_candidate if (parent_candidate and kind in PARENT_KINDS) else None
        if not hits and not parent:  # every accepted reference or ballot cue is itself a hit
            return Decision(text_normalised=t, explanation=NO_REFERENCE)
        # case-sensitive terms must match the original spelling
        hits = [h for h in hits if not h.pattern.case_sensitive
                or text[slice(*nt.span_to_original(h.start, h.end))] == h.pattern.text]
        excluded = [h for h in hits if h.pattern.category == NOT_CANDIDATE]
        if excluded:
            hits = [h for h in hits if h.pattern.category == NOT_CANDIDATE
                    or not any(h.start >= x.start and h.end <= x.end for x in excluded)]
        context_spans = [(h.start, h.end) for h in hits if h.pattern.category == CONTEXT
                         or (h.pattern.role == "contest" and h.pattern.needs != "hint")]
        refs = _longest_first([h for h in hits if h.pattern.role in REF_ROLES
                               or (h.pattern.role == "term" and h.pattern.candidate_id)])
        refs = [h for h in refs if not (h.pattern.role == "candidate" and " " not in h.pattern.key
                                        and ctx.names_someone_else(t, h.end))]
        strong = [h for h in refs if not h.pattern.ambiguous]
        parent_context = bool(parent_text) and self._context_of(normalise(parent_text).text, posted, region_code)

        def near_context(h: Hit) -> bool:
            lo, hi = h.start - ctx.CONTEXT_WINDOW, h.end + ctx.CONTEXT_WINDOW
            return any(s < hi and e > lo and (e <= h.start or s >= h.end) for s, e in context_spans)

        any_context = bool(context_spans) or bool(strong) or parent_context
        weak = [h for h in refs if h.pattern.ambiguous and h.pattern.role != "gesture"]
        accepted = list(strong)
        rejected: list[Hit] = []
        weak_by_cand: dict[str, set[str]] = {}
        for h in weak:
            if h.pattern.candidate_id:
                weak_by_cand.setdefault(h.pattern.candidate_id, set()).add(h.pattern.key)
        per_contest: dict[str, set[str]] = {}
        for cid in weak_by_cand:
            per_contest.setdefault(lex.candidates[cid].contest_id, set()).add(cid)
        strong_cands = {h.pattern.candidate_id for h in strong if h.pattern.candidate_id}
        strong_parties = {h.pattern.party_id for h in strong if h.pattern.party_id}
        for h in weak:
            p = h.pattern
            ok = False
            if p.role == "party":
                near = ctx.tokens_before(t, h.start, 3) + ctx.tokens_after(t, h.end, 3)
                ok = near_context(h) or bool(PARTY_CONTEXT.intersection(near)) or bool(strong_parties) \
                    or parent_context
            elif not ctx.is_prayer(t, h.start, h.end):
                cid = p.candidate_id
                ok = (near_context(h) or bool(strong) or parent_context or len(weak_by_cand.get(cid, ())) > 1
                      or len(per_contest.get(lex.candidates[cid].contest_id, ())) >= 3 or cid in strong_cands)
            (accepted if ok else rejected).append(h)

        if (not accepted and not parent and not context_spans and "jari" not in t and not _PADDED.search(t)
                and not any(h.pattern.role == "gesture" for h in refs)):
            # nothing can be a reference: no numbers without context, no flag without a referent
            return Decision(text_normalised=t, explanation=explain(
                False, None, "rendah", {}, {}, [], [], None, "", False,
                [text[slice(*nt.span_to_original(h.start, h.end))] for h in rejected]))
        # ballot numbers and gestures
        hinted = [h.pattern.contest_id for h in hits if h.pattern.role == "contest"]
        hinted += [lex.candidates[h.pattern.candidate_id].contest_id for h in accepted
                   if h.pattern.candidate_id in lex.candidates]
        numbers = ctx.find_numbers(t, context_spans + [(h.start, h.end) for h in accepted])
        accepted_numbers = {lex.candidates[h.pattern.candidate_id].number for h in accepted
                            if h.pattern.candidate_id in lex.candidates}
        number_refs: list[tuple[ctx.NumberRef, str | None]] = []
        for n in numbers:
            if any(n.start < h.end and h.start < n.end for h in accepted):
                continue
            number_refs.append((n, ctx.resolve_number(lex, n.number, hinted, posted)))
        gestures = [h for h in refs if h.pattern.role == "gesture"]
        for h in gestures:
            if any_context or number_refs or h.pattern.number in accepted_numbers:
                number_refs.append((ctx.NumberRef(h.start, h.end, h.pattern.number, True, False, False),
                                    ctx.resolve_number(lex, h.pattern.number, hinted, posted)))

        # cues
        cue_hits = _longest_first([h for h in hits if h.pattern.role == "term" and h.pattern.category in SKB
                                   and not h.pattern.candidate_id])
        cues: list[dict[str, Any]] = []
        for h in cue_hits:
            p = h.pattern
            if p.needs == "needs_election_context" and not any_context:
                continue
            category, negated = p.category, False
            if category == "dukungan_medsos" and ctx.is_negated(t, h.start):
                category, negated = "menjelekkan", True
            cues.append({"hit": h, "id": p.id, "category": category, "weight": p.weight, "negated": negated,
                         "text": text[slice(*nt.span_to_original(h.start, h.end))]})
        for h in accepted:
            if h.pattern.weight and h.pattern.category in SKB:
                cues.append({"hit": h, "id": h.pattern.id, "category": h.pattern.category, "weight": h.pattern.weight,
                             "negated": False, "text": text[slice(*nt.span_to_original(h.start, h.end))]})
        for n, _cid in number_refs:
            if n.gesture or n.strong:
                s, e = nt.span_to_original(n.start, n.end)
                cues.append({"hit": None, "id": f"nomor-{n.number}", "category": "atribut" if n.gesture
                             else "dukungan_medsos", "weight": 2.0 if n.gesture and n.strong else 1.0,
                             "negated": False, "text": text[s:e]})
        neutral_hits = [h for h in hits if h.pattern.role == "term" and h.pattern.category == NEUTRAL]
        neutral_hits = _longest_first(neutral_hits)
        neutral_weight = sum(h.pattern.weight for h in neutral_hits)

        # references
        cand_words: dict[str, list[str]] = {}
        party_words: dict[str, list[str]] = {}
        matches: list[dict[str, Any]] = []

        def add_match(s: int, e: int, ident: str, kind_: str, cand: str = "", party: str = "", cat: str = "",
                      original: bool = False) -> str:
            os_, oe = (s, e) if original else nt.span_to_original(s, e)
            found = text[os_:oe]
            matches.append({"id": ident, "kind": kind_, "text": found, "span": [os_, oe], "candidate_id": cand,
                            "party_id": party, "category": cat})
            return found

        for h in sorted(accepted, key=lambda h: h.start):
            p = h.pattern
            kind_ = "party" if p.role == "party" else p.role if p.role != "term" else "term"
            found = add_match(h.start, h.end, p.id, kind_, p.candidate_id, p.party_id, p.category)
            if p.candidate_id:
                cand_words.setdefault(p.candidate_id, []).append(found)
            if p.party_id:
                party_words.setdefault(p.party_id, []).append(found)
        for n, cid in number_refs:
            found = add_match(n.start, n.end, cid or f"nomor-{n.number}", "gesture" if n.gesture else "number",
                              cid or "", "", "atribut" if n.gesture else "")
            if cid:
                cand_words.setdefault(cid, []).append(found)
        for c in cues:
            if c["hit"] is not None and c["hit"].pattern.role == "term":
                h = c["hit"]
                add_match(h.start, h.end, h.pattern.id, "term", "", "", c["category"])
        for h in neutral_hits:
            add_match(h.start, h.end, h.pattern.id, "term", "", "", NEUTRAL)
        if parent:
            matches.append({"id": parent, "kind": "parent", "text": "", "span": [0, 0], "candidate_id": parent,
                            "party_id": "", "category": ""})
        matches.sort(key=lambda m: (m["span"][0], m["span"][1]))

        first_seen = {}
        for m in matches:
            if m["candidate_id"] and m["kind"] != "parent":
                first_seen.setdefault(m["candidate_id"], m["span"][0])
        candidates = sorted(cand_words, key=lambda c: first_seen.get(c, 0))
        parties = sorted(party_words, key=lambda p: min(m["span"][0] for m in matches if m["party_id"] == p))
        all_pairs = False
        for contest in lex.contests.values():
            named = {c for c in candidates if lex.candidates[c].contest_id == contest.id}
            if len(named) >= 2 and named >= set(contest.candidates.values()):
                all_pairs = True
        flagged, category, severity, score = score_post(bool(candidates), bool(parties), all_pairs, bool(parent),
                                                        cues, neutral_weight)
        labels = {cid: self._label(cid) for cid in cand_words}
        labels.update({pid: f"partai {lex.parties.get(pid, pid)}" for pid in party_words})
        explanation = explain(flagged, category, severity, {**cand_words, **party_words}, labels,
                              [c for c in cues if flagged], [text[slice(*nt.span_to_original(h.start, h.end))]
                                                             for h in neutral_hits],
                              parent, self._label(parent) if parent else "", all_pairs,
                              [text[slice(*nt.span_to_original(h.start, h.end))] for h in rejected])
        return Decision(flagged=flagged, severity=severity, category=category, candidates=candidates,
                        parties=parties, matches=matches, explanation=explanation, text_normalised=t, score=score)

    def _label(self, cand_id: str) -> str:
        cand = self.lexicon.candidates.get(cand_id)
        if cand is None:
            return cand_id
        return f"paslon {cand.number:02d} {cand.label} ({cand.contest_id})"
