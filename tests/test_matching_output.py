"""What `matches` lists (the watch terms whether or not the post refers to anyone) and spans on long texts."""
from __future__ import annotations

import pytest

from crawler.matching import Matcher

PILPRES = "2024-01-20T10:00:00+07:00"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_files()


def _rows(decision) -> list[tuple[str, str, str, str]]:
    return [(m["id"], m["kind"], m["text"], m["category"]) for m in decision.matches]


def test_watch_terms_are_listed_without_a_reference(matcher: Matcher) -> None:
    """A post naming nobody lists its watch terms, with or without a zero-padded number in it (a number used to be
    the only way they got listed); the decision stays: not flagged."""
    plain = matcher.match("Mantap pokoknya, apel pagi di kantor", posted_at=PILPRES)
    padded = matcher.match("Mantap pokoknya, apel pagi di kantor lantai 02", posted_at=PILPRES)
    for d in (plain, padded):
        assert not d.flagged and d.candidates == [] and d.category is None
        assert _rows(d) == [("dkg-mantap", "term", "Mantap", "dukungan_medsos"),
                            ("dkg-pokoknya", "term", "pokoknya", "dukungan_medsos"),
                            ("fas-apel", "term", "apel", "fasilitas_negara")]
    assert plain.matches[2]["span"] == [17, 21]


def test_neutral_signs_and_rejected_aliases(matcher: Matcher) -> None:
    notice = matcher.match("ASN wajib netral", posted_at=PILPRES)
    assert not notice.flagged and _rows(notice) == [("net-netral", "term", "netral", "netral")]
    # "Amin" in a prayer is no reference and is not listed; the explanation still says why it did not count
    prayer = matcher.match("Amin ya Allah, mantap pokoknya", posted_at=PILPRES)
    assert not prayer.flagged and prayer.candidates == []
    assert [m["id"] for m in prayer.matches] == ["dkg-mantap", "dkg-pokoknya"]
    assert "“Amin”" in prayer.explanation


def test_cue_needing_election_context_is_listed_only_with_it(matcher: Matcher) -> None:
    bare = matcher.match("salam 2 jari buat kalian", posted_at=PILPRES)
    assert "ges-salam-2-jari" not in [m["id"] for m in bare.matches]
    with_context = matcher.match("debat capres tadi malam, salam 2 jari buat kalian", posted_at=PILPRES)
    assert "ges-salam-2-jari" in [m["id"] for m in with_context.matches]


def test_pipeline_output_shape_is_unchanged(matcher: Matcher) -> None:
    out = matcher.match("Mantap pokoknya, apel pagi", posted_at=PILPRES).to_output("p1")
    assert list(out) == ["id", "flagged", "candidates", "parties", "category", "severity", "matches", "explanation"]
    assert set(out["matches"][0]) == {"id", "kind", "text", "span", "candidate_id", "party_id", "category"}


UNIT = ("wah 𝐏𝐫𝐚𝐛𝐨𝐰𝐨 dan A n i e s, yg   Ganjarrrr mantap!! Pr4b0wo-Gibran #PrabowoGibran2024 "
        "pokoknya\tkaos 🤟 ")
UNIT_MATCHES = [("pilpres-2024-02", "candidate", "𝐏𝐫𝐚𝐛𝐨𝐰𝐨"), ("pilpres-2024-01", "candidate", "A n i e s"),
                ("pilpres-2024-03", "candidate", "Ganjarrrr"), ("dkg-mantap", "term", "mantap"),
                ("pilpres-2024-02", "candidate", "Pr4b0wo-Gibran"),
                ("pilpres-2024-02", "hashtag", "#PrabowoGibran2024"), ("dkg-pokoknya", "term", "pokoknya"),
                ("atr-kaos", "term", "kaos"), ("pilpres-2024-03", "gesture", "🤟")]


def test_spans_of_a_long_text(matcher: Matcher) -> None:
    """30 KB and 2,700 matches, through every rewrite that moves positions (folded letters, spaced letters,
    leetspeak, elongation, abbreviations, white space): each span is where its unit's span is, shifted."""
    one = matcher.match(UNIT, posted_at=PILPRES)
    assert [(m["id"], m["kind"], m["text"]) for m in one.matches] == UNIT_MATCHES
    copies = 300
    text = UNIT * copies
    assert len(text) > 30_000
    decision = matcher.match(text, posted_at=PILPRES)
    expected = [(m["id"], m["kind"], [m["span"][0] + k * len(UNIT), m["span"][1] + k * len(UNIT)])
                for k in range(copies) for m in one.matches]
    assert [(m["id"], m["kind"], m["span"]) for m in decision.matches] == expected
    assert all(text[m["span"][0]:m["span"][1]] == m["text"] for m in decision.matches)
    assert decision.candidates == ["pilpres-2024-02", "pilpres-2024-01", "pilpres-2024-03"]


def test_a_term_naming_a_candidate_is_listed_once(matcher: Matcher) -> None:
    """#TolakAnies is a watch term naming pair 01: one row, as a reference with the term's category."""
    d = matcher.match("debat capres semalam, #TolakAnies pokoknya", posted_at=PILPRES)
    rows = [(m["id"], m["candidate_id"], m["category"]) for m in d.matches if m["id"] == "tag-tolakanies"]
    assert rows == [("tag-tolakanies", "pilpres-2024-01", "menjelekkan")]
    assert d.flagged and d.candidates == ["pilpres-2024-01"]


def test_neutral_sign_is_explained_without_a_reference(matcher: Matcher) -> None:
    """The explanation names the neutral sign whether or not a candidate is named."""
    alone = matcher.match("ASN wajib netral", posted_at=PILPRES)
    named = matcher.match("ASN wajib netral, Prabowo datang ke kantor", posted_at=PILPRES)
    for d in (alone, named):
        assert not d.flagged and "Tanda netral: “netral”" in d.explanation
