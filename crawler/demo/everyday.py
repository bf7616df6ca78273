"""Ordinary posts of civil servants for the demo world: office life, service notices, family, sport.

They are the bulk of what a monitor sees and must stay unflagged. Built deterministically from parts, so a second
demo run gives the same posts.
"""
from __future__ import annotations

import random

_OPENERS = ["Alhamdulillah", "Info untuk warga", "Pengumuman", "Selamat pagi rekan-rekan", "Mohon maaf",
            "Dokumentasi kegiatan", "Sekadar berbagi", "Kabar gembira", "Pagi ini", "Bismillah"]
_ACTIVITIES = [
    "rapat koordinasi penanganan stunting di aula kecamatan",
    "pelayanan KTP elektronik keliling di balai desa",
    "apel pagi bersama seluruh pegawai dinas",
    "vaksinasi anak sekolah di SD Negeri 3",
    "pelatihan aplikasi SRIKANDI untuk staf tata usaha",
    "kerja bakti membersihkan saluran air depan kantor",
    "penyaluran bantuan benih padi untuk kelompok tani",
    "sosialisasi pajak bumi dan bangunan di kelurahan",
    "lomba voli antar bidang dalam rangka HUT kabupaten",
    "pemeriksaan kesehatan gratis untuk lansia di posyandu",
    "bimbingan teknis penyusunan laporan keuangan",
    "pelayanan perpustakaan keliling ke sekolah-sekolah",
]
_TIMES = ["hari Senin pukul 08.00", "besok pagi jam 07.30", "Kamis 14 Maret", "minggu depan", "tadi siang",
          "Sabtu pagi", "mulai jam 09.00 sampai selesai", "di lantai 2 ruang rapat 02"]
_CLOSERS = ["Terima kasih atas kerja samanya 🙏", "Semoga bermanfaat.", "Mari kita sukseskan bersama!",
            "Jangan lupa bawa fotokopi KK ya.", "Tetap semangat melayani masyarakat 💪", "Amin ya Allah.",
            "Salam sehat selalu.", "Info lengkap hubungi nomor layanan kantor."]
_PERSONAL = [
    "Anak kedua kami hari ini wisuda TK, lucunya gemoy banget 😍",
    "Mancing di waduk bareng bapak-bapak RT, dapat dua ekor nila. Lumayan buat makan malam.",
    "Hujan deras dari subuh, hati-hati di jalan rekan-rekan, banyak genangan di jalan provinsi.",
    "Semoga Allah memberi kesembuhan untuk ibu mertua, amin amin ya rabbal alamin 🤲",
    "Nonton final voli putri tadi malam, juara 1 tim kecamatan kita! Bangga 🏐",
    "Resep rendang ala ibu saya, dimasak 6 jam. Nomor 1 pokoknya di keluarga.",
    "Antre di bank dapat nomor urut 2, cepat juga pelayanannya hari ini.",
    "Kucing di kantor namanya Gemoy, tiap pagi nunggu di depan pintu minta makan 🐱",
    "Abah saya ulang tahun ke-70 hari ini. Sehat selalu, Abah ❤️",
    "Reuni SMA angkatan 2002, ketemu Gita teman sebangku dulu, sekarang sudah jadi dokter.",
]


def everyday_posts(count: int, seed: int = 2024) -> list[str]:
    """`count` distinct everyday texts."""
    rng = random.Random(seed)
    texts: list[str] = list(_PERSONAL)
    seen = set(texts)
    while len(texts) < count:
        text = f"{rng.choice(_OPENERS)}, {rng.choice(_ACTIVITIES)} {rng.choice(_TIMES)}. {rng.choice(_CLOSERS)}"
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts[:count]
