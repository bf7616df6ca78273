"""The Indonesian explanation of a decision, naming the words that decided it (read by supervisors)."""
from __future__ import annotations

from typing import Any

CATEGORY_LABELS = {
    "dukungan_medsos": "dukungan di media sosial",
    "kampanye": "ikut/mengajak kegiatan kampanye",
    "atribut": "atribut/gestur kampanye",
    "menjelekkan": "menjelekkan paslon/partai",
    "keanggotaan_parpol": "keanggotaan partai politik",
    "fasilitas_negara": "penggunaan fasilitas negara",
    "hoaks": "hoaks pemilu",
}


def _quote(words: list[str], limit: int = 6) -> str:
    seen: list[str] = []
    for w in words:
        w = " ".join(w.split())
        if w and w not in seen:
            seen.append(w)
    return ", ".join(f"“{w}”" for w in seen[:limit])


def explain(flagged: bool, category: str | None, severity: str, refs: dict[str, list[str]],
            labels: dict[str, str], cues: list[dict[str, Any]], neutral: list[str], parent: str | None,
            parent_label: str, all_pairs: bool, rejected: list[str]) -> str:
    """One or two sentences: the verdict, then the references and the deciding words."""
    parts: list[str] = []
    if flagged:
        parts.append(f"Ditandai: {CATEGORY_LABELS.get(category or '', category or '-')} "
                     f"(kategori {category}, tingkat {severity}).")
    else:
        parts.append("Tidak ditandai.")
    for ref_id, words in refs.items():
        parts.append(f"Menyebut {labels.get(ref_id, ref_id)} lewat {_quote(words)}.")
    if parent:
        parts.append(f"Komentar di unggahan halaman resmi {parent_label} (dihitung sebagai interaksi).")
    positive = [c["text"] for c in cues if not c.get("negated")]
    negated = [c["text"] for c in cues if c.get("negated")]
    if positive:
        parts.append(f"Kata penentu: {_quote(positive)}.")
    if negated:
        parts.append(f"Kalimat menolak/negasi: {_quote(negated)} (bukan dukungan).")
    if all_pairs:
        parts.append("Semua paslon dalam satu pemilihan disebut setara (berita/informasi netral).")
    if neutral:
        parts.append(f"Tanda netral: {_quote(neutral)}.")
    if rejected:
        parts.append(f"Tidak dihitung tanpa konteks pemilu: {_quote(rejected)}.")
    if not flagged and not refs and not parent and not rejected:
        parts.append("Tidak ada rujukan ke paslon atau partai.")
    return " ".join(parts)
