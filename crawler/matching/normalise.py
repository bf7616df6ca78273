"""Normalisation of Indonesian social-media text, with every span mappable back to the original text.

The passes, in order (patterns in the lexicon go through the very same function, so both sides agree):
0. A lone keycap digit (3️⃣) written zero-padded ("03"), see `_keycaps`.
1. Unicode: NFKC per character (fancy letters 𝐏𝐫𝐚𝐛𝐨𝐰𝐨, full-width), accents stripped, zero-width characters,
   variation selectors and keycap marks removed, then lower case.
2. Letters broken by dots, spaces, dashes or stars (P.r.a.b.o.w.o, A n i e s) joined back into one word.
3. Same-length rewrites: a hyphen or underscore between letters becomes a space (Anies-Muhaimin), leetspeak digits
   between letters, or opening a word of letters, become letters (Pr4b0wo, 3mil).
4. Elongation squeezed: every run of one repeated letter becomes one letter (pilihhhh, Aniesss, aamiin). The text
   just before this pass is kept (`NormText.unsqueezed`): acronyms like "PPP" must be matched there, since their
   squeezed key "p" would match any "p" (see lexicon.exact_form and automaton.ExactFinder).
5. Common chat abbreviations expanded (yg, gak, bgt, dgn, jgn ...).
6. White space collapsed to single spaces.

Only edits that change the length are recorded (a same-length rewrite maps every position to itself);
`NormText.span_to_original` maps a span back through them, so the cost of mapping is paid only for the spans actually
reported: a short edit list is walked, a long one (a long text) is searched by bisection in arrays built once per
text, so that mapping the spans of a long text stays linear in its length.

Plain texts take a fast path: the pre-checks of passes 2 and 3 read the text's bytes through a class table instead of
running a regular expression, and pass 1 is a `str.translate` when no character changes length; both give exactly
what the general path gives.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import NamedTuple

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
# A leet digit opening a word of letters ("3mil", "4nies"): not after a word character, before two letters (run
# after _LEET_RE, so "4n1es" is "4nies" by then). "@" and "$" are left alone there: "@handle", "$5".
_LEET_START_RE = re.compile(r"[013457](?<![\w][013457])(?=[a-z]{2})")
# A keycap digit ("3\ufe0f\u20e3", emoji 3️⃣): see _keycaps.
_KEYCAP_RE = re.compile(r"([0-9])\ufe0f?\u20e3")
# Cheap pre-check: the spaced-letters pass runs only when this finds something (implied by a match of the pass).
_SPACED_HINT_RE = re.compile(r"[ .\-*_\u00b7][^\W_][ .\-*_\u00b7][^\W_][ .\-*_\u00b7]")
# The same pre-checks on ASCII text, as byte translations: a class per byte, then one substring test.
# Spaced: separator -> "s", letter or digit -> "w", other -> "x"; the hint is "swsws".
_SPACED_CLASSES = bytes(ord("s") if chr(c) in " .-*_" else ord("w") if chr(c).isalnum() else ord("x")
                        for c in range(128)) + b"x" * 128
# Leet: a-z -> "a", a leet character -> "1", other -> "x"; _LEET_RE matches only where the classes read "a1a".
# The same table serves pass 6's pre-check: a space stays a space, an unprintable ASCII byte becomes "u".
_LEET_CLASSES = bytes(ord("a") if "a" <= chr(c) <= "z" else ord("1") if chr(c) in "013457@$" else
                      c if c == 32 else ord("x") if chr(c).isprintable() else ord("u") for c in range(128)) + b"x" * 128
# UTF-8 bytes: every ASCII non-word byte and every non-ASCII byte to a space, so that `split()` gives the ASCII
# words of the text (the `\w+` words when the text is ASCII; else a superset of the ASCII `\w+` words, which is all
# an abbreviation can be: `_abbr_regex` then does the exact work).
_BYTES_NONWORD = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) == "_") else 32 for c in range(256))
_SPACE_RE = re.compile(r"\s{2,}|[\t\n\r\f\v]")
_NONASCII_RE = re.compile(r"[^\x00-\x7f]")
# Above this many edits, a layer is searched by bisection instead of walked (both give the same positions).
_WALK_MAX = 8
_tuple_new = tuple.__new__
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


class NormText(NamedTuple):
    """Normalised text plus what is needed to map its spans back to the original (a tuple: one is made per post)."""

    original: str
    text: str
    layers: list[list[Edit]]  # one edit list per length-changing pass, in order
    # the text just before pass 4 (elongation squeezed) and the index of the first layer from pass 4 on: exact
    # patterns (acronyms like "PPP", which must not match "p") are found there, see `forward`
    unsqueezed: str
    squeeze_layer: int
    index: list[_LayerIndex | None]  # empty until the first mapping through a long layer, see `_layer_index`
    cache: dict[tuple[int, int], tuple[int, int]]  # the spans mapped so far (each is mapped once)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of the normalised text mapped to the original text (each span is mapped once)."""
        key = (start, end)
        span = self.cache.get(key)
        if span is not None:
            return span
        layers = self.layers
        if len(layers) == 1 and len(layers[0]) <= _WALK_MAX:  # the usual case: a few squeezed letters
            start, end = _back(layers[0], start, end)
        elif layers:
            index = self.index or self._layer_index()
            for i in range(len(layers) - 1, -1, -1):
                at = index[i]
                if at is None:
                    start, end = _back(layers[i], start, end)
                else:
                    start, end = at.back(start, end)
        span = self.cache[key] = (start, end) if end > start else (start, start)
        return span

    def original_text(self, start: int, end: int) -> str:
        """The original text of a span of the normalised text."""
        s, e = self.span_to_original(start, end)
        return self.original[s:e]

    def forward(self, start: int, end: int) -> tuple[int, int]:
        """A span of `unsqueezed` mapped to this text (through pass 4 and the passes after it)."""
        layers = self.layers
        if len(layers) > self.squeeze_layer:
            index = self.index or self._layer_index()
            for i in range(self.squeeze_layer, len(layers)):
                at = index[i]
                if at is None:
                    start, end = _forward(layers[i], start, end)
                else:
                    start, end = at.forward(start, end)
        return (start, end) if end > start else (start, start)

    def _layer_index(self) -> list[_LayerIndex | None]:
        self.index.extend(_LayerIndex(edits) if len(edits) > _WALK_MAX else None for edits in self.layers)
        return self.index


class _LayerIndex:
    """One layer's edits as sorted arrays: a position is mapped by bisection to where `_back` and `_forward` map it
    by walking the edits (edits never overlap and come in order, so every array is sorted)."""

    __slots__ = ("edits", "ends", "out_ends", "deltas")

    def __init__(self, edits: list[Edit]) -> None:
        self.edits = edits
        self.ends = [e for _, e, _ in edits]  # where each edit ends in the pass's input
        deltas = [0]  # deltas[k]: output minus input position before edit k; deltas[-1] after the last edit
        out_ends = []  # where each edit ends in the pass's output
        delta = 0
        for s, e, new_len in edits:
            out_ends.append(s + delta + new_len)
            delta += new_len - (e - s)
            deltas.append(delta)
        self.out_ends, self.deltas = out_ends, deltas

    def back(self, start: int, end: int) -> tuple[int, int]:
        # the first edit whose output reaches past the start (reaches the end) is the one `_back` settles it at
        edits, out_ends, deltas, n = self.edits, self.out_ends, self.deltas, len(self.edits)
        k = bisect_right(out_ends, start)
        delta = deltas[k]
        if k < n:
            s = edits[k][0]
            start = start - delta if start < s + delta else s
        else:
            start -= delta
        k = bisect_left(out_ends, end)
        delta = deltas[k]
        if k < n:
            s, e, _ = edits[k]
            return start, end - delta if end <= s + delta else e
        return start, end - delta

    def forward(self, start: int, end: int) -> tuple[int, int]:
        # the first edit whose input reaches past the start (reaches the end) is the one `_forward` settles it at
        edits, ends, deltas, n = self.edits, self.ends, self.deltas, len(self.edits)
        k = bisect_right(ends, start)
        delta = deltas[k]
        if k < n:
            s, e, _ = edits[k]
            start = start + delta if start < s or start == s and e > s else s + delta
        else:
            start += delta
        k = bisect_left(ends, end)
        delta = deltas[k]
        if k < n:
            s, _, new_len = edits[k]
            return start, end + delta if end <= s else s + delta + new_len
        return start, end + delta


def _back(edits: list[Edit], start: int, end: int) -> tuple[int, int]:
    """A span of a pass's output mapped to its input by walking the pass's edits (a span inside an edit's output
    becomes the whole edit). Each end is settled at the first edit whose output reaches past it (the end: reaches
    it); for a span that is not empty that of the end is the start's or a later one, so one walk does both."""
    if end <= start:
        return _back_each(edits, start, end)
    delta = 0  # output minus input position before the edit
    it = iter(edits)
    for s, e, new_len in it:
        out_s = s + delta
        if start < out_s + new_len:
            s_in = start - delta if start < out_s else s
            break
        delta += new_len - e + s
    else:
        return start - delta, end - delta
    if end <= out_s + new_len:  # the same edit
        return s_in, end - delta if end <= out_s else e
    delta += new_len - e + s
    for s, e, new_len in it:
        out_s = s + delta
        if end <= out_s + new_len:
            return s_in, end - delta if end <= out_s else e
        delta += new_len - e + s
    return s_in, end - delta


def _back_each(edits: list[Edit], start: int, end: int) -> tuple[int, int]:
    """`_back` for any span: each end walked on its own."""
    delta = 0
    s_in = e_in = -1
    for s, e, new_len in edits:
        out_s = s + delta
        out_e = out_s + new_len
        if s_in < 0 and start < out_e:
            s_in = start - delta if start < out_s else s
        if e_in < 0 and end <= out_e:
            e_in = end - delta if end <= out_s else e
        if s_in >= 0 and e_in >= 0:
            return s_in, e_in
        delta += new_len - (e - s)
    return (s_in if s_in >= 0 else start - delta), (e_in if e_in >= 0 else end - delta)


def _forward(edits: list[Edit], start: int, end: int) -> tuple[int, int]:
    """A span of a pass's input mapped to its output by walking the pass's edits (a span touching an edit's input
    takes all of its output)."""
    delta = 0
    s_out = e_out = -1
    for s, e, new_len in edits:
        if s_out < 0 and start < e:
            s_out = start + delta if start < s or start == s and e > s else s + delta
        if e_out < 0 and end <= e:
            e_out = end + delta if end <= s else s + delta + new_len
        if s_out >= 0 and e_out >= 0:
            return s_out, e_out
        delta += new_len - (e - s)
    return (s_out if s_out >= 0 else start + delta), (e_out if e_out >= 0 else end + delta)


def _apply(regex: re.Pattern[str], repl: object, text: str) -> tuple[str, list[Edit]]:
    """Substitute with `repl` (callable on the match or a string); record the edits that change the length."""
    pieces: list[str] = []
    edits: list[Edit] = []
    last = 0
    for m in regex.finditer(text):
        new = repl(m) if callable(repl) else repl  # type: ignore[operator]
        s, e = m.span()
        if len(new) == e - s:
            if new == m.group(0):
                continue
        else:
            edits.append((s, e, len(new)))
        pieces.append(text[last:s])
        pieces.append(new)
        last = e
    if last == 0 and not pieces:
        return text, edits
    pieces.append(text[last:])
    return "".join(pieces), edits


@lru_cache(maxsize=8192)
def _fold_info(ch: str) -> tuple[str, bool, bool]:
    """fold_char(ch), whether what it gives is plain (no non-ASCII word character, no middle dot) and whether its
    non-ASCII characters are printable."""
    folded = fold_char(ch)
    rest = [c for c in folded if not c.isascii()]
    return folded, not any(c.isalnum() or c == "\u00b7" for c in rest), all(c.isprintable() for c in rest)


def _fold(text: str) -> tuple[str, list[Edit], bool, bool]:
    """Pass 1 for the non-ASCII characters: each one folded once; one `str.translate` when no length changes.

    Also says whether the folded text is plain (its non-ASCII characters are neither word characters nor the middle
    dot, so that the class tables read it exactly) and whether its non-ASCII characters are printable (see
    `normalise`): properties of characters that lower-casing keeps.
    """
    folded: dict[str, str] = {}
    plain = printable = same_length = True
    for c in set(_NONASCII_RE.findall(text)):
        f, plain_f, printable_f = _fold_info(c)
        plain = plain and plain_f
        printable = printable and printable_f
        if f != c:
            folded[c] = f
            same_length = same_length and len(f) == 1
    if not folded:
        return text, [], plain, printable
    if same_length:
        return text.translate({ord(c): f for c, f in folded.items()}), [], plain, printable
    text, edits = _apply(_NONASCII_RE, lambda m: fold_char(m.group(0)), text)
    return text, edits, plain, printable


def _squeeze(text: str, b: bytes | None = None) -> tuple[str, list[Edit]]:
    """Pass 4 (every run of one repeated letter becomes the letter) with its edits.

    Equal neighbours are found without a per-character loop: the text as bytes (one per character: a non-ASCII
    character becomes "?", which is no letter) read as one big integer, XOR itself shifted by one byte, has a zero
    byte exactly where a character equals the one before it; `bytes.find` jumps between those (few are not letters).
    `b`: those bytes when the caller has them.
    """
    if b is None:
        b = text.encode("ascii", "replace")
    n = len(b)
    v = int.from_bytes(b, "big")
    x = (v ^ (v >> 8)).to_bytes(n, "big")
    p = x.find(0, 1)
    if p < 0:
        return text, []
    edits: list[Edit] = []
    pieces: list[str] = []
    last = 0
    while p >= 0:  # text[p] == text[p - 1]
        j = p + 1
        while j < n and not x[j]:
            j += 1
        if 97 <= b[p] <= 122:  # a-z
            edits.append((p - 1, j, 1))
            pieces.append(text[last:p])
            last = j
        p = x.find(0, j + 1)
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


def _keycaps(text: str) -> tuple[str, list[Edit]]:
    """Pass 0: a keycap digit (2️⃣) is an emphasised number: written zero-padded ("02"), which counts as a ballot
    number with election context (context.find_numbers). Two or more different keycap digits are a numbered list
    ("1️⃣ bawa KTP 2️⃣ ..."): they are left as plain digits (pass 1 drops the marks)."""
    digits = {m.group(1) for m in _KEYCAP_RE.finditer(text)}
    if len(digits) != 1 or "0" in digits:
        return text, []
    return _apply(_KEYCAP_RE, lambda m: "0" + m.group(1), text)


def normalise(text: str) -> NormText:
    """Normalise `text` (see the module docstring); `NormText.text` is what the matcher reads."""
    layers: list[list[Edit]] = []  # only the passes that changed the length
    s = text
    if s.isascii():
        s = s.lower()
        plain = printable = True
    else:
        if "\u20e3" in s:
            s, edits = _keycaps(s)
            if edits:
                layers.append(edits)
        # the class tables stand for the text when its other characters are neither word characters nor separators
        s, edits, plain, printable = _fold(s)
        if edits:
            layers.append(edits)
        lowered = s.lower()
        if len(lowered) == len(s):
            s = lowered
        else:  # pragma: no cover - only characters fold_char did not see
            s = "".join(c.lower() if len(c.lower()) == 1 else c for c in s)
    b = s.encode("ascii", "replace")  # one byte per character; "?" for any non-ASCII one
    # (`bytes.find` rather than `in`: `in` first tries the needle as an integer, at the cost of an exception)
    if b.translate(_SPACED_CLASSES).find(b"swsws") >= 0 if plain else _SPACED_HINT_RE.search(s) is not None:
        s, edits = _apply(_SPACED_RE, _join_spaced, s)
        if edits:
            layers.append(edits)
            b = s.encode("ascii", "replace")
    b_text = s  # the text `b` stands for
    if "-" in s or "_" in s:
        s = _HYPHEN_RE.sub(" ", s)  # same length, and both characters read "x" in the leet table
    classes = b.translate(_LEET_CLASSES)
    if classes.find(b"a1a") >= 0:  # exact on any text: only ASCII takes part
        s = _LEET_RE.sub(lambda m: LEET[m.group(0)], s)
    if classes.find(b"1aa") >= 0:  # a superset of _LEET_START_RE's matches (the regex checks the word start)
        s = _LEET_START_RE.sub(lambda m: LEET[m.group(0)], s)
    # pass 6's pre-check, made here: the passes in between neither make nor remove a double space or an unprintable
    # character (a hyphen between letters becomes a single space; only letters change after it). Every white space
    # but " " is unprintable (pass 1 turned non-ASCII white space into " "): a cheap superset check, _SPACE_RE does
    # the exact work. The ASCII characters are read in the class bytes, the others were looked at by pass 1.
    gaps = classes.find(b"  ") >= 0 or classes.find(b"u") >= 0 or not printable
    unsqueezed, squeeze_layer = s, len(layers)
    s, edits = _squeeze(s, b if s is b_text else None)  # no pre-check: most posts have a doubled letter
    if edits:
        layers.append(edits)
    found = _ABBR_BYTES.intersection(s.encode("ascii", "replace").translate(_BYTES_NONWORD).split())
    if found:
        s, edits = _apply(_abbr_regex(frozenset(map(bytes.decode, found))), _expand, s)
        if edits:
            layers.append(edits)
    if gaps:
        s, edits = _apply(_SPACE_RE, " ", s)
        if edits:
            layers.append(edits)
    return _tuple_new(NormText, (text, s, layers, unsqueezed, squeeze_layer, [], {}))  # NormText(...), no __new__


def _expand(m: re.Match[str]) -> str:
    return ABBREVIATIONS[m.group(0)]


def normalise_term(text: str) -> str:
    """A lexicon entry normalised like post text, trimmed."""
    return normalise(text).text.strip()


__all__ = ["NormText", "normalise", "normalise_term", "fold_char", "ABBREVIATIONS"]
