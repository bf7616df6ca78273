"""Digest building: 500 supervisors over 50,000 flagged posts in the real Elasticsearch (a unique index prefix).

Each digest is built as `pantau digest` builds it (ledger look-ups, the selection search with its aggregations,
the remaining ids beyond the cap, rendering the HTML and text parts, the MIME message); nothing is mailed. The
baseline is the bare selection searches of the same digests without ledger or rendering, in the same run.
Target: all 500 digests in under 60 s.

    python bench/digest.py [--supervisors 500] [--posts 50000]
"""
from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from _common import elasticsearch_url, report
from elasticsearch import Elasticsearch, helpers

from alerts.digest import DigestConfig, DigestService
from alerts.selection import select
from alerts.supervisors import Recipient
from crawler.es.client import posts_index_for
from crawler.es.setup import apply_templates, delete_namespace
from crawler.items import AsnRef, Author, Evidence, Match, Post, post_doc_id
from crawler.regions import WILAYAH_DIR, Regions

NOW = datetime(2024, 2, 10, 3, 0, tzinfo=timezone.utc)
WORDS = ("rapat koordinasi dinas hari ini, jangan lupa apel pagi dan laporan mingguan ke kantor kecamatan "
         "warga antusias menyambut program pemerintah daerah").split()
CANDIDATES = [("pilpres-2024-01", "Anies"), ("pilpres-2024-02", "Prabowo"), ("pilpres-2024-03", "Ganjar")]
SEVERITIES = ("tinggi", "sedang", "sedang", "rendah", "rendah")
CATEGORIES = ("dukungan_medsos", "kampanye", "atribut", "menjelekkan")


def make_posts(n: int, regions: list[str], rng: random.Random) -> list[dict]:
    posts = []
    for i in range(n):
        region = rng.choice(regions)
        cid, name = rng.choice(CANDIDATES)
        prefix_text = " ".join(rng.choices(WORDS, k=rng.randint(5, 60)))
        text = f"{prefix_text} dukung {name} <b>&</b> " + " ".join(rng.choices(WORDS, k=rng.randint(0, 30)))
        start = len(prefix_text) + 8
        seen = NOW - timedelta(minutes=rng.randint(1, 7 * 24 * 60))
        account = rng.randint(0, 20_000)
        posts.append(Post(
            platform="telegram", post_id=f"b{i}", url=f"https://t.me/kanal{account}/{i}",
            author=Author(platform="telegram", handle=f"akun{account}", display_name=f"Pegawai {account}"),
            text=text, posted_at=(seen - timedelta(hours=rng.randint(0, 400))).isoformat(),
            fetched_at=seen.isoformat(), first_seen=seen.isoformat(), last_seen=seen.isoformat(),
            raw=Evidence(sha256=f"{i:064x}", path=f"evidence/{i:064x}.html"),
            matches=[Match(id=cid, kind="candidate", text=name, span=[start, start + len(name)], candidate_id=cid)],
            candidates=[cid], category=rng.choice(CATEGORIES), severity=rng.choice(SEVERITIES), flagged=True,
            explanation=f"Menyebut pasangan calon {name}.",
            asn=AsnRef(account_id=f"acc{account}", name=f"Pegawai {account}", agency="Dinas Pendidikan",
                       position="Guru", region_code=region, region_path=[region[:2], region])).to_dict())
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--supervisors", type=int, default=500)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--target-seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4, help="digests built at once (as `pantau digest`)")
    args = parser.parse_args()
    url, server = elasticsearch_url()
    client = Elasticsearch(url, request_timeout=120)
    prefix = f"bench-digest-{uuid.uuid4().hex[:8]}-"
    rng = random.Random(7)
    regions = Regions.load()
    provinces = [row.split(",")[0] for row in (WILAYAH_DIR / "provinsi.csv").read_text(encoding="utf-8")
                 .splitlines()[1:] if row.strip()]
    codes = sorted(k for p in provinces for k in regions.children(p))[: args.supervisors]
    recipients = []
    for i in range(args.supervisors):
        code = codes[i % len(codes)] if i % 10 else code_province(codes[i % len(codes)])
        zone, iana = regions.timezone(code)
        recipients.append(Recipient(id=f"sup{i:04d}", name=f"Bawaslu {regions.name_or_code(code)}",
                                    email=f"sup{i:04d}@bawaslu.example.org", region_codes=(code,), timezone=zone,
                                    iana_timezone=iana, digest_time="07:00"))
    try:
        apply_templates(client, prefix)
        posts = make_posts(args.posts, codes, rng)
        started = time.perf_counter()
        helpers.bulk(client.options(request_timeout=120), ({"_op_type": "index", "_index": posts_index_for(prefix, p["posted_at"]),
                               "_id": post_doc_id(p["platform"], p["post_id"]), "_source": p} for p in posts),
                     chunk_size=2000)
        client.indices.refresh(index=f"{prefix}posts")
        print(f"indexed {len(posts)} flagged posts in {time.perf_counter() - started:.1f}s "
              f"({len(recipients)} supervisors, {len(codes)} regions)")
        service = DigestService(client, prefix, DigestConfig(), None, clock=lambda: NOW, regions=regions)
        day = date(2024, 2, 10)
        # warm-up (templates compiled, caches filled), not timed
        service.build(recipients[0], day)
        started = time.perf_counter()
        findings = listed = 0
        for recipient in recipients:
            window = service.window_for(recipient, day, NOW)
            selection = select(client, prefix, recipient.region_codes, window, [], 200, with_rest=False)
            findings += selection.total
        baseline_seconds = time.perf_counter() - started
        started = time.perf_counter()
        size = 0
        for built in service.build_many(recipients, day, NOW, workers=args.workers):
            listed += len(built.selection.findings)
            size += len(built.message.as_bytes())
        seconds = time.perf_counter() - started
        rate = len(recipients) / seconds
        baseline_rate = len(recipients) / baseline_seconds
        print(f"bare searches : {len(recipients)} in {baseline_seconds:.2f}s = {baseline_rate:.1f}/s "
              f"({findings} findings)")
        print(f"full digests  : {len(recipients)} in {seconds:.2f}s = {rate:.1f}/s ({listed} listed, "
              f"{size / len(recipients) / 1024:.0f} KiB per message)")
        report("digest", rate, baseline_rate, round(len(recipients) / args.target_seconds, 2),
               seconds < args.target_seconds, seconds=round(seconds, 2), baseline_seconds=round(baseline_seconds, 2),
               supervisors=len(recipients), posts=len(posts), findings=findings, listed=listed,
               workers=args.workers)
    finally:
        delete_namespace(client, prefix)
        if server is not None:
            server.stop()


def code_province(code: str) -> str:
    return code.split(".")[0]


if __name__ == "__main__":
    main()
