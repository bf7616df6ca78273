"""Matcher behaviour: normalisation, context rules, negation, decisions, spans on the original text."""
from __future__ import annotations

import pytest

from crawler.matching import Matcher
from crawler.matching.normalise import normalise

PILPRES = "2024-01-20T10:00:00+07:00"
PILGUB = "2024-11-10T10:00:00+07:00"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_files()


def spans_ok(text: str, decision) -> None:
    for m in decision.matches:
        s, e = m["span"]
        assert text[s:e] == m["text"]


@pytest.mark.parametrize("text, expected", [
    ("𝐏𝐫𝐚𝐛𝐨𝐰𝐨 menang", "prabowo menang"),
    ("Ga\u200bnjar", "ganjar"),
    ("Pr4b0wo", "prabowo"),
    ("pilihhhh Aniesss", "pilih anies"),
    ("P.r.a.b.o.w.o", "prabowo"),
    ("A n i e s", "anies"),
    ("yg gk bgt dgn", "yang tidak banget dengan"),
    ("Anies-Muhaimin", "anies muhaimin"),
])
def test_normalisation(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize("text, cand", [
    ("𝐀𝐧𝐢𝐞𝐬 semoga amanah", "pilpres-2024-01"),
    ("Pr4b0wo pilihanku", "pilpres-2024-02"),
    ("pokoknya Aniesss", "pilpres-2024-01"),
    ("P.r.a.b.o.w.o aja", "pilpres-2024-02"),
    ("G a n j a r mantap", "pilpres-2024-03"),
    ("Gas terus #PrabowoGibran2024", "pilpres-2024-02"),
    ("gas terus #prabowogibran", "pilpres-2024-02"),
    ("semangat #PilihGanjar", "pilpres-2024-03"),
    ("salam dua jari ✌️ buat kita semua", "pilpres-2024-02"),
    ("3 jari 🤟 dari meja kerja", "pilpres-2024-03"),
    ("☝️☝️ coblos nomor 1", "pilpres-2024-01"),
])
def test_styles_detect_candidate(matcher: Matcher, text: str, cand: str) -> None:
    d = matcher.match(text, posted_at=PILPRES)
    assert cand in d.candidates, d.explanation
    assert d.flagged
    spans_ok(text, d)


def test_spans_point_into_original_text(matcher: Matcher) -> None:
    text = "wah 𝐏𝐫𝐚𝐛𝐨𝐰𝐨 dan A n i e s dan Ganjarrrr"
    d = matcher.match(text, posted_at=PILPRES)
    found = {m["text"] for m in d.matches if m["kind"] == "candidate"}
    assert found == {"𝐏𝐫𝐚𝐛𝐨𝐰𝐨", "A n i e s", "Ganjarrrr"}
    spans_ok(text, d)


def test_negation_is_not_support(matcher: Matcher) -> None:
    d = matcher.match("Jgn pilih Prabowo, inget sejarah", posted_at=PILPRES)
    assert d.candidates == ["pilpres-2024-02"]
    assert d.flagged and d.category == "menjelekkan"
    assert "jangan" in d.explanation.lower() or "Jgn pilih" in d.explanation
    pos = matcher.match("Jangan lupa coblos Prabowo ya", posted_at=PILPRES)
    assert pos.category == "dukungan_medsos"


@pytest.mark.parametrize("text", ["anakku makin gemoy aja 🥰", "Amin ya Allah semoga sembuh",
                                  "Selamat ulang tahun Abah, sehat selalu", "Pak Dedi kepala bagian umum pensiun"])
def test_ambiguous_alias_without_context(matcher: Matcher, text: str) -> None:
    d = matcher.match(text, posted_at=PILPRES)
    assert d.candidates == [] and not d.flagged


@pytest.mark.parametrize("text, cand", [
    ("Ikut kampanye akbar AMIN hari Sabtu, kumpul jam 6", "pilpres-2024-01"),
    ("gemoy bgt capres satu ini, 14 Februari pilih dia", "pilpres-2024-02"),
])
def test_ambiguous_alias_with_context(matcher: Matcher, text: str, cand: str) -> None:
    d = matcher.match(text, posted_at=PILPRES)
    assert cand in d.candidates and d.flagged


@pytest.mark.parametrize("text", ["Layanan pindah ke lantai 2 ruang 02", "jam 02.00 masih lembur",
                                  "dapet nomor urut 1 di antrian BPJS", "juara 1 lomba masak"])
def test_numbers_without_context(matcher: Matcher, text: str) -> None:
    d = matcher.match(text, posted_at=PILPRES)
    assert d.candidates == [] and not d.flagged


@pytest.mark.parametrize("text, posted, cand", [
    ("14 Feb coblos 02 aja", PILPRES, "pilpres-2024-02"),
    ("Pilgub Jabar nanti pilih nomor 4 ya", PILGUB, "pilgub-jabar-2024-4"),
    ("Kang Jeje pasti menang, salam 2 jari", PILGUB, "pilgub-jabar-2024-2"),
])
def test_numbers_with_context(matcher: Matcher, text: str, posted: str, cand: str) -> None:
    d = matcher.match(text, posted_at=posted)
    assert cand in d.candidates and d.flagged


def test_comment_under_candidate_page(matcher: Matcher) -> None:
    d = matcher.match("Siap hadir Pak! 2 bus dari kecamatan kami", kind="comment",
                      parent_text="Sampai jumpa di kampanye akbar", parent_candidate="pilpres-2024-01")
    assert d.flagged
    assert any(m["kind"] == "parent" and m["candidate_id"] == "pilpres-2024-01" for m in d.matches)
    plain = matcher.match("Siap hadir Pak! 2 bus dari kecamatan kami", kind="comment")
    assert not plain.flagged


def test_neutral_all_pairs_and_reminders(matcher: Matcher) -> None:
    news = matcher.match("Debat capres malam ini: Anies, Prabowo dan Ganjar adu gagasan", posted_at=PILPRES)
    assert len(news.candidates) == 3 and not news.flagged
    notice = matcher.match("ASN wajib netral, dilarang like atau share konten paslon manapun #ASNNetral")
    assert not notice.flagged
    tps = matcher.match("Besok 14 Februari ayo datang ke TPS, cek DPT online")
    assert not tps.flagged


def test_terms_from_data_without_code_change() -> None:
    from crawler.matching.loader import read_contests

    terms = [{"id": "t-x", "text": "Garuda Emas Melesat", "kind": "slogan", "category": "dukungan_medsos",
              "weight": 2.0, "scope": "national", "case_sensitive": False, "context": "none",
              "candidate_id": "pilpres-2024-02"}]
    m = Matcher.from_data(read_contests(), terms)
    d = m.match("Pokoknya garuda emas melesat!!")
    assert d.candidates == ["pilpres-2024-02"] and d.flagged
    assert d.to_output("x1")["id"] == "x1"


def test_shipped_term_ids_are_unique() -> None:
    """Term ids key the registry documents: a duplicate would silently overwrite another term on import."""
    from collections import Counter

    from crawler.matching.loader import read_terms

    counts = Counter(str(t.get("id")) for t in read_terms())
    assert all(t.get("id") for t in read_terms())
    assert [i for i, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("tail", ["", " 💪"])
def test_abbreviations_are_whole_words_in_ascii_and_other_text(tail: str) -> None:
    """Abbreviations expand only as whole words, next to punctuation too, whether or not the text is ASCII."""
    nt = normalise("Jgn,yg!aja_x gak\tbgt" + tail)
    assert nt.text == "jangan,yang!saja x tidak banget" + tail
    assert nt.span_to_original(0, 6) == (0, 3)
