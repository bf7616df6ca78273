"""The Indonesian explanation of a decision, naming the words that decided it (read by supervisors)."""
from __future__ import annotations

from functools import lru_cache

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
    """The first `limit` distinct words, white space collapsed, quoted."""
    if len(words) == 1:  # the usual case
        w = " ".join(words[0].split())
        return f"“{w}”" if w else ""
    seen: dict[str, None] = {}
    for w in words:
        w = " ".join(w.split())
        if w and w not in seen:
            seen[w] = None
            if len(seen) == limit:
                break
    return "“" + "”, “".join(seen) + "”" if seen else ""


@lru_cache(maxsize=64)
def _verdict(category: str | None, severity: str) -> str:
    """The first sentence of a flagged post's explanation (few categories and severities: made once each)."""
    return (f"Ditandai: {CATEGORY_LABELS.get(category or '', category or '-')} "
            f"(kategori {category}, tingkat {severity}).")


def explain(flagged: bool, category: str | None, severity: str, refs: dict[str, list[str]],
            labels: dict[str, str], cues: list[tuple[str, bool]], neutral: list[str], parent: str | None,
            parent_label: str, all_pairs: bool, rejected: list[str]) -> str:
    """One or two sentences: the verdict, then the references and the deciding words (`cues`: (text, negated))."""
    parts = [_verdict(category, severity) if flagged else "Tidak ditandai."]
    for ref_id, words in refs.items():
        parts.append(f"Menyebut {labels.get(ref_id, ref_id)} lewat {_quote(words)}.")
    if parent:
        parts.append(f"Komentar di unggahan halaman resmi {parent_label} (dihitung sebagai interaksi).")
    if cues:
        positive = [word for word, neg in cues if not neg]
        negated = [word for word, neg in cues if neg]
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
