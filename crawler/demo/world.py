"""The bundled demo "internet": fictional ASN accounts and candidate pages on every platform, a few hundred posts.

Built deterministically from `crawler/data/demo/posts.jsonl` (realistic posts, half of them partisan, with the hard
negatives of the labelled set: prayers ending in "amin", a cat called Gemoy, room 02...) and generated everyday
posts. Each text goes to a platform whose spider is installed, round-robin over that platform's demo accounts;
comments under candidates' pages become Bluesky replies under the candidate's official account. The same build
gives the registry rows (accounts CSV, candidate pages, supervisors CSV) and the web-site configuration.
"""
from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crawler import DATA_DIR
from crawler.demo.everyday import everyday_posts
from crawler.mocksite.render_web import HOST as WEB_HOST
from crawler.mocksite.world import generated_id

DEMO_DIR = DATA_DIR / "demo"

# (platform, handle, name, agency, position, region_code); instance for Mastodon is part of the handle.
ASN_ACCOUNTS: list[tuple[str, str, str, str, str, str]] = [
    ("telegram", "info_disdik_kabbandung", "Asep Sunandar", "Dinas Pendidikan Kab. Bandung", "Pranata Humas", "32.04"),
    ("telegram", "kabar_kec_rancaekek", "Euis Komalasari", "Kecamatan Rancaekek", "Sekretaris Camat", "32.04.13"),
    ("bluesky", "dedi-guru.bsky.social", "Dedi Kurniawan", "SMPN 2 Kota Bandung", "Guru", "32.73"),
    ("bluesky", "andi-makassar.bsky.social", "Andi Baso", "Dinas Kesehatan Kota Makassar", "Analis Kesehatan", "73.71"),
    ("mastodon", "rina@sosial.kotabandung.id", "Rina Marlina", "Bappelitbang Kota Bandung", "Perencana", "32.73"),
    ("mastodon", "irfan@sosial.makassarkota.id", "Irfan Syam", "Dinas Perhubungan Kota Makassar", "Staf", "73.71"),
    ("youtube", "UCdemoDiskominfoJabar001", "Diskominfo Jabar Kanal", "Diskominfo Provinsi Jawa Barat",
     "Pengelola Konten", "32"),
    ("youtube", "UCdemoPuskesmasTamalan01", "Nurhayati", "Puskesmas Tamalanrea", "Bidan", "73.71"),
    ("x", "yayan_asn_bdg", "Yayan Supriatna", "BKPSDM Kab. Bandung", "Analis SDM", "32.04"),
    ("x", "fitri_mks", "Fitriani Rahman", "Dinas Sosial Kota Makassar", "Pekerja Sosial", "73.71"),
    ("instagram", "lilis.pns.cimahi", "Lilis Suryani", "Kecamatan Cimahi Tengah", "Staf Pelayanan", "32.77"),
    ("instagram", "arman.dishub.gowa", "Arman Daeng", "Dinas Perhubungan Kab. Gowa", "Penguji Kendaraan", "73.06"),
    ("tiktok", "bu_guru_neneng", "Neneng Hasanah", "SDN 1 Soreang", "Guru Kelas", "32.04"),
    ("tiktok", "daeng_sehat", "Syamsul Alam", "RSUD Daya Makassar", "Perawat", "73.71"),
    ("facebook", "ujang.pnsbandung", "Ujang Rukmana", "Dinas PUPR Kab. Bandung", "Pengawas Lapangan", "32.04"),
    ("facebook", "hasna.pegawai.makassar", "Hasna Amir", "Kelurahan Panakkukang", "Lurah", "73.71"),
    ("threads", "tono.asn.garut", "Tono Hartono", "Dinas Pertanian Kab. Garut", "Penyuluh", "32.05"),
    ("threads", "wati.bpkad.mks", "Wati Lestari", "BPKAD Kota Makassar", "Bendahara", "73.71"),
    # outside both supervisors' regions: indexed and searchable, in nobody's digest
    ("x", "budi_jakpus", "Budi Hartanto", "Kelurahan Gambir", "Staf", "31.71"),
]

# Official candidate pages on Bluesky (the demo's comments sit under their posts).
CANDIDATE_PAGES: dict[str, str] = {
    "pilpres-2024-01": "amin-resmi-demo.bsky.social",
    "pilpres-2024-02": "prabowogibran-resmi-demo.bsky.social",
    "pilpres-2024-03": "ganjarmahfud-resmi-demo.bsky.social",
    "pilgub-jabar-2024-1": "acu-resmi-demo.bsky.social",
    "pilgub-jabar-2024-4": "dedimulyadi-resmi-demo.bsky.social",
}

SUPERVISORS = [
    {"name": "Bawaslu Provinsi Jawa Barat (demo)", "email": "pengawas.jabar@demo.bawaslu.invalid",
     "region_codes": "32", "digest_time": "07:00"},
    {"name": "Bawaslu Kota Makassar (demo)", "email": "pengawas.makassar@demo.bawaslu.invalid",
     "region_codes": "73.71", "digest_time": "07:00"},
]

WEB_SITES = [
    {"id": "situs-paslon-demo", "type": "rss", "path": "/situs/paslon-demo/feed.xml", "title": "Berita Paslon (demo)",
     "candidate_id": "pilpres-2024-02",
     "items": [{"slug": "kampanye-akbar-gbk", "title": "Kampanye akbar di GBK",
                "text": "<p>Relawan memadati stadion. #BersamaIndonesiaMaju</p>", "posted_at": "2024-02-10T16:00:00+07:00"},
               {"slug": "debat-kelima", "title": "Catatan debat kelima",
                "text": "<p>Program makan siang gratis dijelaskan.</p>", "posted_at": "2024-02-05T21:00:00+07:00"}]},
]

EVERYDAY_COUNT = 180
# A YouTube channel feed lists only its 15 newest videos: more per demo channel would never be crawled.
PER_ACCOUNT_LIMIT = {"youtube": 15}


@dataclass
class DemoWorld:
    world: dict[str, Any]
    accounts: list[dict[str, str]] = field(default_factory=list)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # candidate id -> (platform, handle)
    sites: list[dict[str, Any]] = field(default_factory=list)

    def write_registry_files(self, directory: Path) -> tuple[Path, Path, Path]:
        """accounts.csv, supervisors.csv (operator formats) and sites.json (web spider configuration)."""
        directory.mkdir(parents=True, exist_ok=True)
        accounts = directory / "accounts.csv"
        with accounts.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["platform", "handle", "nama", "instansi", "jabatan",
                                                    "kode_wilayah", "catatan"])
            writer.writeheader()
            writer.writerows(self.accounts)
        supervisors = directory / "supervisors.csv"
        with supervisors.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["name", "email", "region_codes", "digest_time"], delimiter=";")
            writer.writeheader()
            writer.writerows(SUPERVISORS)
        sites = directory / "sites.json"
        sites.write_text(json.dumps({"sites": self.sites}, ensure_ascii=False, indent=1), encoding="utf-8")
        return accounts, supervisors, sites


def mastodon_html(text: str, instance: str) -> str:
    """Mastodon serves statuses as HTML: escape the text and mark hashtags up the way Mastodon does."""
    escaped = html.escape(text).replace("\n", "<br>")
    tagged = re.sub(r"#(\w+)", lambda m: f'<a href="https://{instance}/tags/{m.group(1)}" class="mention hashtag" '
                    f'rel="tag">#<span>{m.group(1)}</span></a>', escaped)
    return f"<p>{tagged}</p>"


def _world_handle(platform: str, handle: str) -> tuple[str, str]:
    """The world's (handle, instance): Mastodon accounts live on their instance."""
    if platform == "mastodon":
        user, _, instance = handle.partition("@")
        return user, instance
    return handle, ""


def build_demo_world(platforms: list[str]) -> DemoWorld:
    """The demo world over the given platforms (those with an installed spider), deterministic."""
    accounts = [a for a in ASN_ACCOUNTS if a[0] in platforms]
    world: dict[str, Any] = {"accounts": [], "posts": [], "sites": []}
    by_platform: dict[str, list[tuple[str, str, str, str, str, str]]] = {}
    rows = []
    for account in accounts:
        platform, handle, name, agency, position, region = account
        by_platform.setdefault(platform, []).append(account)
        user, instance = _world_handle(platform, handle)
        world["accounts"].append({"platform": platform, "handle": user, "display_name": name,
                                  **({"instance": instance} if instance else {})})
        rows.append({"platform": platform, "handle": handle, "nama": name, "instansi": agency, "jabatan": position,
                     "kode_wilayah": region, "catatan": "akun demo (fiktif)"})
    counters: dict[tuple[str, str], int] = {}

    def next_id(platform: str, handle: str) -> str:
        counters[(platform, handle)] = counters.get((platform, handle), 0) + 1
        return generated_id(platform, handle, counters[(platform, handle)])

    demo = DemoWorld(world=world, accounts=rows)
    if "bluesky" in platforms:
        for candidate_id, handle in CANDIDATE_PAGES.items():
            world["accounts"].append({"platform": "bluesky", "handle": handle,
                                      "display_name": f"Akun resmi {candidate_id} (demo)"})
            demo.pages[candidate_id] = ("bluesky", handle)

    labelled = [json.loads(line) for line in (DEMO_DIR / "posts.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    start = datetime.fromisoformat("2024-01-02T07:30:00+07:00")
    everyday = [{"text": text, "kind": "post", "posted_at": (start + timedelta(hours=7 * i)).isoformat()}
                for i, text in enumerate(everyday_posts(EVERYDAY_COUNT))]
    order = [p for p in platforms if p in by_platform]
    turn = 0
    for entry in labelled + everyday:
        def has_room(name: str) -> bool:
            limit = PER_ACCOUNT_LIMIT.get(name)
            return limit is None or counters.get(("owner", name), 0) < limit * len(by_platform[name])

        if entry.get("parent_candidate") and entry["parent_candidate"] in demo.pages and "bluesky" in by_platform:
            platform = "bluesky"
        elif entry.get("platform") in by_platform and entry.get("kind") != "comment" and has_room(entry["platform"]):
            platform = entry["platform"]
        else:
            platform = order[turn % len(order)]
            turn += 1
            while not has_room(platform):
                platform = order[turn % len(order)]
                turn += 1
        owners = by_platform[platform]
        owner = owners[counters.get(("owner", platform), 0) % len(owners)]
        counters[("owner", platform)] = counters.get(("owner", platform), 0) + 1
        handle, _instance = _world_handle(platform, owner[1])
        post: dict[str, Any] = {"platform": platform, "handle": handle, "id": next_id(platform, handle),
                                "text": entry["text"], "posted_at": entry["posted_at"], "kind": "post",
                                "counts": {"likes": len(entry["text"]) % 40, "replies": len(entry["text"]) % 6,
                                           "shares": len(entry["text"]) % 9, "views": 100 + len(entry["text"])}}
        if platform == "youtube":
            post["title"] = entry["text"][:90]
        elif platform == "mastodon":
            post["text"] = mastodon_html(entry["text"], _instance)
        candidate = entry.get("parent_candidate")
        if candidate and candidate in demo.pages and platform == "bluesky":
            page_handle = demo.pages[candidate][1]
            parent_id = next_id("bluesky", page_handle)
            world["posts"].append({"platform": "bluesky", "handle": page_handle, "id": parent_id,
                                   "text": entry.get("parent_text") or "Terima kasih atas dukungannya!",
                                   "posted_at": entry["posted_at"], "kind": "post"})
            post["kind"] = "reply"
            post["parent"] = {"platform": "bluesky", "handle": page_handle, "id": parent_id}
        world["posts"].append(post)
    if "web" in platforms:
        for site in WEB_SITES:
            world["sites"].append(site)
            demo.sites.append({"id": site["id"], "type": site["type"], "candidate_id": site["candidate_id"],
                               "name": site["title"],
                               "url": f"https://{WEB_HOST}{site['path']}"})
    return demo
