"""The Matcher: normalise, find every pattern in one automaton pass, apply the context rules, decide."""
from __future__ import annotations

import logging
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.matching import context as ctx
from crawler.matching.automaton import ExactFinder, Hit, PatternAutomaton
from crawler.matching.decide import Decision
from crawler.matching.lexicon import CONTEXT, NEUTRAL, NOT_CANDIDATE, Lexicon, applies_in, build_lexicon
from crawler.matching.loader import read_contests, read_terms
from crawler.matching.normalise import NormText, normalise
from crawler.matching.output import NO_REFERENCE, Cue, LexiconIndex, no_reference, report
from crawler.matching.spans import Covering, Disjoint, Nearby, longest_first

logger = logging.getLogger(__name__)

REF_ROLES = frozenset({"candidate", "party", "hashtag", "slogan", "gesture"})
SKB = frozenset({"dukungan_medsos", "kampanye", "atribut", "menjelekkan", "keanggotaan_parpol",
                 "fasilitas_negara", "hoaks"})
PARTY_CONTEXT = frozenset({"kader", "bendera", "partai", "koalisi", "caleg", "pengurus", "kta", "ketua", "dpc",
                           "gabung", "fraksi", "ranting"})
PARENT_KINDS = frozenset({"comment", "reply", "share"})
_NO_CONTESTS: frozenset[str] = frozenset()


def _parse_date(value: Any) -> date | None:
    """The date of a post's time: an ISO string (cached: posts of one crawl share few days), a date or datetime."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_str(value) if isinstance(value, str) else _parse_date_str(str(value)) if value else None


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


class Matcher:
    """Built once from a contests document and watch terms; `match()` is pure and thread-safe."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.automaton = PatternAutomaton(lexicon.patterns, markers=ctx.NUMBER_CUE_MARKERS)
        self.exact = ExactFinder(lexicon.patterns)
        self.index = LexiconIndex.of(lexicon)
        every = list(lexicon.patterns) + [p for _, p in lexicon.regex_terms]
        # which per-hit checks can ever drop a hit (most lexicons have no dated or case-sensitive terms)
        self._dated = any(p.active_from or p.active_until for p in every)
        self._regional = any(p.regions for p in every)
        self._case_sensitive = any(p.case_sensitive for p in every)
        # candidate id -> the last day naming the pair counts by itself (lexicon.Contest.lapse)
        self._lapse = {cid: lexicon.contests[c.contest_id].lapse for cid, c in lexicon.candidates.items()
                       if c.contest_id in lexicon.contests and lexicon.contests[c.contest_id].lapse}
        self._first_lapse = min(self._lapse.values(), default=None)  # before it, nothing has lapsed

    @classmethod
    def from_data(cls, contests: dict[str, Any], terms: list[dict[str, Any]]) -> Matcher:
        return cls(build_lexicon(contests, terms))

    @classmethod
    def from_files(cls, contests_path: str | Path | None = None, terms_path: str | Path | None = None) -> Matcher:
        """None = the shipped defaults (crawler/data/contests-2024.json and terms.json)."""
        return cls.from_data(read_contests(contests_path), read_terms(terms_path))

    # ------------------------------------------------------------------------------------------------------------
    def _hits(self, nt: NormText, posted: date | None, region_code: str | None) -> tuple[list[Hit], bool]:
        """(the hits, whether a number cue may be in the text: see context.find_numbers)."""
        text = nt.text
        hits, cue_hint = self.automaton.find(text)
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
            return hits, cue_hint
        out = []
        for h in hits:
            p = h.pattern
            if check_dates and ((p.active_from and posted < p.active_from)  # type: ignore[operator]
                                or (p.active_until and posted > p.active_until)):  # type: ignore[operator]
                continue
            if check_regions and p.regions and not applies_in(p.regions, region_code):  # type: ignore[arg-type]
                continue
            out.append(h)
        return out, cue_hint

    def _context_of(self, nt: NormText, posted: date | None, region_code: str | None) -> bool:
        for h in self._hits(nt, posted, region_code)[0]:
            p = h.pattern
            if (p.role == "contest" and p.needs != "hint") or p.category == CONTEXT \
                    or (p.role in ("candidate", "hashtag") and not p.ambiguous):
                return True
        return False

    def match(self, text: str, kind: str = "post", parent_text: str | None = None,
              parent_candidate: str | None = None, posted_at: Any = None, region_code: str | None = None) -> Decision:
        """Decide about one post (see the package docstring)."""
        text = text or ""
        nt = normalise(text)
        t = nt.text
        posted = _parse_date_str(posted_at) if type(posted_at) is str else _parse_date(posted_at)
        hits, cue_hint = self._hits(nt, posted, region_code)
        parent = parent_candidate if (parent_candidate and kind in PARENT_KINDS) else None
        if not hits and not parent:  # every accepted reference or ballot cue is itself a hit
            return Decision(False, "rendah", None, [], [], [], NO_REFERENCE, t)
        # case-sensitive terms must match the original spelling
        if self._case_sensitive:
            hits = [h for h in hits
                    if not h.pattern.case_sensitive or nt.original_text(h.start, h.end) == h.pattern.text]
        context_spans, ref_hits, cue_hits, neutral_hits, hinted, excluded = _sort_hits(hits)
        if excluded:  # a phrase naming something else hides the references inside it ("jalan sudirman")
            covering = Covering(excluded)
            hits = [h for h in hits if h.pattern.category == NOT_CANDIDATE or not covering.contains(h.start, h.end)]
            context_spans, ref_hits, cue_hits, neutral_hits, hinted, excluded = _sort_hits(hits)
        strong: list[Hit] = []
        weak: list[Hit] = []
        gestures: list[Hit] = []
        for h in longest_first(ref_hits):
            p = h.pattern
            role = p.role
            if role == "candidate" and " " not in p.key and ctx.names_someone_else(t, h.end):
                continue
            if not p.ambiguous:
                strong.append(h)
            elif role != "gesture":
                weak.append(h)
            if role == "gesture":
                gestures.append(h)
        parent_context = bool(parent_text) and self._context_of(normalise(parent_text), posted, region_code)
        any_context = bool(context_spans) or bool(strong) or parent_context
        accepted = strong
        rejected: list[Hit] = []
        if weak:
            accepted, rejected = self._weak(t, weak, strong, context_spans, parent_context)
        if cue_hits:
            cue_hits = longest_first(cue_hits)
        if len(neutral_hits) > 1:
            neutral_hits = longest_first(neutral_hits)

        if (not accepted and not parent and not context_spans and not gestures and "jari" not in t
                and not ctx.PADDED_RE.search(t)):
            # nothing can be a reference: no numbers without context, no flag without a referent
            return no_reference(text, nt, _term_cues(cue_hits, any_context, nt) if cue_hits else [],
                                neutral_hits, rejected)
        # ballot numbers and gestures
        index = self.index
        if accepted:
            contest_of = index.contest_of
            around = context_spans.copy()  # election context for the numbers: the context words and references
            for h in accepted:
                around.append((h.start, h.end))
                cid = h.pattern.candidate_id
                if cid in contest_of:
                    hinted.append(contest_of[cid])
            numbers = ctx.find_numbers(t, around, cue_hint)
        else:
            numbers = ctx.find_numbers(t, context_spans, cue_hint)
        number_refs: list[tuple[ctx.NumberRef, str | None]] = []
        if numbers or gestures:
            hinted = list(dict.fromkeys(hinted))  # the first contest having a number decides: duplicates add nothing
            taken = Disjoint(accepted) if accepted and numbers else None
            for n in numbers:
                if taken is not None and taken.overlaps(n.start, n.end):
                    continue
                number_refs.append((n, ctx.resolve_number(self.lexicon, n.number, hinted, posted)))
            if gestures:
                number_of = index.number_of
                accepted_numbers = {number_of[h.pattern.candidate_id] for h in accepted
                                    if h.pattern.candidate_id in number_of}
                for h in gestures:
                    if any_context or number_refs or h.pattern.number in accepted_numbers:
                        number_refs.append((ctx.NumberRef(h.start, h.end, h.pattern.number, True, False, False),
                                            ctx.resolve_number(self.lexicon, h.pattern.number, hinted, posted)))
        # the partisan cues: watch terms, weighted references (hashtags, slogans), ballot numbers and gestures
        cues = _term_cues(cue_hits, any_context, nt) if cue_hits else []
        for h in accepted:
            p = h.pattern
            if p.weight and p.category in SKB:
                cues.append((h, p.id, p.category, p.weight, False, nt.span_to_original(h.start, h.end)))
        listed: frozenset[str] | set[str] = _NO_CONTESTS
        if number_refs and len(number_refs) + len(accepted) > 1:
            listed = _listed_contests(index, accepted, number_refs)
        for n, cid in number_refs:
            if (n.gesture or n.strong) and not (listed and not n.choice and index.contest_of.get(cid) in listed):
                cues.append((None, f"nomor-{n.number}", "atribut" if n.gesture else "dukungan_medsos",
                             2.0 if n.gesture and n.strong else 1.0, False, nt.span_to_original(n.start, n.end)))
        first = self._first_lapse
        lapsed = (posted is not None and first is not None and posted > first and bool(accepted or number_refs)
                  and self._lapsed(posted, accepted, number_refs))
        return report(index, text, nt, accepted, number_refs, cues, neutral_hits, rejected, parent, lapsed)

    def _lapsed(self, posted: date, accepted: list[Hit], number_refs: list[tuple[ctx.NumberRef, str | None]]) -> bool:
        """Whether the post names pairs only of contests over by more than lexicon.REFERENCE_LAPSE (at least one)."""
        lapse = self._lapse
        named = False
        for cid in [h.pattern.candidate_id for h in accepted] + [cid for _, cid in number_refs]:
            if cid:
                last = lapse.get(cid)
                if last is None or posted <= last:
                    return False
                named = True
        return named

    def _weak(self, t: str, weak: list[Hit], strong: list[Hit], context_spans: list[tuple[int, int]],
              parent_context: bool) -> tuple[list[Hit], list[Hit]]:
        """(accepted, rejected): the strong references plus the weak ones that count (see the context module)."""
        contest_of = self.index.contest_of
        accepted = list(strong)
        rejected: list[Hit] = []
        # two weak references to one pair (different words), or to three pairs of one contest
        weak_by_cand: dict[str, set[str]] = {}
        per_contest: dict[str, set[str]] = {}
        if len(weak) > 1:
            for h in weak:
                if h.pattern.candidate_id:
                    weak_by_cand.setdefault(h.pattern.candidate_id, set()).add(h.pattern.key)
            for cid in weak_by_cand:
                per_contest.setdefault(contest_of[cid], set()).add(cid)
        has_strong = bool(strong)  # (a strong reference to the same pair is one)
        strong_parties = has_strong and any(h.pattern.party_id for h in strong)
        # election context near a weak reference, outside it: by bisection when there are many of both
        nearby = Nearby(context_spans) if len(context_spans) * len(weak) > 16 else None
        window = ctx.CONTEXT_WINDOW
        for h in weak:
            p = h.pattern
            hs, he = h.start, h.end
            if nearby is not None:
                near = nearby.near(hs, he, window)
            else:
                near = False
                lo, hi = hs - window, he + window
                for s, e in context_spans:
                    if s < hi and e > lo and (e <= hs or s >= he):
                        near = True
                        break
            if p.role == "party":
                ok = near or strong_parties or parent_context or bool(PARTY_CONTEXT.intersection(
                    ctx.tokens_before(t, hs, 3) + ctx.tokens_after(t, he, 3)))
            elif not ctx.is_prayer(t, hs, he):
                cid = p.candidate_id
                ok = (near or has_strong or parent_context or len(weak_by_cand.get(cid, ())) > 1
                      or len(per_contest.get(contest_of[cid], ())) >= 3)
            else:
                ok = False
            (accepted if ok else rejected).append(h)
        return accepted, rejected


def _end(h: Hit) -> int:
    return h.end


def _listed_contests(index: LexiconIndex, accepted: list[Hit],
                     number_refs: list[tuple[ctx.NumberRef, str | None]]) -> frozenset[str] | set[str]:
    """The contests every pair of which the post names, by name or number: a list ("nomor urut: 1 Ridwan Kamil, 2
    Dharma-Kun, 3 Pramono-Rano", "saksi paslon 01, 02, 03", a reminder showing ☝️✌️🤟), not a salute. Their numbers
    are then no partisan cue unless a word choosing a side comes right before one ("coblos 02")."""
    cids = {cid for _, cid in number_refs}
    for h in accepted:
        cids.add(h.pattern.candidate_id)
    if len(cids) < 3:  # most posts name one pair by name and number ("" and None are no pair)
        cids.discard("")
        cids.discard(None)  # type: ignore[arg-type]
        if len(cids) < 2:
            return _NO_CONTESTS
    named: dict[str, set[str]] = {}
    contest_of = index.contest_of
    for cid in cids:
        contest = contest_of.get(cid) if cid else None
        if contest is not None:
            named.setdefault(contest, set()).add(cid)  # type: ignore[arg-type]
    return {c for c, ids in named.items() if len(ids) >= 2 and ids >= index.pairs[c]}


def _sort_hits(hits: list[Hit]) -> tuple[list[tuple[int, int]], list[Hit], list[Hit], list[Hit], list[str], list[Hit]]:
    """One pass sorting the hits into what the rules need: (election-context spans, references, partisan cues,
    neutral signs, contests hinted at, exclusions)."""
    context_spans: list[tuple[int, int]] = []
    ref_hits: list[Hit] = []
    cue_hits: list[Hit] = []
    neutral_hits: list[Hit] = []
    hinted: list[str] = []
    excluded: list[Hit] = []
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
            elif category == NOT_CANDIDATE:
                excluded.append(h)
        elif role == "contest":
            hinted.append(p.contest_id)
            if p.needs != "hint" or category == CONTEXT:
                context_spans.append((h.start, h.end))
        else:
            if category == CONTEXT:
                context_spans.append((h.start, h.end))
            if role in REF_ROLES:
                ref_hits.append(h)
    return context_spans, ref_hits, cue_hits, neutral_hits, hinted, excluded


def _term_cues(cue_hits: list[Hit], any_context: bool, nt: NormText) -> list[Cue]:
    """The partisan cues among the watch terms found (one per place, the longest: `cue_hits` is already so): a
    cue that needs election context only with it, a support word after a negation turned into a rejection."""
    cues: list[Cue] = []
    for h in cue_hits:
        p = h.pattern
        if p.needs == "needs_election_context" and not any_context:
            continue
        category, negated = p.category, False
        if category == "dukungan_medsos" and ctx.is_negated(nt.text, h.start):
            category, negated = "menjelekkan", True
        cues.append((h, p.id, category, p.weight, negated, nt.span_to_original(h.start, h.end)))
    return cues
