"""One Aho-Corasick automaton over every lexicon key: one pass over a post whatever the number of terms.

Raw hits are filtered by word boundaries: a key must start and end at a word edge, with three exceptions that
match how people write: inside a hashtag a non-ambiguous name of four letters or more may sit anywhere
(#prabowogibran, #PilihGanjar); a hashtag key may be followed by digits (#GanjarMahfud2024); a name may carry a
clitic suffix (Prabowonya, Gibranlah).

Patterns with an exact form (`Pattern.exact`: acronyms like "PPP" whose squeezed key "p" would match any "p") are
not in the automaton: `ExactFinder` looks for them, as whole words, in the text before squeezing.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from typing import Iterable, NamedTuple

import ahocorasick

from crawler.matching.lexicon import Pattern
from crawler.matching.normalise import NormText

logger = logging.getLogger(__name__)

SUFFIXES = ("nya", "lah", "kah", "pun", "ku", "mu")


class Hit(NamedTuple):
    start: int  # in the normalised text
    end: int
    pattern: Pattern


# `_tuple_new(Hit, (start, end, pattern))` makes a Hit without the Python-level __new__ of a NamedTuple (half the
# cost; hits are made for every post)
_tuple_new = tuple.__new__


class PatternAutomaton:
    """The lexicon keys in one automaton; `markers` are words whose mere occurrence (anywhere, even inside a word)
    `find` reports in the same pass: context.find_numbers asks whether a number cue may be in the text."""

    def __init__(self, patterns: list[Pattern], markers: Iterable[str] = ()) -> None:
        grouped: dict[str, list[Pattern]] = {}
        for p in patterns:
            if not p.exact:
                grouped.setdefault(p.key, []).append(p)
        marker_set = frozenset(markers)
        self.automaton = ahocorasick.Automaton()
        for key in list(grouped) + sorted(marker_set.difference(grouped)):
            pats = tuple(grouped.get(key, ()))
            alnum_first, alnum_last = key[0].isalnum(), key[-1].isalnum()
            may_except, marker = any(_may_except(p) for p in pats), key in marker_set
            # (length, patterns, plain: a whole word or nothing, (the flags of the other keys))
            plain = alnum_first and alnum_last and not may_except and not marker
            self.automaton.add_word(key, (len(key), pats, plain, (alnum_first, alnum_last, may_except, marker)))
        self.empty = not grouped and not marker_set
        if not self.empty:
            self.automaton.make_automaton()
        self.size = len(grouped)  # lexicon keys

    def find(self, text: str) -> tuple[list[Hit], bool]:
        """(the hits, whether a marker occurs)."""
        hits: list[Hit] = []
        if self.empty:
            return hits, False
        marked = False
        n = len(text)
        has_hash = "#" in text
        tags: _Hashtags | None = None  # built for the first hit that may sit inside a hashtag
        for last, (length, pats, plain, flags) in self.automaton.iter(text):
            start = last + 1 - length
            end = last + 1
            if plain:  # most keys: a hit counts at word edges only
                if start and text[start - 1].isalnum() or end < n and text[end].isalnum():
                    continue
                for p in pats:
                    hits.append(_tuple_new(Hit, (start, end, p)))
                continue
            alnum_first, alnum_last, may_except, marker = flags
            if marker:
                marked = True
                if not pats:
                    continue
            if start and alnum_first and text[start - 1].isalnum():  # inside a word (most raw hits)
                if not has_hash:
                    continue
                start_edge = False
            else:
                start_edge = True
            end_edge = end == n or not alnum_last or not text[end].isalnum()
            if start_edge and end_edge:
                for p in pats:
                    hits.append(_tuple_new(Hit, (start, end, p)))
                continue
            if not may_except:
                continue
            if has_hash and tags is None:
                tags = _Hashtags(text)
            for p in pats:
                if _edge_exception(text, start, end, p, start_edge, end_edge, tags):
                    hits.append(_tuple_new(Hit, (start, end, p)))
        return hits, marked


_REPEATED_PAIR = re.compile(r"([a-z])\1")
_LETTER_RUN = re.compile(r"([a-z])\1*|\s+|.", re.DOTALL)


def _exact_regex(form: str) -> re.Pattern[str]:
    """Whole-word regex of an exact form: each letter run at least as long as written ("ppp" -> p{3,})."""
    parts = []
    for m in _LETTER_RUN.finditer(form):
        run = m.group(0)
        if run[0].isspace():
            parts.append(r"\s+")
        elif "a" <= run[0] <= "z":
            parts.append(run[0] + ("+" if len(run) == 1 else "{%d,}" % len(run)))
        else:
            parts.append(re.escape(run))
    head = r"(?<![^\W_])" if form[0].isalnum() else ""
    # like the automaton: a hashtag may be followed by digits (#PPP2024)
    tail = (r"(?=\d*(?![^\W_]))" if form.startswith("#") else r"(?![^\W_])") if form[-1].isalnum() else ""
    return re.compile(head + "".join(parts) + tail)


class ExactFinder:
    """Hits of the patterns with an exact form, in the coordinates of the normalised text."""

    def __init__(self, patterns: list[Pattern]) -> None:
        grouped: dict[str, list[Pattern]] = {}
        for p in patterns:
            if p.exact:
                grouped.setdefault(p.exact, []).append(p)
        # (form, a doubled letter the text must contain, the regex, the key, the patterns)
        self.entries = [(form, _REPEATED_PAIR.search(form).group(0), _exact_regex(form),  # type: ignore[union-attr]
                         pats[0].key, tuple(pats)) for form, pats in grouped.items()]
        self.forms = frozenset(grouped)
        # the doubled letters of the forms: a text without any of them has no exact hit (callers test this first)
        self.pairs = tuple(sorted({e[1] for e in self.entries}))

    def find(self, nt: NormText) -> list[Hit]:
        hits: list[Hit] = []
        pre, text = nt.unsqueezed, nt.text
        forms = self.forms
        for form, pair, regex, key, pats in self.entries:
            if pair not in pre:
                continue
            for m in regex.finditer(pre):
                word = m.group(0)
                if word != form and word in forms:  # "ppp" is PPP as written, not an elongated "pp"
                    continue
                start, end = nt.forward(*m.span())
                if text[start:end] == key:  # not rewritten after squeezing (an abbreviation)
                    hits.extend(_tuple_new(Hit, (start, end, p)) for p in pats)
        return hits


def _may_except(p: Pattern) -> bool:
    """Whether `_edge_exception` can ever accept a hit of `p` (checked once per key, not per hit)."""
    key = p.key
    return key.startswith("#") or (p.role in ("candidate", "party") and not p.ambiguous and len(key) >= 4
                                   and " " not in key)


_HASHTAG = re.compile(r"#(\w*)")


class _Hashtags:
    """Where the text's hashtags are: is a position inside one (after "#" and word characters only)."""

    __slots__ = ("starts", "ends")

    def __init__(self, text: str) -> None:
        # "#" then a maximal run of word characters (str.isalnum() or "_", like \w): a position p is inside when
        # walking back from p - 1 over word characters reaches that "#", i.e. run start <= p <= run end
        runs = [m.span(1) for m in _HASHTAG.finditer(text)]
        self.starts = [s for s, _ in runs]
        self.ends = [e for _, e in runs]

    def inside(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos) - 1
        return k >= 0 and pos <= self.ends[k]


def _edge_exception(text: str, start: int, end: int, p: Pattern, start_edge: bool, end_edge: bool,
                    tags: _Hashtags | None) -> bool:
    key = p.key
    if key.startswith("#"):  # a hashtag term followed by a year or number
        return start_edge and text[end:_word_end(text, end)].isdigit()
    if p.role in ("candidate", "party") and not p.ambiguous and len(key) >= 4 and " " not in key:
        if start_edge and not end_edge:
            tail = text[end:_word_end(text, end)]
            if tail in SUFFIXES:
                return True
        if tags is not None and tags.inside(start):  # no "#" in the text: no hashtag
            return True
    return False


def _word_end(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos].isalnum():
        pos += 1
    return pos
