"""Normalisation of Indonesian social-media text, with every span mappable back to the original text.

The passes, in order (patterns in the lexicon go through the very same function, so both sides agree):
1. Unicode: NFKC per character (fancy letters 𝐏𝐫𝐚𝐛𝐨𝐰𝐨, full-width), accents stripped, zero-width characters,
   variation selectors and keycap marks removed, then lower case.
2. Letters broken by dots, spaces, dashes or stars (P.r.a.b.o.w.o, A n i e s) joined back into one word.
3. Same-length rewrites: a hyphen or underscore between letters becomes a space (Anies-Muhaimin), leetspeak digits
   between letters become letters (Pr4b0wo).
4. Elongation squeezed: every run of one repeated letter becomes one letter (pilihhhh, Aniesss, aamiin). The text
   just before this pass is kept (`NormText.unsqueezed`): acronyms like "PPP" must be matched there, since their
   squeezed key "p" would match any "p" (see lexicon.exact_form and automaton.ExactFinder).
5. Common chat abbreviations expanded (yg, gak, bgt, dgn, jgn ...).
6. White space collapsed to single spaces.

Only passes that change the length record edits; `NormText.span_to_original` walks the edits back, so the cost of
mapping is paid only for the spans actually reported.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

logger = logging.getLogger(__name__)

# One edit: (start, end, new_length) in the coordinates of the pass's input.
Edit = tuple[int, int, int]

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\ufe0e\ufe0f\u20e3\u180e")
# Emoji kept as they are (the lexicon matches them directly): ballot-number gestures.
KEEP_CHARS = frozenset("\u270c\u261d\U0001f91f\U0001f596")
PUNCT_FOLD = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
              "\u2212": "-", "\u00a0": " ", "\u2026": "..."}
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}

# Chat abbreviations and spelling variants (after squeezing: "nggak" is already "ngak").
ABBREVIATIONS: dict[str, str] = {
    "yg": "yang", "yng": "yang", "dgn": "dengan", "dg": "dengan", "bgt": "banget", "bngt": "banget",
    "gk": "tidak", "gak": "tidak", "ga": "tidak", "ngak": "tidak", "enggak": "tidak", "engak": "tidak",
    "nga": "tidak", "tdk": "tidak", "tak": "tidak", "g": "tidak", "kagak": "tidak", "ndak": "tidak",
    "gausah": "tidak usah", "gaus": "tidak usah", "jgn": "jangan", "jngn": "jangan", "jg": "juga",
    "utk": "untuk", "untk": "untuk", "sdh": "sudah", "udh": "sudah", "udah": "sudah", "dah": "sudah",
    "blm": "belum", "sy": "saya", "sya": "saya", "aq": "aku", "gw": "gue", "dr": "dari", "dri": "dari",
    "jd": "jadi", "jdi": "jadi", "tp": "tapi", "tpi": "tapi", "td": "tadi", "sm": "sama", "sma": "sama",
    "bkn": "bukan", "org": "orang", "hrs": "harus", "krn": "karena", "karna": "karena", "klo": "kalau",
    "kalo": "kalau", "kl": "kalau", "gmn": "gimana", "gmna": "gimana", "gimana": "gimana", "mo": "mau",
    "pd": "pada", "sbg": "sebagai", "trs": "terus", "lg": "lagi", "aja": "saja", "aj": "saja",
    "dpt": "dapat", "msh": "masih", "bs": "bisa", "bsa": "bisa", "kpd": "kepada", "ttg": "tentang",
    "spt": "seperti", "dlm": "dalam", "sblm": "sebelum", "stlh": "setelah", "skrg": "sekarang",
    "bbrp": "beberapa", "nomer": "nomor", "no.": "nomor", "nmr": "nomor", "nmor": "nomor",
    "pilkades": "pilkades", "cb": "coba", "ayok": "ayo", "hayuk": "ayo", "yuk": "ayo", "hayu": "ayo",
    "yok": "ayo", "sebarin": "sebarkan", "sebarkeun": "sebarkan", "viralin": "viralkan",
}
ABBREVIATIONS.pop("dpt")  # also the voter list (DPT): left as written

_SPACED_RE = re.compile(r"(?<![^\W_])([^\W_])([ .\-*_\u00b7])(?:[^\W_]\2){2,}[^\W_](?![^\W_])")
# The lookbehinds sit after the first character so that the regex engine can skip ahead to candidate characters.
_HYPHEN_RE = re.compile(r"[-_](?<=[^\W\d_][-_])(?=[^\W\d_])")
_LEET_RE = re.compile(r"[013457@$](?<=[a-z].)(?=[a-z])")
# Cheap pre-check: the spaced-letters pass runs only when this finds something (implied by a match of the pass).
_SPACED_HINT_RE = re.compile(r"[ .\-*_\u00b7][^\W_][ .\-*_\u00b7][^\W_][ .\-*_\u00b7]")
# The same pre-checks on ASCII text, as byte translations: a class per byte, then one substring test.
# Spaced: separator -> "s", letter or digit -> "w", other -> "x"; the hint is "swsws".
_SPACED_CLASSES = bytes(ord("s") if chr(c) in " .-*_" else ord("w") if chr(c).isalnum() else ord("x")
                        for c in range(128)) + b"x" * 128
# Leet: a-z -> "a", a leet character -> "1", other -> "x"; _LEET_RE matches only where the classes read "a1a".
_LEET_CLASSES = bytes(ord("a") if "a" <= chr(c) <= "z" else ord("1") if chr(c) in "013457@$" else ord("x")
                      for c in range(128)) + b"x" * 128
# UTF-8 bytes: every ASCII non-word byte and every non-ASCII byte to a space, so that `split()` gives the ASCII
# words of the text (the `\w+` words when the text is ASCII; else a superset of the ASCII `\w+` words, which is all
# an abbreviation can be: `_abbr_regex` then does the exact work).
_BYTES_NONWORD = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) == "_") else 32 for c in range(256))
_SPACE_RE = re.compile(r"\s{2,}|[\t\n\r\f\v]")
_NONASCII_RE = re.compile(r"[^\x00-\x7f]")
_ABBR_RE = re.compile(r"(?<![\w#@])(?:" + "|".join(sorted((re.escape(k) for k in ABBREVIATIONS),
                                                         key=len, reverse=True)) + r")(?![\w])")

# An abbreviation matches only a whole word (a run of word characters; "no." is the word "no" and a dot).
_ABBR_WORDS = frozenset(k.rstrip(".") for k in ABBREVIATIONS)
_ABBR_BYTES = frozenset(w.encode() for w in _ABBR_WORDS)


@lru_cache(maxsize=1024)
def _abbr_regex(words: frozenset[str]) -> re.Pattern[str]:
    """`_ABBR_RE` restricted to the abbreviations whose word occurs in a text: the same matches, fewer branches."""
    keys = sorted((re.escape(k) for k in ABBREVIATIONS if k.rstrip(".") in words), key=len, reverse=True)
    # each branch checks the character before it after its literal (a lookbehind), so that the regex engine skips
    # ahead to the branches' first characters: the same matches as one leading (?<![\w#@]), faster
    return re.compile("(?:" + "|".join(f"{k}(?<![\\w#@]{k})" for k in keys) + r")(?![\w])")


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One non-ASCII character folded to its plain lower-case form ('' for invisible characters)."""
    if ch in ZERO_WIDTH:
        return ""
    if ch in KEEP_CHARS:
        return ch
    if ch in PUNCT_FOLD:
        return PUNCT_FOLD[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    out = unicodedata.normalize("NFKC", stripped).lower()
    if not out and decomposed:  # a lone combining mark
        return ""
    if out.isspace():
        return " "
    return out


@dataclass(slots=True)
class NormText:
    """Normalised text plus what is needed to map its spans back to the original."""

    original: str
    text: str
    layers: list[list[Edit]] = field(default_factory=list)  # one edit list per length-changing pass, in order
    # the text just before pass 4 (elongation squeezed) and the index of the first layer from pass 4 on: exact
    # patterns (acronyms like "PPP", which must not match "p") are found there, see `forward`
    unsqueezed: str = ""
    squeeze_layer: int = 0

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        for edits in reversed(self.layers):
            if edits:
                start, end = _back(edits, start, False), _back(edits, end, True)
        return start, max(start, end)

    def forward(self, start: int, end: int) -> tuple[int, int]:
        """A span of `unsqueezed` mapped to this text (through pass 4 and the passes after it)."""
        for edits in self.layers[self.squeeze_layer:]:
            start, end = _forward(edits, start, False), _forward(edits, end, True)
        return start, max(start, end)


def _forward(edits: list[Edit], pos: int, is_end: bool) -> int:
    delta = 0
    for s, e, new_len in edits:
        if pos < s or pos == s and (is_end or e > s):
            return pos + delta
        if pos < e or is_end and pos == e:  # inside (or, for an end, at the end of) an edit: all of its output
            return s + delta + (new_len if is_end else 0)
        delta += new_len - (e - s)
    return pos + delta


def _back(edits: list[Edit], pos: int, is_end: bool) -> int:
    delta = 0
    for s, e, new_len in edits:
        out_s = s + delta
        if is_end:
            if pos <= out_s:
                return pos - delta
            if pos <= out_s + new_len:
                return e
        else:
            if pos < out_s:
                return pos - delta
            if pos < out_s + new_len:
                return s
        delta += new_len - (e - s)
    return pos - delta


def _apply(regex: re.Pattern[str], repl: object, text: str) -> tuple[str, list[Edit]]:
    """Substitute with `repl` (callable on the match or a string) and record the length-changing edits."""
    pieces: list[str] = []
    edits: list[Edit] = []
    last = 0
    for m in regex.finditer(text):
        new = repl(m) if callable(repl) else repl  # type: ignore[operator]
        if new == m.group(0):
            continue
        s, e = m.span()
        pieces.append(text[last:s])
        pieces.append(new)
        last = e
        edits.append((s, e, len(new)))
    if not edits:
        return text, edits
    pieces.append(text[last:])
    return "".join(pieces), edits


def _squeeze(text: str) -> tuple[str, list[Edit]]:
    """Pass 4 (every run of one repeated letter becomes the letter) with its edits.

    Equal neighbours are found without a per-character loop: the text as one big integer (one byte per character
    for ASCII, else four) XOR itself shifted by one character has a zero unit exactly where a character equals the
    one before it; `bytes.find` jumps between those.
    """
    if text.isascii():
        b, unit, zero = text.encode(), 1, b"\0"
    else:
        b, unit, zero = text.encode("utf-32-be"), 4, b"\0\0\0\0"
    v = int.from_bytes(b, "big")
    x = (v ^ (v >> (8 * unit))).to_bytes(len(b), "big")
    edits: list[Edit] = []
    pieces: list[str] = []
    last = 0
    p = x.find(zero, unit)
    while p >= 0:
        if p % unit:  # zero bytes across two characters (UTF-32 only)
            p = x.find(zero, p + 1)
            continue
        i = p // unit  # text[i] == text[i - 1]
        j = i + 1
        while x[j * unit:(j + 1) * unit] == zero:
            j += 1
        if "a" <= text[i] <= "z":
            edits.append((i - 1, j, 1))
            pieces.append(text[last:i])
            last = j
        p = x.find(zero, (j + 1) * unit)
    if not edits:
        return text, edits
    pieces.append(text[last:])
    return "".join(pieces), edits


def _join_spaced(m: re.Match[str]) -> str:
    chars = m.group(0)[::2]
    letters = sum(c.isalpha() for c in chars)
    if letters < 3 or letters * 2 < len(chars):
        return m.group(0)
    return chars


def normalise(text: str) -> NormText:
    """Normalise `text` (see the module docstring); `NormText.text` is what the matcher reads."""
    layers: list[list[Edit]] = []  # only the passes that changed the length
    s = text
    if not s.isascii():
        s, edits = _apply(_NONASCII_RE, lambda m: fold_char(m.group(0)), s)
        if edits:
            layers.append(edits)
    lowered = s.lower()
    if len(lowered) == len(s):
        s = lowered
    else:  # pragma: no cover - only characters fold_char did not see
        s = "".join(c.lower() if len(c.lower()) == 1 else c for c in s)
    ascii_text = s.isascii()
    if (b"swsws" in s.encode().translate(_SPACED_CLASSES) if ascii_text
            else _SPACED_HINT_RE.search(s) is not None):
        s, edits = _apply(_SPACED_RE, _join_spaced, s)
        if edits:
            layers.append(edits)
    if "-" in s or "_" in s:
        s = _HYPHEN_RE.sub(" ", s)
    if (b"a1a" in s.encode().translate(_LEET_CLASSES) if ascii_text and s.isascii()
            else _LEET_RE.search(s) is not None):
        s = _LEET_RE.sub(lambda m: LEET[m.group(0)], s)
    unsqueezed, squeeze_layer = s, len(layers)
    s, edits = _squeeze(s)  # no pre-check: most posts have a doubled letter somewhere
    if edits:
        layers.append(edits)
    found = _ABBR_BYTES.intersection(s.encode().translate(_BYTES_NONWORD).split())
    if found:
        s, edits = _apply(_abbr_regex(frozenset(w.decode() for w in found)), lambda m: ABBREVIATIONS[m.group(0)], s)
        if edits:
            layers.append(edits)
    # every white space but " " is unprintable (pass 1 already turned non-ASCII white space into " "): a cheap
    # superset check, _SPACE_RE does the exact work
    if "  " in s or not s.isprintable():
        s, edits = _apply(_SPACE_RE, " ", s)
        if edits:
            layers.append(edits)
    return NormText(text, s, layers, unsqueezed, squeeze_layer)


def normalise_term(text: str) -> str:
    """A lexicon entry normalised like post text, trimmed."""
    return normalise(text).text.strip()


__all__ = ["NormText", "normalise", "normalise_term", "fold_char", "ABBREVIATIONS"]
