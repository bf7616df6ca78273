"""The Matcher: normalise, find every pattern in one automaton pass, apply the context rules, decide."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.matching import context as ctx
from crawler.matching.automaton import ExactFinder, Hit, PatternAutomaton
from crawler.matching.decide import Decision, score_post
from crawler.matching.explain import explain
from crawler.matching.lexicon import (CONTEXT, NEUTRAL, NOT_CANDIDATE, Lexicon, Pattern, applies_in,
                                      build_lexicon)
from crawler.matching.loader import read_contests, read_terms
from crawler.matching.normalise import NormText, normalise

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


def _start(h: Hit) -> int:
    return h.start


def _end(h: Hit) -> int:
    return h.end


def _span_key(row: tuple[Any, ...]) -> tuple[int, int]:
    return row[0], row[1]


def _longest_first(hits: list[Hit]) -> list[Hit]:
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    for h in sorted(hits, key=_longest_key):
        hs, he = h.start, h.end
        for k in kept:
            if hs < k.end and k.start < he:  # overlaps a longer (or earlier) hit kept already
                break
        else:
            kept.append(h)
    return kept


def _longest_key(h: Hit) -> tuple[int, int]:
    return h.start - h.end, h.start


class Matcher:
    """Built once from a contests document and watch terms; `match()` is pure and thread-safe."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.automaton = PatternAutomaton(lexicon.patterns)
        self.exact = ExactFinder(lexicon.patterns)
        every = list(lexicon.patterns) + [p for _, p in lexicon.regex_terms]
        # which per-hit checks can ever drop a hit (most lexicons have no dated or case-sensitive terms)
        self._dated = any(p.active_from or p.active_until for p in every)
        self._regional = any(p.regions for p in every)
        self._case_sensitive = any(p.case_sensitive for p in every)
        self._excluding = any(p.category == NOT_CANDIDATE for p in every)

    @classmethod
    def from_data(cls, contests: dict[str, Any], terms: list[dict[str, Any]]) -> Matcher:
        return cls(build_lexicon(contests, terms))

    @classmethod
    def from_files(cls, contests_path: str | Path | None = None, terms_path: str | Path | None = None) -> Matcher:
        """None = the shipped defaults (crawler/data/contests-2024.json and terms.json)."""
        return cls.from_data(read_contests(contests_path), read_terms(terms_path))

    # ------------------------------------------------------------------------------------------------------------
    def _hits(self, nt: NormText, posted: date | None, region_code: str | None) -> list[Hit]:
        text = nt.text
        hits = self.automaton.find(text)
        unsqueezed = nt.unsqueezed
        for pair in self.exact.pairs:  # most texts have none of the doubled letters of the exact forms
            if pair in unsqueezed:
                exact = self.exact.find(nt)
                if exact:  # in the automaton's order (by end)
                    hits = sorted(hits + exact, key=_end)
                break
        for regex, pattern in self.lexicon.regex_terms:
            hits.extend(Hit(m.start(), m.end(), pattern) for m in regex.finditer(text) if m.end() > m.start())
        check_dates = posted is not None and self._dated
        check_regions = bool(region_code) and self._regional
        if not hits or not (check_dates or check_regions):
            return hits
        out = []
        for h in hits:
            p = h.pattern
            if check_dates and ((p.active_from and posted < p.active_from)  # type: ignore[operator]
                                or (p.active_until and posted > p.active_until)):  # type: ignore[operator]
                continue
            if check_regions and p.regions and not applies_in(p.regions, region_code):  # type: ignore[arg-type]
                continue
            out.append(h)
        return out

    def _context_of(self, nt: NormText, posted: date | None, region_code: str | None) -> bool:
        for h in self._hits(nt, posted, region_code):
            p = h.pattern
            if (p.role == "contest" and p.needs != "hint") or p.category == CONTEXT or (p.role in ("candidate", "hashtag") and not p.ambiguous):
                return True
        return False

    def match(self, text: str, kind: str = "post", parent_text: str | None = None,
              parent_candidate: str | None = None, posted_at: Any = None, region_code: str | None = None) -> Decision:
        """Decide about one post (see the package docstring)."""
        lex = self.lexicon
        text = text or ""
        nt = normalise(text)
        t = nt.text
        posted = _parse_date(posted_at)
        hits = self._hits(nt, posted, region_code)
        parent = parent_candidate if (parent_candidate and kind in PARENT_KINDS) else None
        if not hits and not parent:  # every accepted reference or ballot cue is itself a hit
            return Decision(text_normalised=t, explanation=NO_REFERENCE)
        originals: dict[tuple[int, int], tuple[int, int]] = {}

        def original(s: int, e: int) -> tuple[int, int]:
            """The span in the original text (each span mapped once per post)."""
            span = originals.get((s, e))
            if span is None:
                span = originals[(s, e)] = nt.span_to_original(s, e)
            return span

        # case-sensitive terms must match the original spelling
        if self._case_sensitive:
            hits = [h for h in hits if not h.pattern.case_sensitive
                    or text[slice(*original(h.start, h.end))] == h.pattern.text]
        if self._excluding:
            excluded = [h for h in hits if h.pattern.category == NOT_CANDIDATE]
            if excluded:
                hits = [h for h in hits if h.pattern.category == NOT_CANDIDATE
                        or not any(h.start >= x.start and h.end <= x.end for x in excluded)]
        # one pass: sort the hits into what the rules below need
        context_spans: list[tuple[int, int]] = []
        ref_hits: list[Hit] = []
        cue_hits: list[Hit] = []
        neutral_hits: list[Hit] = []
        hinted: list[str] = []
        for h in hits:
            p = h.pattern
            role, category = p.role, p.category
            if role == "term":
                if p.candidate_id:
                    ref_hits.append(h)
                elif category in SKB:
                    cue_hits.append(h)
                if category == NEUTRAL:
                    neutral_hits.append(h)
                elif category == CONTEXT:
                    context_spans.append((h.start, h.end))
            elif role == "contest":
                hinted.append(p.contest_id)
                if p.needs != "hint" or category == CONTEXT:
                    context_spans.append((h.start, h.end))
            else:
                if category == CONTEXT:
                    context_spans.append((h.start, h.end))
                if role in REF_ROLES:
                    ref_hits.append(h)
        refs = _longest_first(ref_hits)
        refs = [h for h in refs if not (h.pattern.role == "candidate" and " " not in h.pattern.key
                                        and ctx.names_someone_else(t, h.end))]
        strong: list[Hit] = []
        weak: list[Hit] = []
        gestures: list[Hit] = []
        for h in refs:
            p = h.pattern
            if not p.ambiguous:
                strong.append(h)
            elif p.role != "gesture":
                weak.append(h)
            if p.role == "gesture":
                gestures.append(h)
        parent_context = bool(parent_text) and self._context_of(normalise(parent_text), posted, region_code)

        any_context = bool(context_spans) or bool(strong) or parent_context
        accepted = list(strong)
        rejected: list[Hit] = []
        if weak:
            weak_by_cand: dict[str, set[str]] = {}
            for h in weak:
                if h.pattern.candidate_id:
                    weak_by_cand.setdefault(h.pattern.candidate_id, set()).add(h.pattern.key)
            per_contest: dict[str, set[str]] = {}
            for cid in weak_by_cand:
                per_contest.setdefault(lex.candidates[cid].contest_id, set()).add(cid)
            strong_cands = {h.pattern.candidate_id for h in strong if h.pattern.candidate_id}
            strong_parties = {h.pattern.party_id for h in strong if h.pattern.party_id}
            window = ctx.CONTEXT_WINDOW
            for h in weak:
                p = h.pattern
                hs, he = h.start, h.end
                lo, hi = hs - window, he + window
                near = any(s < hi and e > lo and (e <= hs or s >= he) for s, e in context_spans)
                if p.role == "party":
                    ok = near or bool(strong_parties) or parent_context or bool(PARTY_CONTEXT.intersection(
                        ctx.tokens_before(t, hs, 3) + ctx.tokens_after(t, he, 3)))
                elif not ctx.is_prayer(t, hs, he):
                    cid = p.candidate_id
                    ok = (near or bool(strong) or parent_context or len(weak_by_cand.get(cid, ())) > 1
                          or len(per_contest.get(lex.candidates[cid].contest_id, ())) >= 3 or cid in strong_cands)
                else:
                    ok = False
                (accepted if ok else rejected).append(h)

        if (not accepted and not parent and not context_spans and not gestures and "jari" not in t
                and not _PADDED.search(t)):
            # nothing can be a reference: no numbers without context, no flag without a referent
            if not rejected:
                return Decision(text_normalised=t, explanation=NO_REFERENCE)
            return Decision(text_normalised=t, explanation=explain(
                False, None, "rendah", {}, {}, [], [], None, "", False,
                [text[slice(*original(h.start, h.end))] for h in rejected]))
        # ballot numbers and gestures
        cands = lex.candidates
        hinted += [cands[h.pattern.candidate_id].contest_id for h in accepted if h.pattern.candidate_id in cands]
        numbers = ctx.find_numbers(t, context_spans + [(h.start, h.end) for h in accepted] if accepted
                                   else context_spans)
        number_refs: list[tuple[ctx.NumberRef, str | None]] = []
        for n in numbers:
            if any(n.start < h.end and h.start < n.end for h in accepted):
                continue
            number_refs.append((n, ctx.resolve_number(lex, n.number, hinted, posted)))
        if gestures:
            accepted_numbers = {cands[h.pattern.candidate_id].number for h in accepted
                                if h.pattern.candidate_id in cands}
            for h in gestures:
                if any_context or number_refs or h.pattern.number in accepted_numbers:
                    number_refs.append((ctx.NumberRef(h.start, h.end, h.pattern.number, True, False, False),
                                        ctx.resolve_number(lex, h.pattern.number, hinted, posted)))

        # cues: (hit or None, id, category, weight, negated, original span)
        cues: list[tuple[Hit | None, str, str, float, bool, tuple[int, int]]] = []
        for h in _longest_first(cue_hits):
            p = h.pattern
            if p.needs == "needs_election_context" and not any_context:
                continue
            category, negated = p.category, False
            if category == "dukungan_medsos" and ctx.is_negated(t, h.start):
                category, negated = "menjelekkan", True
            cues.append((h, p.id, category, p.weight, negated, original(h.start, h.end)))
        for h in accepted:
            p = h.pattern
            if p.weight and p.category in SKB:
                cues.append((h, p.id, p.category, p.weight, False, original(h.start, h.end)))
        for n, _cid in number_refs:
            if n.gesture or n.strong:
                cues.append((None, f"nomor-{n.number}", "atribut" if n.gesture else "dukungan_medsos",
                             2.0 if n.gesture and n.strong else 1.0, False, original(n.start, n.end)))
        neutral_hits = _longest_first(neutral_hits)
        neutral_weight = sum(h.pattern.weight for h in neutral_hits)

        # references; each match: (start, end, id, kind, candidate_id, party_id, category) in the original text
        cand_words: dict[str, list[str]] = {}
        party_words: dict[str, list[str]] = {}
        rows: list[tuple[int, int, str, str, str, str, str]] = []
        for h in sorted(accepted, key=_start) if len(accepted) > 1 else accepted:
            p = h.pattern
            os_, oe = original(h.start, h.end)
            rows.append((os_, oe, p.id, p.role, p.candidate_id, p.party_id, p.category))
            if p.candidate_id:
                cand_words.setdefault(p.candidate_id, []).append(text[os_:oe])
            if p.party_id:
                party_words.setdefault(p.party_id, []).append(text[os_:oe])
        for n, cid in number_refs:
            os_, oe = original(n.start, n.end)
            rows.append((os_, oe, cid or f"nomor-{n.number}", "gesture" if n.gesture else "number", cid or "", "",
                         "atribut" if n.gesture else ""))
            if cid:
                cand_words.setdefault(cid, []).append(text[os_:oe])
        for c in cues:
            h = c[0]
            if h is not None and h.pattern.role == "term":
                rows.append((*c[5], h.pattern.id, "term", "", "", c[2]))
        neutral_spans = [original(h.start, h.end) for h in neutral_hits]
        for h, (os_, oe) in zip(neutral_hits, neutral_spans):
            rows.append((os_, oe, h.pattern.id, "term", "", "", NEUTRAL))
        if len(rows) > 1:
            rows.sort(key=_span_key)
        matches = [{"id": r[2], "kind": r[3], "text": text[r[0]:r[1]], "span": [r[0], r[1]], "candidate_id": r[4],
                    "party_id": r[5], "category": r[6]} for r in rows]
        if parent:
            # span [0, 0] sorts first (the sort is stable: after any other match starting and ending at 0)
            at = 0
            while at < len(rows) and rows[at][0] == 0 and rows[at][1] == 0:
                at += 1
            matches.insert(at, {"id": parent, "kind": "parent", "text": "", "span": [0, 0], "candidate_id": parent,
                                "party_id": "", "category": ""})

        candidates = list(cand_words)
        if len(candidates) > 1:
            first_seen: dict[str, int] = {}
            for r in rows:
                if r[4]:
                    first_seen.setdefault(r[4], r[0])
            candidates.sort(key=lambda c: first_seen.get(c, 0))
        parties = list(party_words)
        if len(parties) > 1:
            first_party: dict[str, int] = {}
            for r in rows:
                if r[5]:
                    first_party.setdefault(r[5], r[0])
            parties.sort(key=first_party.__getitem__)
        all_pairs = False
        if len(candidates) >= 2:
            for contest in lex.contests.values():
                named = {c for c in candidates if cands[c].contest_id == contest.id}
                if len(named) >= 2 and named >= set(contest.candidates.values()):
                    all_pairs = True
        cue_dicts = [{"id": c[1], "category": c[2], "weight": c[3], "negated": c[4],
                      "text": text[c[5][0]:c[5][1]]} for c in cues]
        flagged, category, severity, score = score_post(bool(candidates), bool(parties), all_pairs, bool(parent),
                                                        cue_dicts, neutral_weight)
        if not cand_words and not party_words and not parent and not flagged and not neutral_spans \
                and not rejected and not all_pairs:
            explanation = NO_REFERENCE
        else:
            labels = {cid: self._label(cid) for cid in cand_words}
            labels.update({pid: f"partai {lex.parties.get(pid, pid)}" for pid in party_words})
            explanation = explain(flagged, category, severity, {**cand_words, **party_words}, labels,
                                  cue_dicts if flagged else [], [text[s:e] for s, e in neutral_spans],
                                  parent, self._label(parent) if parent else "", all_pairs,
                                  [text[slice(*original(h.start, h.end))] for h in rejected])
        return Decision(flagged=flagged, severity=severity, category=category, candidates=candidates,
                        parties=parties, matches=matches, explanation=explanation, text_normalised=t, score=score)

    def _label(self, cand_id: str) -> str:
        cand = self.lexicon.candidates.get(cand_id)
        if cand is None:
            return cand_id
        return f"paslon {cand.number:02d} {cand.label} ({cand.contest_id})"
