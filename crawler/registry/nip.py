"""NIP (Nomor Induk Pegawai) checks: 18 digits = birth date YYYYMMDD, appointment (TMT CPNS) YYYYMM, sex (1/2),
serial (3 digits).

A NIP is sensitive: messages here never repeat it, and `crawler.registry.models.mask_nip` hides it in lists.
"""
from __future__ import annotations

import logging
import re
from datetime import date

logger = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[\s.\-]")


def clean_nip(value: str) -> str:
    """Spaces, dots and dashes removed (`19850312 201001 1 002` is how NIPs are often written)."""
    text = _SEPARATORS.sub("", str(value or ""))
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell from a spreadsheet
        text = text[:-2]
    return text


def nip_problem(nip: str, today: date | None = None) -> str | None:
    """Why a (cleaned) NIP is invalid, in Indonesian, without repeating it; None when valid or empty."""
    if not nip:
        return None
    today = today or date.today()
    if "*" in nip:
        return "NIP tersamarkan (ekspor dengan --mask-nip tidak bisa diimpor ulang)"
    if not nip.isdigit():
        return "NIP hanya boleh berisi angka"
    if len(nip) != 18:
        return f"NIP harus 18 angka (tertulis {len(nip)})"
    year, month, day = int(nip[0:4]), int(nip[4:6]), int(nip[6:8])
    try:
        birth = date(year, month, day)
    except ValueError:
        return "tanggal lahir dalam NIP (angka 1-8) tidak valid"
    if birth.year < 1930 or birth > today:
        return "tahun lahir dalam NIP (angka 1-8) tidak masuk akal"
    a_year, a_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= a_month <= 12:
        return "bulan pengangkatan dalam NIP (angka 13-14) tidak valid"
    if a_year < birth.year + 15 or (a_year, a_month) > (today.year, today.month):
        return "tahun pengangkatan dalam NIP (angka 9-12) tidak masuk akal"
    if nip[14] not in "12":
        return "kode jenis kelamin dalam NIP (angka ke-15) harus 1 atau 2"
    if nip[15:18] == "000":
        return "nomor urut dalam NIP (angka 16-18) tidak boleh 000"
    return None
