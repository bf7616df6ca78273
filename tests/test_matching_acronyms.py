"""Party acronyms with repeated letters (PPP, PBB) keep their exact form: squeezing elongation must not turn them
into chat words ("P" as a greeting, "pb"); and the faster scans (squeeze, numbers, pre-checks) agree with the plain
regular expressions they replace."""
from __future__ import annotations

import random
import re
import sys

import pytest

from crawler.matching import Matcher
from crawler.matching.context import NUMBER_RE
from crawler.matching.lexicon import exact_form

PILPRES = "2024-01-20T10:00:00+07:00"
normalise_module = sys.modules["crawler.matching.normalise"]  # the package exports the function under that name


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_files()


@pytest.mark.parametrize("text", [
    "P, pak, besok rapat jam 9",
    "P, pak, besok rapat koordinasi pemilu jam 9",  # election context does not make "P" a party
    "p p p",
    "pb djarum menang",
    "pb djarum menang, debat capres seru",
    "PPPK formasi 2024 sudah dibuka",  # a longer word is not the acronym
])
def test_chat_words_are_not_party_acronyms(matcher: Matcher, text: str) -> None:
    d = matcher.match(text, posted_at=PILPRES)
    assert d.parties == [], d.matches
    assert not any(m["party_id"] for m in d.matches)
    assert not d.flagged


@pytest.mark.parametrize("text, party, word", [
    ("Saya kader PPP", "ppp", "PPP"),
    ("saya kader ppp", "ppp", "ppp"),
    ("Saya kader PPPP!!", "ppp", "PPPP"),  # elongated beyond the written form
    ("Saya kader 𝐏𝐏𝐏 sejak lama", "ppp", "𝐏𝐏𝐏"),
    ("Ayo coblos PBB nomor urut 18 di pemilu nanti", "pbb", "PBB"),
    ("Pileg 2024: PBB nomor urut 18", "pbb", "PBB"),
])
def test_party_acronyms_still_match(matcher: Matcher, text: str, party: str, word: str) -> None:
    d = matcher.match(text, posted_at=PILPRES)
    assert party in d.parties, d.explanation
    hit = next(m for m in d.matches if m["party_id"] == party)
    assert hit["text"] == word and text[slice(*hit["span"])] == word


def test_party_acronym_is_not_an_elongated_shorter_term(matcher: Matcher) -> None:
    """"PPP" as written is the party, not the watch term "pp" (profile picture) stretched."""
    d = matcher.match("Saya kader PPP", posted_at=PILPRES)
    assert d.category == "keanggotaan_parpol"
    assert "atr-pp" not in [m["id"] for m in d.matches]
    pp = matcher.match("ganti pp twibbon Prabowo", posted_at=PILPRES)
    assert "atr-pp" in [m["id"] for m in pp.matches]
    p = matcher.match("ganti p twibbon Prabowo", posted_at=PILPRES)
    assert "atr-pp" not in [m["id"] for m in p.matches]


def test_exact_form_rule() -> None:
    assert exact_form("PPP") == "ppp" and exact_form("PBB") == "pbb"
    assert exact_form("pp") == "pp"  # squeezed below three characters
    assert exact_form("#PPP") == "#ppp"
    assert exact_form("Ummat") == ""  # "umat" is long enough: elongation and spelling variants keep matching
    assert exact_form("Prabowo") == exact_form("PKB") == exact_form("✌") == ""


def test_custom_acronym_from_data() -> None:
    from crawler.matching.loader import read_contests

    contests = read_contests()
    contests = {**contests, "parties": [{"id": "kkn", "name": "Partai KKN", "aliases": ["KKN"]}]}
    m = Matcher.from_data(contests, [])
    assert m.match("kader KKN", posted_at=PILPRES).parties == ["kkn"]
    assert m.match("kader KN", posted_at=PILPRES).parties == []


def _squeeze_reference(text: str) -> tuple[str, list[tuple[int, int, int]]]:
    edits = [(m.start(), m.end(), 1) for m in re.finditer(r"([a-z])\1+", text)]
    return re.sub(r"([a-z])\1+", r"\1", text), edits


def test_squeeze_matches_the_plain_regex() -> None:
    rng = random.Random(3)
    alphabet = "aab zz\x00é💪\u0100\u6161P1"
    texts = ["", "a", "aa", "pilihhhh aniesss", "  xx  yyy 000", "💪💪aa💪", "\U00010000\U00010000ab"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    for text in texts:
        assert normalise_module._squeeze(text) == _squeeze_reference(text), text


def test_number_regex_matches_the_plain_lookbehind_form() -> None:
    plain = re.compile(r"(?<![\w.:/,#@+-])(0[1-9]|[1-9]|satu|dua|tiga|empat|lima)(?![\w%]|[.:/,]\d)")
    rng = random.Random(4)
    pieces = ["1", "2", "02", "00", "9", "satu", "dua", "lima", "tiga", "empat", " ", ".", ":", "/", ",", "#", "@",
              "+", "-", "%", "(", ")", "a", "x", "_"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    for text in texts:
        assert [m.span(1) for m in NUMBER_RE.finditer(text)] == [m.span(1) for m in plain.finditer(text)], text


def test_number_cue_probes_cover_every_cue() -> None:
    """find_numbers skips texts without context that contain no probe: every cue word must contain one."""
    from crawler.matching.context import CUE_PROBES, STRONG_NUMBER_CUES, WEAK_NUMBER_CUES

    assert [w for w in STRONG_NUMBER_CUES | WEAK_NUMBER_CUES if not any(p in w for p in CUE_PROBES)] == []


def test_first_token_after_matches_the_window_tokeniser() -> None:
    from crawler.matching.context import TOKEN_RE, tokens_after

    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice("ab _.é💪12-") for _ in range(rng.randint(0, 60)))
        pos = rng.randint(0, len(text) + 2)
        assert tokens_after(text, pos, 1) == TOKEN_RE.findall(text[pos:pos + 40])[:1], (text, pos)


def test_spaced_and_leet_prechecks_match_their_regexes() -> None:
    """On ASCII text the spaced-letters and leetspeak passes are gated by byte-class tests equal to the regexes."""
    rng = random.Random(6)
    for _ in range(5000):
        text = "".join(rng.choice("ab 1.-*_4@$x2z") for _ in range(rng.randint(0, 12)))
        classes = text.encode().translate(normalise_module._SPACED_CLASSES)
        assert (b"swsws" in classes) == (normalise_module._SPACED_HINT_RE.search(text) is not None), text
        leet = text.encode().translate(normalise_module._LEET_CLASSES)
        assert (b"a1a" in leet) == (normalise_module._LEET_RE.search(text) is not None), text
