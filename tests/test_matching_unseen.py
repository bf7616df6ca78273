"""The unseen-style set (tests/data/eval_unseen.jsonl: regional contests, code-mixing, English, typos, traps) and
the general rules added for it: lone keycap digits, leet digits opening a word, Javanese/Sundanese ballot-number
words, a padded number after a word choosing a side, lists of every pair's number, pairs of long-over contests,
slips in long one-word names, regional negators, and the lexicon entries (morphology of "bohong", English "vote",
"support", "don't", "spread", Sundanese/Javanese hoax words, legislative and fact-check neutral words)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.matching import Matcher
from crawler.matching.context import is_negated
from crawler.matching.lexicon import typo_variants
from crawler.matching.normalise import normalise

DATA = Path(__file__).parent / "data"
PILPRES = "2024-01-20T10:00:00+07:00"
PILGUB = "2024-11-10T10:00:00+07:00"
AFTER_PILPRES = "2025-03-01T10:00:00+07:00"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_files()


def test_unseen_set_thresholds() -> None:
    result = CliRunner().invoke(cli, ["eval", "--input", str(DATA / "eval_unseen.jsonl")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.strip().splitlines()[-1])
    assert scores["posts"] >= 100
    assert scores["flag"]["f1"] >= 0.93
    assert scores["candidates"]["f1"] >= 0.92


# --- normalisation ------------------------------------------------------------------------------------------------
def test_lone_keycap_digit_is_zero_padded() -> None:
    text = "aku mah 3\ufe0f\u20e3 aja"
    nt = normalise(text)
    assert nt.text == "aku mah 03 saja"
    s = nt.text.index("03")
    assert nt.original_text(s, s + 2) == "3\ufe0f\u20e3"


def test_several_keycap_digits_are_a_list() -> None:
    assert normalise("1\ufe0f\u20e3 bawa KTP 2\ufe0f\u20e3 bawa undangan").text == "1 bawa ktp 2 bawa undangan"


@pytest.mark.parametrize("text, expected", [
    ("3mil", "emil"),
    ("kang 3rwan", "kang erwan"),
    ("4n1es", "anies"),
    ("10rb 2x 3km", "10rb 2x ekm"),  # a digit after a digit stays; "2" is no leet digit
])
def test_leet_digit_opening_a_word(text: str, expected: str) -> None:
    assert normalise(text).text == expected


def test_leet_opening_a_word_finds_the_alias(matcher: Matcher) -> None:
    d = matcher.match("Kang 3rwan Setiawan pasti menang, Jabar juara", posted_at=PILGUB)
    assert d.candidates == ["pilgub-jabar-2024-4"] and d.flagged


# --- ballot numbers -----------------------------------------------------------------------------------------------
def test_keycap_with_election_context_is_a_ballot_number(matcher: Matcher) -> None:
    d = matcher.match("Pilkada DKI tinggal seminggu, aku mah 1\ufe0f\u20e3 🙏", posted_at=PILGUB)
    assert d.candidates == ["pilgub-dki-2024-1"] and d.flagged
    assert any(m["text"] == "1\ufe0f\u20e3" for m in d.matches)


def test_keycap_list_is_no_ballot_number(matcher: Matcher) -> None:
    d = matcher.match("Ke TPS pilkada: 1\ufe0f\u20e3 bawa KTP 2\ufe0f\u20e3 bawa undangan 3\ufe0f\u20e3 datang pagi",
                      posted_at=PILGUB)
    assert d.candidates == [] and not d.flagged


@pytest.mark.parametrize("text, posted, cand", [
    ("Pilgub Jabar engke, nomer opat pokona", PILGUB, "pilgub-jabar-2024-4"),
    ("Pilpres 14 Februari, coblos nomer loro", PILPRES, "pilpres-2024-02"),
    ("Pilpres sesuk, aku nomer telu", PILPRES, "pilpres-2024-03"),
    ("Pilgub Jakarta, pilihan abdi nomer hiji", PILGUB, "pilgub-dki-2024-1"),
])
def test_javanese_and_sundanese_number_words(matcher: Matcher, text: str, posted: str, cand: str) -> None:
    d = matcher.match(text, posted_at=posted)
    assert d.candidates == [cand] and d.flagged


def test_number_word_needs_a_number_cue(matcher: Matcher) -> None:
    d = matcher.match("Pilgub Jabar kari hiji minggu deui", posted_at=PILGUB)
    assert d.candidates == []


def test_padded_number_after_a_choosing_word(matcher: Matcher) -> None:
    d = matcher.match("Pendukung 01 kok pada baperan 🙄", posted_at=PILPRES)
    assert d.candidates == ["pilpres-2024-01"] and d.flagged


def test_padded_number_after_other_words_still_needs_context(matcher: Matcher) -> None:
    assert matcher.match("Kelompok 02 presentasi duluan ya", posted_at=PILPRES).candidates == []
    assert matcher.match("tim 02 futsal kantor latihan sore", posted_at=PILPRES).candidates == []


def test_every_pair_listed_by_number_is_news(matcher: Matcher) -> None:
    d = matcher.match("Urutan di surat suara Pilpres: nomor urut 1 Anies-Muhaimin, 2 Prabowo-Gibran, "
                      "3 Ganjar-Mahfud.", posted_at=PILPRES)
    assert len(d.candidates) == 3 and not d.flagged
    d = matcher.match("Rekap C1 TPS kami: paslon 01 120 suara, 02 98 suara, 03 75 suara", posted_at="2024-02-15")
    assert len(d.candidates) == 3 and not d.flagged


def test_reminder_showing_every_gesture_is_not_a_salute(matcher: Matcher) -> None:
    d = matcher.match("Pemilu sebentar lagi: pose ☝️ ✌️ 🤟 di foto kantor bisa dilaporkan ke Bawaslu",
                      posted_at=PILPRES)
    assert not d.flagged


def test_choosing_one_of_the_listed_numbers_still_counts(matcher: Matcher) -> None:
    d = matcher.match("01 dan 03 lewat, coblos 02 saja", posted_at=PILPRES)
    assert d.flagged


# --- contests long over -------------------------------------------------------------------------------------------
def test_naming_a_pair_long_after_the_election_is_not_partisan(matcher: Matcher) -> None:
    text = "Presiden Prabowo meresmikan jembatan di kabupaten kami"
    later = matcher.match(text, posted_at=AFTER_PILPRES)
    assert later.candidates == ["pilpres-2024-02"] and not later.flagged
    assert "sudah lama selesai" in later.explanation
    assert matcher.match(text, posted_at=PILPRES).flagged  # during the campaign it is
    assert matcher.match(text).flagged  # and without a date


def test_a_partisan_cue_still_counts_after_the_election(matcher: Matcher) -> None:
    assert matcher.match("Prabowo idolaku, lanjutkan!", posted_at=AFTER_PILPRES).flagged


# --- lexicon entries ----------------------------------------------------------------------------------------------
def test_forms_of_bohong_attack_a_party(matcher: Matcher) -> None:
    d = matcher.match("Golkar cuma bisa membohongi rakyat", posted_at=PILPRES)
    assert d.flagged and d.category == "menjelekkan" and d.parties == ["golkar"]


def test_english_dont_vote_is_an_attack(matcher: Matcher) -> None:
    assert is_negated(normalise("guys don't vote").text, normalise("guys don't vote").text.index("vote"))
    d = matcher.match("Seriously guys, don't vote Perindo", posted_at=PILPRES)
    assert d.flagged and d.category == "menjelekkan"


def test_english_support_for_a_party(matcher: Matcher) -> None:
    d = matcher.match("Full support PKB sampai akhir 💚", posted_at=PILPRES)
    assert d.flagged and d.parties == ["pkb"]


def test_legislative_news_naming_parties_is_neutral(matcher: Matcher) -> None:
    d = matcher.match("Fraksi PKS dan PDIP sepakat soal anggaran daerah tahun depan", posted_at=PILPRES)
    assert not d.flagged


def test_fact_check_naming_a_candidate_is_neutral(matcher: Matcher) -> None:
    d = matcher.match("Cek fakta: foto Ganjar bersama artis itu editan, jangan ikut menyebarkan", posted_at=PILPRES)
    assert d.candidates == ["pilpres-2024-03"] and not d.flagged


# --- slips in long names ------------------------------------------------------------------------------------------
def test_typo_variants_of_a_long_name() -> None:
    variants = typo_variants("ganjar")
    assert {"ganjr", "gajnar", "gnjar"} <= variants
    assert "ganja" not in variants and "anjar" not in variants and "ganjar" not in variants


def test_a_slip_in_a_name_counts_with_election_context(matcher: Matcher) -> None:
    d = matcher.match("Gibarn keren pas debat cawapres semalam", posted_at=PILPRES)
    assert d.candidates == ["pilpres-2024-02"] and d.flagged
    assert any(m["text"] == "Gibarn" for m in d.matches)


def test_a_slip_in_a_name_without_context_is_nobody(matcher: Matcher) -> None:
    assert matcher.match("Gibarn keren banget gambarnya", posted_at=PILPRES).candidates == []


# --- regional negation and hoax words -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Ojo pilih Gibran rek", "Teu dukung Syaikhu abdi mah", "Entong pilih Suswono"])
def test_javanese_sundanese_betawi_negation(matcher: Matcher, text: str) -> None:
    d = matcher.match(text, posted_at=PILGUB if "Gibran" not in text else PILPRES)
    assert d.flagged and d.category == "menjelekkan"


def test_regional_and_english_hoax_words(matcher: Matcher) -> None:
    d = matcher.match("Jare suarane Ganjar arep diilangke, spread ke grup keluarga!", posted_at=PILPRES)
    assert d.flagged and d.category == "hoaks"
    d = matcher.match("Cenah KDM rek mundur ti pilgub, sebarkeun!", posted_at=PILGUB)
    assert d.flagged and d.category == "hoaks"
