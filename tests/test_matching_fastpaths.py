"""The matcher's shortcuts give what the plain definitions give: span mapping by bisection and by walking, the
interval questions, the tokenisers, the number finders and the number-cue gate, on random inputs."""
from __future__ import annotations

import random
import re

from crawler.matching import Matcher
from crawler.matching import context as ctx
from crawler.matching.automaton import Hit, _Hashtags
from crawler.matching.normalise import _back, _forward, _LayerIndex, normalise
from crawler.matching.spans import Covering, Disjoint, Nearby, longest_first


def _random_edits(rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    edits, pos = [], 0
    for _ in range(count):
        s = pos + rng.randint(0, 3)
        e = s + rng.randint(0, 4)
        new_len = rng.randint(0, 4)
        if e > s or new_len:
            edits.append((s, e, new_len))
            pos = e
    return edits


def _walk_back(edits: list[tuple[int, int, int]], pos: int, is_end: bool) -> int:
    """One position through one layer, the plain way: edit by edit."""
    delta = 0
    for s, e, new_len in edits:
        out_s = s + delta
        if pos < out_s or is_end and pos == out_s:
            return pos - delta
        if pos < out_s + new_len or is_end and pos == out_s + new_len:
            return e if is_end else s
        delta += new_len - (e - s)
    return pos - delta


def test_layer_bisection_maps_like_walking() -> None:
    rng = random.Random(1)
    for _ in range(150):
        edits = _random_edits(rng, rng.randint(0, 30))
        index = _LayerIndex(edits)
        top = (edits[-1][1] if edits else 0) + 6
        for start in range(top):
            for end in range(start, min(top, start + 6)):
                assert _back(edits, start, end) == (_walk_back(edits, start, False), _walk_back(edits, end, True))
                assert index.back(start, end) == _back(edits, start, end), (edits, start, end)
                assert index.forward(start, end) == _forward(edits, start, end), (edits, start, end)


def test_long_layers_map_spans_to_the_original() -> None:
    """More edits than the walking limit: the bisection index is used, and spans still land on the original."""
    text = "Aniesss  yg pilihhh, " * 200
    nt = normalise(text)
    assert max(len(layer) for layer in nt.layers) > 100
    for i in range(0, 200, 7):
        start = nt.text.index("anies", i * len("anies yang pilih, "))
        s, e = nt.span_to_original(start, start + 5)
        assert text[s:e] == "Aniesss"


def _naive_longest_first(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if not any(h.start < k.end and k.start < h.end for k in kept):
            kept.append(h)
    return kept


def test_interval_questions_match_their_definitions() -> None:
    rng = random.Random(2)
    for _ in range(800):
        hits = [Hit(s, s + rng.randint(1, 6), i) for i, s in enumerate(rng.randint(0, 30)  # type: ignore[arg-type]
                                                                        for _ in range(rng.randint(0, 12)))]
        kept = longest_first(hits)
        assert kept == (_naive_longest_first(hits) if len(hits) > 1 else hits)
        spans = [(h.start, h.end) for h in hits]
        window = rng.randint(1, 10)
        disjoint = Disjoint(kept) if kept else None
        nearby, covering = (Nearby(spans), Covering(hits)) if hits else (None, None)
        for s in range(36):
            for e in range(s + 1, s + 6):
                if disjoint:
                    assert disjoint.overlaps(s, e) == any(s < k.end and k.start < e for k in kept)
                if nearby and covering:
                    assert nearby.near(s, e, window) == any(a < e + window and b > s - window and (b <= s or a >= e)
                                                            for a, b in spans)
                    assert covering.contains(s, e) == any(h.start <= s and e <= h.end for h in hits)


def test_hashtag_positions_match_walking_back() -> None:
    def walk(text: str, pos: int) -> bool:
        i = pos - 1
        while i >= 0 and (text[i].isalnum() or text[i] == "_"):
            i -= 1
        return i >= 0 and text[i] == "#"

    rng = random.Random(3)
    for _ in range(5000):
        text = "".join(rng.choice("ab_#  .é1💪#") for _ in range(rng.randint(0, 20)))
        tags = _Hashtags(text)
        assert all(tags.inside(pos) == walk(text, pos) for pos in range(len(text) + 1)), text


def test_tokenisers_match_the_token_regex() -> None:
    rng = random.Random(4)
    pieces = ["amin", "ya", " ", "  ", ",", "x", "abc", "é", "💪", "_", "12", ".", "a", "\t", "ß", "٣"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert ctx.tokens(text) == ctx.TOKEN_RE.findall(text), text
        pos = rng.randint(0, len(text))
        for count in (1, 2, 3):
            window = text[max(0, pos - 40):pos]
            assert ctx.tokens_before(text, pos, count) == ctx.TOKEN_RE.findall(window)[-count:][::-1]
            assert ctx.tokens_after(text, pos, count) == ctx.TOKEN_RE.findall(text[pos:pos + 40])[:count]


def test_number_finders_match_number_regex() -> None:
    padded = re.compile(r"(?<!\d)0[1-9](?!\d)")
    rng = random.Random(5)
    pieces = ["1", "2", "02", "00", "0", "05", "10", "123", "satu", "dua", " ", ".", ":", "/", ",", "#", "@", "+",
              "-", "%", "(", ")", "a", "_", "é", "٣"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        split = sorted([m.span(1) for m in ctx._DIGIT_NUMBER_RE.finditer(text)]
                       + [m.span(1) for m in ctx._WORD_NUMBER_RE.finditer(text)])
        assert split == [m.span(1) for m in ctx.NUMBER_RE.finditer(text)], text
        assert [m.span() for m in ctx.PADDED_RE.finditer(text)] == [m.span() for m in padded.finditer(text)], text


def test_number_cue_gate_of_the_automaton_changes_nothing() -> None:
    """find_numbers told by the automaton whether a cue word occurs finds what it finds looking for one itself."""
    matcher = Matcher.from_files()
    rng = random.Random(6)
    words = ["coblos", "nomor", "urut", "no", "salam", "jari", "lantai", "02", "2", "3", "dua", "pilih", "pilihan",
             "tim", "timur", "dicoblos", "(2)", "01.", "capres", "rt", "amin", "🤟", "kerja", "x"]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        t = normalise(text).text
        _, cue_hint = matcher.automaton.find(t)
        spans = [(0, 1)] if rng.random() < 0.5 else []
        assert ctx.find_numbers(t, spans, cue_hint) == ctx.find_numbers(t, spans), t
