"""Questions the rules ask about spans of the normalised text for every hit, each answered by bisection in sorted
arrays built once per post, so that a long text with thousands of hits costs time in proportion to its length.

A span is [start, end) with start < end (lexicon keys are never empty).
"""
from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import Protocol, Sequence, TypeVar

logger = logging.getLogger(__name__)


class Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Spanned)


def _start(h: Spanned) -> int:
    return h.start


def _longest_key(h: Spanned) -> tuple[int, int]:
    return h.start - h.end, h.start


def longest_first(hits: list[S]) -> list[S]:
    """The hits that overlap no longer one (nor an equally long one before them), longest first.

    The kept hits never overlap one another: sorted by start they are sorted by end too, so the kept hits starting
    before a hit's end overlap it exactly when the last of them ends after its start.
    """
    if len(hits) < 2:
        return hits
    if len(hits) == 2:  # the usual case, without the sort
        a, b = hits
        if (b.start - b.end, b.start) < (a.start - a.end, a.start):
            a, b = b, a
        return [a] if a.start < b.end and b.start < a.end else [a, b]
    kept: list[S] = []
    starts: list[int] = []
    ends: list[int] = []
    for h in sorted(hits, key=_longest_key):
        hs, he = h.start, h.end
        i = bisect_left(starts, he)
        if i and ends[i - 1] > hs:
            continue
        starts.insert(i, hs)
        ends.insert(i, he)
        kept.append(h)
    return kept


class Disjoint:
    """Spans that never overlap one another (hits kept by `longest_first`): does a span overlap one of them."""

    __slots__ = ("starts", "ends")

    def __init__(self, spans: Sequence[Spanned]) -> None:
        ordered = sorted(spans, key=_start)
        self.starts = [h.start for h in ordered]
        self.ends = [h.end for h in ordered]  # sorted too: the spans do not overlap

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start


class Nearby:
    """Any spans (they may overlap): is one of them within a window of a span without overlapping it."""

    __slots__ = ("starts", "ends")

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.starts = sorted(s for s, _ in spans)
        self.ends = sorted(e for _, e in spans)

    def near(self, start: int, end: int, window: int) -> bool:
        """A span ending in (start - window, start] or starting in [end, end + window): exactly the spans with
        s < end + window and e > start - window that end before `start` or start after `end`."""
        ends = self.ends
        i = bisect_right(ends, start)
        if i and ends[i - 1] > start - window:
            return True
        starts = self.starts
        j = bisect_left(starts, end)
        return j < len(starts) and starts[j] < end + window


class Covering:
    """Any spans: does one of them contain a span (span.start <= start and end <= span.end)."""

    __slots__ = ("starts", "reach")

    def __init__(self, spans: Sequence[Spanned]) -> None:
        ordered = sorted(spans, key=_start)
        self.starts = [h.start for h in ordered]
        self.reach = list(accumulate((h.end for h in ordered), max))  # the largest end among the first i + 1

    def contains(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end
