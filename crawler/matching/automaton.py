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
from typing import NamedTuple

import ahocorasick

from crawler.matching.lexicon import Pattern
from crawler.matching.normalise import NormText

logger = logging.getLogger(__name__)

SUFFIXES = ("nya", "lah", "kah", "pun", "ku", "mu")


class Hit(NamedTuple):
    start: int  # in the normalised text
    end: int
    pattern: Pattern


class PatternAutomaton:
    def __init__(self, patterns: list[Pattern]) -> None:
        grouped: dict[str, list[Pattern]] = {}
        for p in patterns:
            if not p.exact:
                grouped.setdefault(p.key, []).append(p)
        self.automaton = ahocorasick.Automaton()
        for key, pats in grouped.items():
            # (length, patterns, first and last characters alphanumeric, an edge exception possible for one of them)
            self.automaton.add_word(key, (len(key), tuple(pats), key[0].isalnum(), key[-1].isalnum(),
                                          any(_may_except(p) for p in pats)))
        if grouped:
            self.automaton.make_automaton()
        self.size = len(grouped)

    def find(self, text: str) -> list[Hit]:
        if not self.size:
            return []
        hits: list[Hit] = []
        n = len(text)
        has_hash = "#" in text
        for last, (length, pats, alnum_first, alnum_last, may_except) in self.automaton.iter(text):
            start = last + 1 - length
            if start and alnum_first and text[start - 1].isalnum():  # inside a word (most raw hits)
                if not has_hash:
                    continue
                start_edge = False
            else:
                start_edge = True
            end = last + 1
            end_edge = end == n or not alnum_last or not text[end].isalnum()
            if start_edge and end_edge:
                for p in pats:
                    hits.append(Hit(start, end, p))
                continue
            if not may_except:
                continue
            for p in pats:
                if _edge_exception(text, start, end, p, start_edge, end_edge):
                    hits.append(Hit(start, end, p))
        return hits


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
                    hits.extend(Hit(start, end, p) for p in pats)
        return hits


def _may_except(p: Pattern) -> bool:
    """Whether `_edge_exception` can ever accept a hit of `p` (checked once per key, not per hit)."""
    key = p.key
    return key.startswith("#") or (p.role in ("candidate", "party") and not p.ambiguous and len(key) >= 4
                                   and " " not in key)


def _in_hashtag(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and (text[i].isalnum() or text[i] == "_"):
        i -= 1
    return i >= 0 and text[i] == "#"


def _edge_exception(text: str, start: int, end: int, p: Pattern, start_edge: bool, end_edge: bool) -> bool:
    key = p.key
    if key.startswith("#"):  # a hashtag term followed by a year or number
        return start_edge and text[end:_word_end(text, end)].isdigit()
    if p.role in ("candidate", "party") and not p.ambiguous and len(key) >= 4 and " " not in key:
        if start_edge and not end_edge:
            tail = text[end:_word_end(text, end)]
            if tail in SUFFIXES:
                return True
        if _in_hashtag(text, start):
            return True
    return False


def _word_end(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos].isalnum():
        pos += 1
    return pos
