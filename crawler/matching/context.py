"""Context rules: when an ambiguous alias, a slogan, a ballot number or a gesture counts, negation, contests.

- An ambiguous alias ("Abah", "Gita", "AMIN") or a slogan counts only with election context within a window, a
  non-ambiguous reference to a candidate elsewhere in the post, another weak reference to the same candidate, or
  weak references to three or more pairs of one contest (a comparison of the pairs). A prayer ("amin ya Allah")
  never counts.
- A bare number counts as a ballot number after a ballot cue ("coblos 02", "nomor urut 3", "salam 2 jari") with
  election context, or when zero-padded ("01", "02") with election context, unless a word around it says it is a
  floor, room, time, queue, rank, jersey or legislative list number.
- Which pair a number means: the contest the post names or refers to, else the contest whose campaign is on at
  the post's date, else the national one.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from crawler.matching.lexicon import NUMBER_WORDS, Lexicon

logger = logging.getLogger(__name__)

CONTEXT_WINDOW = 100  # characters of normalised text either side of an ambiguous alias

# A number: 0[1-9], [1-9] or a number word, not after [\w.:/,#@+-] and not before [\w%] or [.:/,] plus a digit.
# Each branch starts with a literal and checks the character before it afterwards (a lookbehind), so that the
# regex engine skips ahead to candidate characters (same matches as a leading lookbehind, faster).
_NOT_AFTER = r"[\w.:/,#@+-]"
NUMBER_RE = re.compile(
    "(" + "|".join([f"0[1-9](?<!{_NOT_AFTER}..)"] + [f"{d}(?<!{_NOT_AFTER}.)" for d in "123456789"]
                   + [f"{w}(?<!{_NOT_AFTER}{w})" for w in ("satu", "dua", "tiga", "empat", "lima")])
    + r")(?![\w%]|[.:/,]\d)")
# cues before a number, nearest first after reversal; strong cues need no further context
STRONG_NUMBER_CUES = frozenset({"coblos", "nyoblos", "dicoblos", "paslon", "capres", "cawapres", "cagub",
                                "cawagub", "cabup", "calon"})
WEAK_NUMBER_CUES = frozenset({"nomor", "no", "urut", "pilih", "milih", "pilihan", "pemilih", "pendukung",
                              "dukung", "kubu", "tim", "menangkan", "lanjutkan", "salam"})
# every cue word contains one of these (a cheap superset test before tokenising)
CUE_PROBES = ("coblos", "nyoblos", "paslon", "capres", "cawapres", "cagub", "cawagub", "cabup", "calon", "no", "urut", "pilih",
              "milih", "dukung", "kubu", "tim", "menangkan", "lanjutkan", "salam")
ANTI_NUMBER_WORDS = frozenset({
    "antrian", "antri", "antre", "antrean", "lantai", "lt", "ruang", "ruangan", "kamar", "rt", "rw", "jam", "pukul",
    "ranking", "rangking", "peringkat", "juara", "jersey", "jersei", "kelas", "angkatan", "menit", "halaman", "hal",
    "tahun", "bulan", "hari", "tanggal", "tgl", "gedung", "blok", "gang", "loket", "meja", "pintu", "gol", "babak",
    "anak", "bus", "orang", "persen", "kali", "minggu", "rumah", "dapil", "caleg", "dprd", "dpr", "pasal", "ayat",
    "poin", "tahap", "gelombang", "sesi", "putaran", "episode", "season", "part", "level", "ke", "tps", "lagu",
    "kg", "km", "jt", "juta", "ribu", "rb", "pcs", "buah", "porsi", "gelas", "piring", "lembar", "unit", "bab",
})
LEGISLATIVE_WORDS = frozenset({"dapil", "caleg", "dprd", "dpr", "dpd"})
LEGISLATIVE_PROBES = ("dapil", "caleg", "dpr", "dpd")  # every word of LEGISLATIVE_WORDS contains one of these
PRAYER_FOLLOWERS = frozenset({"ya", "yra", "alah", "alamin", "rabal", "yarab", "amin", "allahuma", "aamiin"})
PRAYER_OPENERS = frozenset({"semoga", "moga", "mudah", "doa", "doanya", "insyaalah", "insyalah", "berdoa"})
PERSON_ROLES = frozenset({
    "guru", "tukang", "satpam", "sopir", "supir", "tetangga", "teman", "temen", "kawan", "sahabat", "sobat", "staf",
    "staff", "pegawai", "kepala", "kabag", "kasubag", "kasi", "anak", "adik", "adek", "kakak", "om", "tante",
    "paman", "bibi", "ponakan", "keponakan", "ustadz", "ustad", "ustaz", "kucing", "mahasiswa", "siswa", "murid",
    "bos", "rekan", "marbot", "dokter", "bidan", "perawat", "kurir", "ojol", "penjual", "pedagang", "juragan",
    "pemilik", "karyawan", "magang", "honorer", "cleaning", "ob", "office", "bapak", "ibu", "mertua", "suami",
    "istri", "sepupu", "cucu", "kakek", "nenek", "penjaga", "tukang", "montir", "pelatih", "kiper", "striker",
})
_ROLE_FILLERS = frozenset({"yang", "si", "itu", "kita", "kami", "sang"})
NEGATORS = frozenset({"jangan", "tidak", "bukan", "ogah", "anti", "ulah", "stop", "tolak", "haram", "moal",
                      "emoh", "males", "malas"})
TOKEN_RE = re.compile(r"[^\W_]+")
_FIRST_TOKEN_RE = re.compile(r"[\W_]*([^\W_]+)")


@dataclass
class NumberRef:
    start: int
    end: int
    number: int
    gesture: bool  # "N jari" or a gesture emoji
    strong: bool  # a strong ballot cue or "salam N jari"
    padded: bool


def tokens_before(text: str, pos: int, count: int) -> list[str]:
    """Up to `count` word tokens ending before `pos`, nearest first."""
    return TOKEN_RE.findall(text[max(0, pos - 40):pos])[-count:][::-1]


def tokens_after(text: str, pos: int, count: int) -> list[str]:
    """Up to `count` word tokens starting at or after `pos` (within 40 characters)."""
    if count == 1:  # the first token only: no need to tokenise the whole window
        m = _FIRST_TOKEN_RE.match(text, pos, pos + 40)
        return [m.group(1)] if m else []
    return TOKEN_RE.findall(text[pos:pos + 40])[:count]


def _context_outside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(e <= start or s >= end for s, e in spans)


def find_numbers(text: str, context_spans: list[tuple[int, int]]) -> list[NumberRef]:
    """Ballot numbers and textual gestures in normalised text (see the module docstring).

    `context_spans` are the election-context words found in the post; a cue word does not count as its own context.
    """
    refs: list[NumberRef] = []
    if not context_spans and "jari" not in text and not any(w in text for w in CUE_PROBES):
        return refs  # without context, a number counts only after a cue word or before "jari"
    # a legislative word is a token of the text only if it occurs in it at all: most texts skip that check
    legislative = any(w in text for w in LEGISLATIVE_PROBES)
    for m in NUMBER_RE.finditer(text):
        raw = m.group(1)
        padded = raw.isdigit() and raw.startswith("0")
        number = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        before = tokens_before(text, m.start(), 3)
        after = tokens_after(text, m.end(), 2)
        cue = before[0] if before else ""
        if after and after[0] == "jari":
            end = text.index("jari", m.end()) + 4
            if cue == "salam":
                refs.append(NumberRef(text.rindex("salam", 0, m.start()), end, number, True, True, padded))
            elif any(ch in text[end:end + 4] for ch in "\u270c\u261d\U0001f91f\U0001f596") \
                    or _context_outside(context_spans, m.start(), end):
                refs.append(NumberRef(m.start(), end, number, True, False, padded))
            continue
        if not raw.isdigit() and cue not in ("nomor", "no", "urut"):
            continue
        if text[m.start() - 1:m.start()] == "(" or text[m.end():m.end() + 1] == ")":
            continue  # list numbering "(2)"
        gap = text[max(0, m.start() - 2):m.start()]
        if cue and not gap.endswith(" ") and not gap.endswith(cue[-1:]):
            cue = ""  # punctuation between the cue and the number: not a cue
        anti = [w for w in before[:2] if w in ANTI_NUMBER_WORDS and not (padded and w == "ke")]
        if anti or any(w in ANTI_NUMBER_WORDS for w in after[:1]):
            continue
        if legislative and LEGISLATIVE_WORDS.intersection(TOKEN_RE.findall(text[max(0, m.start() - 60):m.end() + 30])):
            continue
        if cue in STRONG_NUMBER_CUES or cue in WEAK_NUMBER_CUES:
            start = text.rindex(cue, 0, m.start())
            if len(before) > 1 and " ".join(before[1::-1]) in ("nomor urut", "no urut"):
                start = text.rindex(before[1], 0, start)
            if cue in STRONG_NUMBER_CUES:
                refs.append(NumberRef(start, m.end(), number, False, True, padded))
            elif _context_outside(context_spans, start, m.end()):
                refs.append(NumberRef(start, m.end(), number, False, cue in ("nomor", "urut", "pilih"), padded))
        elif padded and (_context_outside(context_spans, m.start(), m.end())
                         or any(w in STRONG_NUMBER_CUES or w in WEAK_NUMBER_CUES for w in before[:2])):
            refs.append(NumberRef(m.start(), m.end(), number, False, False, padded))
    return refs


def is_prayer(text: str, start: int, end: int) -> bool:
    """"amin ya Allah", "amin amin", or a closing "amin" after a wish ("semoga ..., amin")."""
    after = tokens_after(text, end, 1)
    if after and after[0] in PRAYER_FOLLOWERS:
        return True
    before = tokens_before(text, start, 1)
    if before and before[0] in PRAYER_FOLLOWERS:
        return True
    rest = text[end:end + 12]
    closing = not TOKEN_RE.search(rest.split(".")[0].split("!")[0]) if rest.strip() else True
    if not closing:
        return False
    window = text[max(0, start - 120):start]
    # an opener is a whole token of the window only if it occurs in it at all: most windows skip the tokenising
    return any(w in window for w in PRAYER_OPENERS) and bool(PRAYER_OPENERS.intersection(TOKEN_RE.findall(window)))


def names_someone_else(text: str, end: int) -> bool:
    """A one-word name followed by an ordinary person's role ("Pak Mahfud guru ngaji", "Dedi satpam kantor")."""
    for w in tokens_after(text, end, 3):
        if w not in _ROLE_FILLERS:
            return w in PERSON_ROLES
    return False


def is_negated(text: str, start: int) -> bool:
    """A negator within the two words before `start`, not part of "jangan lupa"."""
    before = tokens_before(text, start, 2)
    if not before:
        return False
    if before[0] in ("lupa", "sampai", "sampe") and len(before) > 1 and before[1] in NEGATORS:
        return False
    return any(w in NEGATORS for w in before)


def resolve_number(lex: Lexicon, number: int, hinted: list[str], posted: date | None) -> str | None:
    """The candidate id a ballot number means here, or None when it cannot be told."""
    having = [c for c in lex.contests.values() if number in c.candidates]
    if not having:
        return None
    for contest_id in hinted:
        contest = lex.contests.get(contest_id)
        if contest and number in contest.candidates:
            return contest.candidates[number]
    if posted is not None:
        live = [c for c in having if c.election_date and c.campaign_start
                and c.campaign_start - timedelta(days=120) <= posted <= c.election_date + timedelta(days=7)]
        if len(live) == 1:
            return live[0].candidates[number]
        if len(live) > 1:
            national = [c for c in live if c.level == "nasional"]
            return national[0].candidates[number] if len(national) == 1 else None
    national = [c for c in having if c.level == "nasional"]
    if len(national) == 1:
        return national[0].candidates[number]
    return having[0].candidates[number] if len(having) == 1 else None
