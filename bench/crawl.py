"""Crawl benchmark: pages/s and posts/s of the Telegram and Bluesky spiders against the local fixture site.

Each spider crawls a large fictional account through Scrapy (no politeness delay, no indexing) in its own process;
the baseline is a plain sequential fetch of the same pages without parsing; parse cost per page is measured on the
saved bodies. Usage: python bench/crawl.py [--posts N]. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from crawler.mocksite import MockSite, World  # noqa: E402
from crawler.parsers.bluesky import parse_author_feed  # noqa: E402
from crawler.parsers.telegram import parse_channel_page  # noqa: E402

TARGET_POSTS_PER_S = 200.0

CHILD = """
import json, sys
from crawler.crawling.runner import run_crawl
s = run_crawl(sys.argv[1], sys.argv[2], base_url=sys.argv[3], output=sys.argv[4], index=False,
              settings_overrides={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING",
                                  "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "BLUESKY_PAGE_LIMIT": 100},
              max_pages=100000, max_posts=10000000)
print(json.dumps({"items": s.items, "elapsed": s.stats.get("elapsed_time_seconds"),
                  "responses": s.pages, "status": [t.status for t in s.targets]}))
"""


def world(posts: int) -> World:
    return World.from_dict({"accounts": [
        {"platform": "telegram", "handle": "bench_kanal", "display_name": "Kanal Bench",
         "generate": {"count": posts, "start": "2023-01-01T08:00:00+07:00", "step_minutes": 10,
                      "text": "Kabar ke-{n} dari #DesaMaju: jadwal layanan https://contoh.id/info/{n} @warga"}},
        {"platform": "bluesky", "handle": "bench.bsky.social", "display_name": "Bench",
         "generate": {"count": posts, "start": "2023-01-01T08:00:00+07:00", "step_minutes": 10,
                      "text": "Catatan ke-{n} #Pelayanan https://contoh.id/{n}"}},
    ]})


def crawl(platform: str, target: str, site: MockSite, home: Path) -> dict:
    env = {**os.environ, "PANTAU_HOME": str(home / platform)}
    out = home / f"{platform}.jsonl"
    proc = subprocess.run([sys.executable, "-c", CHILD, platform, target, site.base_url, str(out)], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"{platform} crawl failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000, help="posts per account (default 2000)")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, MockSite(world(args.posts)) as site:
        home = Path(tmp)
        for platform, target, prefix, parse in (
                ("telegram", "bench_kanal", "/s/", lambda b: parse_channel_page(b, "bench_kanal")),
                ("bluesky", "bench.bsky.social", "/xrpc/", parse_author_feed)):
            site.requests.clear()
            run = crawl(platform, target, site, home)
            urls = [site.base_url + r.target for r in site.requests if r.path.startswith(prefix)]
            # baseline: the same pages fetched one after another, without parsing
            bodies = []
            start = time.perf_counter()
            for url in urls:
                with urllib.request.urlopen(url) as response:
                    bodies.append(response.read())
            fetch_s = time.perf_counter() - start
            start = time.perf_counter()
            parsed = sum(len(parse(b).posts) for b in bodies)
            parse_s = time.perf_counter() - start
            elapsed = float(run["elapsed"] or 0.0) or 1e-9
            results[platform] = {
                "posts": run["items"], "pages": len(urls), "crawl_s": round(elapsed, 3),
                "posts_per_s": round(run["items"] / elapsed, 1), "pages_per_s": round(len(urls) / elapsed, 2),
                "raw_fetch_posts_per_s": round(parsed / fetch_s, 1), "raw_fetch_pages_per_s": round(len(urls) / fetch_s, 2),
                "parse_ms_per_page": round(parse_s * 1000 / max(1, len(bodies)), 2), "status": run["status"],
            }
            r = results[platform]
            print(f"{platform:9s} {r['posts']:6d} posts {r['pages']:4d} pages in {r['crawl_s']:.2f}s: "
                  f"{r['posts_per_s']:.0f} posts/s, {r['pages_per_s']:.1f} pages/s; raw fetch "
                  f"{r['raw_fetch_pages_per_s']:.1f} pages/s; parse {r['parse_ms_per_page']:.2f} ms/page")
    posts = sum(r["posts"] for r in results.values())
    crawl_s = sum(r["crawl_s"] for r in results.values())
    pages = sum(r["pages"] for r in results.values())
    rate = posts / crawl_s
    baseline = sum(r["posts"] for r in results.values()) / sum(r["posts"] / r["raw_fetch_posts_per_s"]
                                                               for r in results.values())
    print(json.dumps({
        "bench": "crawl", "rate": round(rate, 1), "baseline_rate": round(baseline, 1),
        "ratio": round(rate / baseline, 3), "target": TARGET_POSTS_PER_S, "met": rate >= TARGET_POSTS_PER_S,
        "pages_per_s": round(pages / crawl_s, 2),
        "parse_ms_per_page": round(sum(r["parse_ms_per_page"] * r["pages"] for r in results.values()) / pages, 2),
        "per_platform": results,
    }))


if __name__ == "__main__":
    main()
