"""Small pure helpers for what supervisors read: safe text, highlighted excerpts, Indonesian dates and labels.

Scraped text is hostile. Nothing here returns markup: highlighting splits the original text at the match spans
into plain pieces, and the (autoescaping) templates mark up the pieces. Control and bidi characters are removed
from everything shown as a name or a header.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

CONTESTS_FILE = Path(__file__).resolve().parent.parent / "crawler" / "data" / "contests-2024.json"
# C0/C1 controls (newline and tab kept apart), bidi embeddings/overrides/isolates and marks, zero-width joiners,
# line/paragraph separators, BOM.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]")
_NEWLINES_RE = re.compile(r"[\r\n\t]+")

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
SEVERITY_LABELS = {"tinggi": "Tinggi", "sedang": "Sedang", "rendah": "Rendah"}
CATEGORY_LABELS = {
    "dukungan_medsos": "Dukungan di media sosial (unggah, bagikan, komentar, suka)",
    "kampanye": "Ikut kampanye atau ajakan memilih",
    "atribut": "Memakai atau menyebarkan atribut peserta pemilu",
    "menjelekkan": "Menjelekkan peserta pemilu",
    "keanggotaan_parpol": "Keanggotaan atau kepengurusan partai politik",
    "fasilitas_negara": "Penggunaan fasilitas negara",
    "hoaks": "Menyebarkan hoaks atau ujaran kebencian",
}
PLATFORM_LABELS = {
    "telegram": "Telegram", "bluesky": "Bluesky", "mastodon": "Mastodon", "youtube": "YouTube", "web": "Situs web",
    "x": "X (Twitter)", "instagram": "Instagram", "tiktok": "TikTok", "facebook": "Facebook", "threads": "Threads",
}


def clean_text(value: Any) -> str:
    """Text without control or bidi characters (newlines and tabs kept)."""
    return _CONTROL_RE.sub("", "" if value is None else str(value))


def clean_line(value: Any, max_len: int = 300) -> str:
    """One line: controls, bidi marks and line breaks removed (header values, names)."""
    text = _NEWLINES_RE.sub(" ", clean_text(value)).strip()
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def safe_url(value: Any) -> str:
    """The URL when it is a plain http(s) URL, else "" (no javascript:, data: or header tricks)."""
    text = str(value or "").strip()
    if not text or _CONTROL_RE.search(text) or any(c in text for c in "\r\n \"'<>`"):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme in ("http", "https") and parts.netloc else ""


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool = False


def highlight(text: str, spans: list[list[int]] | list[tuple[int, int]], max_chars: int = 600) -> list[Piece]:
    """The text split into plain pieces, matched [start, end) spans flagged; long texts are cut around the matches.

    Invalid spans (out of range, empty, overlapping an earlier one) are ignored, never trusted.
    """
    text = text or ""
    good: list[tuple[int, int]] = []
    for span in sorted((tuple(s[:2]) for s in spans if isinstance(s, (list, tuple)) and len(s) >= 2),
                       key=lambda s: (s[0], s[1])):
        start, end = span
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
            continue
        if good and start < good[-1][1]:
            continue
        good.append((start, end))
    lo, hi = 0, len(text)
    if len(text) > max_chars:
        centre = good[0][0] if good else 0
        lo = max(0, min(centre - max_chars // 3, len(text) - max_chars))
        hi = lo + max_chars
        good = [(s, e) for s, e in good if s >= lo and e <= hi]
    pieces: list[Piece] = [Piece("… ")] if lo > 0 else []
    cursor = lo
    for start, end in good:
        if start > cursor:
            pieces.append(Piece(clean_text(text[cursor:start])))
        pieces.append(Piece(clean_text(text[start:end]), hit=True))
        cursor = end
    if cursor < hi:
        pieces.append(Piece(clean_text(text[cursor:hi])))
    if hi < len(text):
        pieces.append(Piece(" …"))
    return pieces


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def local_time(value: Any, iana: str, zone: str) -> str:
    """'5 Februari 2024 14.03 WITA' (the Indonesian time style), or '-' when unknown."""
    moment = parse_time(value)
    if moment is None:
        return "-"
    local = moment.astimezone(ZoneInfo(iana))
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.%M} {zone}"


def long_date(day: Any) -> str:
    """'Senin, 5 Februari 2024' for a date or datetime."""
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def severity_label(value: Any) -> str:
    return SEVERITY_LABELS.get(str(value), str(value or "-"))


def category_label(value: Any) -> str:
    return CATEGORY_LABELS.get(str(value), clean_line(value) or "Tanpa kategori")


def platform_label(value: Any) -> str:
    return PLATFORM_LABELS.get(str(value), clean_line(value))


@lru_cache(maxsize=1)
def _candidate_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    try:
        data = json.loads(CONTESTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("cannot read candidate names from %s: %s", CONTESTS_FILE, exc)
        return labels
    for contest in data.get("contests", []):
        for pair in contest.get("candidates", []):
            names = " – ".join(pair.get("names") or [])
            number = pair.get("number")
            labels[pair["id"]] = f"No. {number} {names}".strip() if number else names or pair["id"]
    return labels


def candidate_label(value: Any) -> str:
    return _candidate_labels().get(str(value), clean_line(value))


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)
