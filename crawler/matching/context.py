"""Context rules: when an ambiguous alias, a slogan, a ballot number or a gesture counts, negation, contests.

- An ambiguous alias ("Abah", "Gita", "AMIN") or a slogan counts only with election context within a window, a
  non-ambiguous reference to a candidate elsewhere in the post, another weak reference to the same candidate, or
  weak references to three or more pairs of one contest (a comparison of the pairs). A prayer ("amin ya Allah")
  never counts.
- A bare number counts as a ballot number after a ballot cue ("coblos 02", "nomor urut 3", "salam 2 jari") with
  election context, or when zero-padded ("01", "02", a lone keycap 2️⃣) with election context or right after a word
  choosing a side ("milih 02"), unless a word around it says it is a floor, room, time, queue, rank, jersey or
  legislative list number. Number words: Indonesian, Javanese and Sundanese ("nomer telu", "nomer opat").
- Numbers naming every pair of a contest are a list, not partisan cues (the matcher: `_listed_contests`).
- Which pair a number means: the contest the post names or refers to, else the contest whose campaign is on at
  the post's date, else the national one.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from crawler.matching.lexicon import NUMBER_WORDS, Lexicon

logger = logging.getLogger(__name__)

CONTEXT_WINDOW = 100  # characters of normalised text either side of an ambiguous alias

# A number: 0[1-9], [1-9] or a number word, not after [\w.:/,#@+-] and not before [\w%] or [.:/,] plus a digit.
# Each branch starts with a literal and checks the character before it afterwards (a lookbehind), so that the
# regex engine skips ahead to candidate characters (same matches as a leading lookbehind, faster).
_NOT_AFTER = r"[\w.:/,#@+-]"
_NOT_BEFORE = r"(?![\w%]|[.:/,]\d)"
# Indonesian, then Javanese (siji loro telu papat) and Sundanese (hiji tilu opat) ballot numbers: a number word
# counts only right after "nomor", "no" or "urut", or before "jari" (see find_numbers); the regional ones are
# looked for only in texts containing "nomor " or "urut " (few do)
_INDONESIAN_NUMBER_WORDS = ("satu", "dua", "tiga", "empat", "lima")
_REGIONAL_NUMBER_WORDS = ("siji", "loro", "telu", "papat", "hiji", "tilu", "opat")
_NUMBER_WORDS = _INDONESIAN_NUMBER_WORDS + _REGIONAL_NUMBER_WORDS
NUMBER_RE = re.compile(
    "(" + "|".join([f"0[1-9](?<!{_NOT_AFTER}..)"] + [f"{d}(?<!{_NOT_AFTER}.)" for d in "123456789"]
                   + [f"{w}(?<!{_NOT_AFTER}{w})" for w in _NUMBER_WORDS])
    + ")" + _NOT_BEFORE)
# NUMBER_RE in two parts, so that the regex engine skips to the next digit (every branch starts with a literal: the
# engine then scans for their first characters, and digits are rare) and the number words are looked for only in
# the texts containing one; a digit and a word never overlap, so the two parts' matches in order are NUMBER_RE's
_DIGIT_NUMBER_RE = re.compile("(" + "|".join([f"0[1-9](?<!{_NOT_AFTER}..)"]
                                              + [f"{d}(?<!{_NOT_AFTER}.)" for d in "123456789"]) + ")" + _NOT_BEFORE)
_WORD_NUMBER_RE = re.compile("(" + "|".join(f"{w}(?<!{_NOT_AFTER}{w})" for w in _NUMBER_WORDS) + ")"
                             + _NOT_BEFORE)
# cues before a number, nearest first after reversal; strong cues need no further context
STRONG_NUMBER_CUES = frozenset({"coblos", "nyoblos", "dicoblos", "paslon", "capres", "cawapres", "cagub",
                                "cawagub", "cabup", "calon"})
WEAK_NUMBER_CUES = frozenset({"nomor", "no", "urut", "pilih", "milih", "pilihan", "pemilih", "pendukung",
                              "dukung", "kubu", "tim", "menangkan", "lanjutkan", "salam"})
# choosing a side: right before a zero-padded number ("milih 02", "pendukung 01") these need no further context,
# and a number they name stays a partisan cue in a post that lists every pair's number (see find_numbers)
CHOICE_NUMBER_CUES = frozenset({"coblos", "nyoblos", "dicoblos", "pilih", "milih", "pemilih", "pendukung",
                                "dukung", "kubu", "menangkan", "lanjutkan"})
# the words a number's neighbour words are compared with: a neighbour equal to one of them (even cut short by its
# window) means the text contains it, so a text containing none of them has no number cue; the matcher's automaton
# reports whether it contains one (find_numbers' `cue_hint`)
NUMBER_CUE_MARKERS = STRONG_NUMBER_CUES | WEAK_NUMBER_CUES | {"jari"}
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
                      "emoh", "males", "malas",
                      "ojo", "ora", "teu", "henteu", "entong",  # Javanese, Sundanese, Betawi
                      "don", "dont", "never"})  # English mixing: "don't vote" ("don't" is the tokens don, t)
TOKEN_RE = re.compile(r"[^\W_]+")
# ASCII bytes: every one that is not a letter or a digit to a space, so that `split()` gives TOKEN_RE's tokens
_TOKEN_BYTES = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))
# a zero-padded number ("02"): (?<!\d)0[1-9](?!\d), with the look-behind after the literal "0" so that the regex
# engine jumps from one "0" to the next
PADDED_RE = re.compile(r"0(?<!\d0)[1-9](?!\d)")
_FIRST_TOKEN_RE = re.compile(r"[\W_]*([^\W_]+)")


def tokens(window: str) -> list[str]:
    """TOKEN_RE.findall(window); an ASCII window is split after a byte translation, which is the same and cheaper."""
    if window.isascii():
        return window.encode().translate(_TOKEN_BYTES).decode().split()
    return TOKEN_RE.findall(window)


@dataclass
class NumberRef:
    start: int
    end: int
    number: int
    gesture: bool  # "N jari" or a gesture emoji
    strong: bool  # a strong ballot cue or "salam N jari"
    padded: bool
    choice: bool = False  # after a word choosing a side (CHOICE_NUMBER_CUES) or "salam N jari"


def tokens_before(text: str, pos: int, count: int) -> list[str]:
    """Up to `count` word tokens ending before `pos` (within 40 characters), nearest first."""
    window = text[max(0, pos - 40):pos]
    if window.isascii():  # as `tokens`, splitting off the last words only
        words = window.encode().translate(_TOKEN_BYTES).rsplit(None, count)
        found = []
        for i in range(len(words) - 1, max(len(words) - count, 0) - 1, -1):
            found.append(words[i].decode())
        return found
    return TOKEN_RE.findall(window)[-count:][::-1]


def tokens_after(text: str, pos: int, count: int) -> list[str]:
    """Up to `count` word tokens starting at or after `pos` (within 40 characters)."""
    if count == 1:  # the first token only: no need to tokenise the whole window
        m = _FIRST_TOKEN_RE.match(text, pos, pos + 40)
        return [m.group(1)] if m else []
    return tokens(text[pos:pos + 40])[:count]


def find_numbers(text: str, context_spans: list[tuple[int, int]], cue_hint: bool | None = None) -> list[NumberRef]:
    """Ballot numbers and textual gestures in normalised text (see the module docstring).

    `context_spans` are the election-context words found in the post; a cue word does not count as its own context.
    `cue_hint`: whether a word of NUMBER_CUE_MARKERS occurs in the text (the matcher's automaton tells); None =
    look for CUE_PROBES here.
    """
    refs: list[NumberRef] = []
    if cue_hint is None:
        cue_hint = "jari" in text or _has_probe(text)
    if cue_hint:
        found = list(_DIGIT_NUMBER_RE.finditer(text))
        if any(w in text for w in _INDONESIAN_NUMBER_WORDS) or (
                ("nomor " in text or "urut " in text) and any(w in text for w in _REGIONAL_NUMBER_WORDS)):
            found = sorted(found + list(_WORD_NUMBER_RE.finditer(text)), key=_match_start)
    elif not context_spans:
        return refs
    else:
        # without a cue word or "jari", only a zero-padded number with context outside it can count: those among
        # the PADDED_RE matches (a superset) that NUMBER_RE finds there
        found = []
        for m in PADDED_RE.finditer(text):
            number = _DIGIT_NUMBER_RE.match(text, m.start())
            if number is not None:
                found.append(number)
        if not found:
            return refs
    # a legislative word is a token of the text only if it occurs in it at all (looked at when first needed)
    legislative: bool | None = None
    # is there context outside [start, end): a span ending by `start` or starting from `end`
    has_context = bool(context_spans)
    first_end = min(map(_second, context_spans)) if has_context else 0
    last_start = max(map(_first, context_spans)) if has_context else 0

    def context_outside(start: int, end: int) -> bool:
        return has_context and (first_end <= start or last_start >= end)

    has_jari = "jari" in text
    first_token = _FIRST_TOKEN_RE.match
    for m in found:
        ms, me = m.span()
        raw = m.group(1)
        digits = raw.isdigit()
        padded = digits and raw[0] == "0"
        number = int(raw) if digits else NUMBER_WORDS[raw]
        before = tokens_before(text, ms, 2)  # the cue and the word before it
        cue = w0 = before[0] if before else ""
        w1 = before[1] if len(before) > 1 else ""
        # only the first word after a number matters: "jari", or a word saying it is no ballot number (looked at
        # only when needed)
        after_m = first_token(text, me, me + 40) if has_jari else None
        after = after_m.group(1) if after_m else ""
        if after == "jari":
            end = text.index("jari", me) + 4
            if cue == "salam":
                refs.append(NumberRef(text.rindex("salam", 0, ms), end, number, True, True, padded, True))
            elif any(ch in text[end:end + 4] for ch in "\u270c\u261d\U0001f91f\U0001f596") \
                    or context_outside(ms, end):
                refs.append(NumberRef(ms, end, number, True, False, padded))
            continue
        if not digits and cue not in ("nomor", "no", "urut"):
            continue
        prev = text[ms - 1:ms]  # "" at the start
        if prev == "(" or text[me:me + 1] == ")":
            continue  # list numbering "(2)"
        if cue and prev != " " and prev != cue[-1]:
            cue = ""  # punctuation between the cue and the number: not a cue
        if (w0 in ANTI_NUMBER_WORDS and not (padded and w0 == "ke")
                or w1 in ANTI_NUMBER_WORDS and not (padded and w1 == "ke")):
            continue
        if not has_jari:
            after_m = first_token(text, me, me + 40)
            after = after_m.group(1) if after_m else ""
        if after in ANTI_NUMBER_WORDS:
            continue
        if legislative is None:
            legislative = False
            for w in LEGISLATIVE_PROBES:
                if w in text:
                    legislative = True
                    break
        if legislative and LEGISLATIVE_WORDS.intersection(tokens(text[max(0, ms - 60):me + 30])):
            continue
        if cue in STRONG_NUMBER_CUES or cue in WEAK_NUMBER_CUES:
            start = text.rindex(cue, 0, ms)
            if w1 and w1 + " " + w0 in ("nomor urut", "no urut"):
                start = text.rindex(w1, 0, start)
            choice = cue in CHOICE_NUMBER_CUES
            if cue in STRONG_NUMBER_CUES:
                refs.append(NumberRef(start, me, number, False, True, padded, choice))
            elif context_outside(start, me) or (padded and choice):
                refs.append(NumberRef(start, me, number, False, cue in ("nomor", "urut", "pilih"), padded, choice))
        elif padded and (context_outside(ms, me) or w0 in STRONG_NUMBER_CUES or w0 in WEAK_NUMBER_CUES
                         or w1 in STRONG_NUMBER_CUES or w1 in WEAK_NUMBER_CUES):
            refs.append(NumberRef(ms, me, number, False, False, padded))
    return refs


_first = itemgetter(0)
_second = itemgetter(1)


def _match_start(m: re.Match[str]) -> int:
    return m.start()


def _has_probe(text: str) -> bool:
    for w in CUE_PROBES:
        if w in text:
            return True
    return False


def is_prayer(text: str, start: int, end: int) -> bool:
    """"amin ya Allah", "amin amin", or a closing "amin" after a wish ("semoga ..., amin")."""
    after = _FIRST_TOKEN_RE.match(text, end, end + 40)  # the first word after (within 40 characters)
    if after and after.group(1) in PRAYER_FOLLOWERS:
        return True
    before = tokens_before(text, start, 1)
    if before and before[0] in PRAYER_FOLLOWERS:
        return True
    # closing: no word before the next "." or "!" within 12 characters
    if after:
        word_at = after.start(1)
        if word_at < end + 12:
            gap = text[end:word_at]
            if "." not in gap and "!" not in gap:
                return False
    window = text[max(0, start - 120):start]
    # an opener is a whole token of the window only if it occurs in it at all: most windows skip the tokenising
    for w in PRAYER_OPENERS:
        if w in window:
            return bool(PRAYER_OPENERS.intersection(tokens(window)))
    return False


def names_someone_else(text: str, end: int) -> bool:
    """A one-word name followed by an ordinary person's role ("Pak Mahfud guru ngaji", "Dedi satpam kantor")."""
    after = tokens_after(text, end, 1)  # most often the first word decides
    if not after or after[0] not in _ROLE_FILLERS:
        return bool(after) and after[0] in PERSON_ROLES
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
        live = [c for c in having if c.live and c.live[0] <= posted <= c.live[1]]
        if len(live) == 1:
            return live[0].candidates[number]
        if len(live) > 1:
            national = [c for c in live if c.level == "nasional"]
            return national[0].candidates[number] if len(national) == 1 else None
    national = [c for c in having if c.level == "nasional"]
    if len(national) == 1:
        return national[0].candidates[number]
    return having[0].candidates[number] if len(having) == 1 else None
