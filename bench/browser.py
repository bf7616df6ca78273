"""Browser benchmark: posts/s of the browser spiders (one reused context, images/fonts/media blocked) against
opening a fresh browser per page (nothing blocked), in one run, on the same N X profiles of the local fixture site.

(a) the X spider crawls the N profiles in one Scrapy run, in a child process, as `pantau crawl` runs a platform's
    due targets: scrapy-playwright with the spider's one context, its page lanes (PLAYWRIGHT_MAX_PAGES_PER_CONTEXT
    pages, each visiting one profile after another), resource blocking, the pipelines and a JSONL feed; one
    navigation at a time (CONCURRENT_REQUESTS_PER_DOMAIN 1, X's politeness setting; DOWNLOAD_DELAY 0 for both
    sides), screenshots off. Its rate is posts / the crawl's elapsed time (driver and browser start included);
(b) the baseline launches Chromium afresh for every profile page, loads it with every resource, reads the same
    `UserTweets` JSON the page fetches (scrolling while it has more), parses it with the same parser and closes
    the browser; its rate is posts / its wall time.
Both use real Chromium (BrowserConfig: PLAYWRIGHT_CHROMIUM_EXECUTABLE, Playwright's own, or /usr/bin/chromium).
The default is 100 profiles of 20 posts: an operator watches dozens to hundreds of accounts per platform, and one
scheduled crawl takes a platform's due accounts in one run, so the browser's start is paid once per batch. CPU
seconds of each side (Python, the Playwright driver and every Chromium process; the spider's include its Python
start) are reported too: on a shared machine they are steadier than wall time. On Linux this process adopts the
Chromium helpers orphaned when a browser exits, so their CPU is counted; elsewhere the CPU fields are null.
Usage: python bench/browser.py [--profiles N] [--posts-per-profile M]. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")

from bench._common import report  # noqa: E402
from crawler.browser.capture import NetworkCapture  # noqa: E402
from crawler.browser.config import BrowserConfig  # noqa: E402
from crawler.config import load_settings  # noqa: E402
from crawler.mocksite import MockSite, World  # noqa: E402
from crawler.mocksite.browser_routes import install  # noqa: E402
from crawler.parsers import x as x_parser  # noqa: E402

TARGET_RATIO = 5.0
PR_SET_CHILD_SUBREAPER = 36
USER_TWEETS = r"/i/api/graphql/[\w-]+/UserTweets\b"

CHILD = """
import json, sys
from crawler.crawling.base import TargetSpec
from crawler.crawling.runner import CrawlJob, run_crawls
handles = json.loads(sys.argv[2])
[s] = run_crawls([CrawlJob("x", [TargetSpec(h) for h in handles], sys.argv[1])], output=sys.argv[3], index=False,
                 settings_overrides={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING",
                                     "DOWNLOAD_DELAY_JITTER": 0,
                                     "CONCURRENT_REQUESTS_PER_DOMAIN": int(sys.argv[4]),
                                     "BROWSER_SCREENSHOT_FLAGGED": False, "BROWSER_BLOCK_RESOURCES": True})
print(json.dumps({"items": s.items, "elapsed": s.stats.get("elapsed_time_seconds"),
                  "status": sorted({t.status for t in s.targets}),
                  "pages_opened": s.stats.get("playwright/page_count", 0),
                  "pages_reused": s.stats.get("pantau/browser/pages_reused", 0)}))
"""


def world(profiles: int, per_profile: int) -> World:
    return World.from_dict({"accounts": [
        {"platform": "x", "handle": f"bench_asn_{i:03d}", "display_name": f"ASN Bench {i}",
         "generate": {"count": per_profile, "start": "2024-01-01T08:00:00+07:00", "step_minutes": 30,
                      "text": "Informasi layanan publik nomor {n} dari kantor kecamatan."}}
        for i in range(profiles)]})


def adopt_orphans() -> bool:
    """Become the subreaper of this process tree (Linux): Chromium leaves helper processes (zygote, renderers) to
    be reparented when it exits, and their CPU would be counted nowhere; adopted, they are reaped here."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def children_cpu() -> float:
    """CPU seconds of every finished descendant of this process (driver, every Chromium process), once the
    descendants left over by the side just measured have ended and been reaped."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            pid, _, _ = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:  # some are still ending
            time.sleep(0.05)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_spider(base_url: str, handles: list[str], home: Path, concurrency: int = 1) -> dict[str, Any]:
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_SESSIONS_DIR": str(home / "sessions")}
    cpu = children_cpu()
    proc = subprocess.run([sys.executable, "-c", CHILD, base_url, json.dumps(handles), str(home / "out.jsonl"),
                           str(concurrency)],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0 and not proc.stdout.strip():
        raise RuntimeError(f"spider run failed: {proc.stderr[-2000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "cpu": children_cpu() - cpu}


async def fresh_browser_per_page(base_url: str, handles: list[str], config: BrowserConfig) -> int:
    """The baseline: a new Chromium per profile page, every resource loaded; returns the posts read."""
    from playwright.async_api import async_playwright

    posts = 0
    async with async_playwright() as pw:
        for handle in handles:
            browser = await pw.chromium.launch(**config.launch_options())
            try:
                page = await browser.new_page()
                capture = NetworkCapture.of(UserTweets=USER_TWEETS).attach(page)
                await page.goto(f"{base_url}/{handle}", wait_until="load")
                while await capture.wait_for(1, timeout=5.0):
                    more = False
                    for captured in capture.take():
                        parsed = x_parser.parse_user_tweets(captured.data)
                        posts += len(parsed.posts)
                        more = more or bool(parsed.next_cursor)
                    if not more:
                        break
                    await page.evaluate("window.scrollTo(0, document.body.scrollHeight);"
                                        "window.dispatchEvent(new Event('scroll'))")
            finally:
                await browser.close()
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--posts-per-profile", type=int, default=20)
    args = parser.parse_args()
    config = BrowserConfig.from_settings(load_settings())
    handles = [f"bench_asn_{i:03d}" for i in range(args.profiles)]
    install()
    exact_cpu = adopt_orphans()
    with MockSite(world(args.profiles, args.posts_per_profile)) as site, \
            tempfile.TemporaryDirectory(prefix="pantau-bench-browser-") as tmp:
        started, cpu = time.perf_counter(), time.thread_time() + children_cpu()  # (not the site's threads)
        baseline_posts = asyncio.run(fresh_browser_per_page(site.base_url, handles, config))
        baseline_s = time.perf_counter() - started
        baseline_cpu = time.thread_time() + children_cpu() - cpu
        blocked_before = len(site.requests_to("/pantau-mock-static/avatar.png"))
        spider = run_spider(site.base_url, handles, Path(tmp))
        images_during_spider = len(site.requests_to("/pantau-mock-static/avatar.png")) - blocked_before
    spider_s = float(spider["elapsed"] or 0.0)
    rate = spider["items"] / spider_s if spider_s else 0.0
    baseline_rate = baseline_posts / baseline_s if baseline_s else 0.0
    expected = args.profiles * args.posts_per_profile
    print(f"chromium: {config.executable}")
    print(f"spider (reused context, blocking): {spider['items']} posts in {spider_s:.2f} s = {rate:.1f} posts/s "
          f"(target statuses {spider['status']}, images fetched {images_during_spider})")
    print(f"  {spider['pages_opened']} pages opened, {spider['pages_reused']} visits in a reused page; "
          f"CPU {spider['cpu']:.1f} s = {spider['cpu'] / args.profiles * 1000:.0f} ms per profile")
    print(f"baseline (fresh browser per page): {baseline_posts} posts in {baseline_s:.2f} s = "
          f"{baseline_rate:.1f} posts/s; CPU {baseline_cpu:.1f} s = "
          f"{baseline_cpu / args.profiles * 1000:.0f} ms per profile")
    ratio = rate / baseline_rate if baseline_rate else 0.0
    complete = spider["items"] == expected and baseline_posts == expected
    report("browser", rate, baseline_rate, TARGET_RATIO, ratio >= TARGET_RATIO and complete,
           profiles=args.profiles, posts_per_profile=args.posts_per_profile, posts=spider["items"],
           baseline_posts=baseline_posts, spider_seconds=round(spider_s, 2), baseline_seconds=round(baseline_s, 2),
           spider_cpu_seconds=round(spider["cpu"], 2) if exact_cpu else None,
           baseline_cpu_seconds=round(baseline_cpu, 2) if exact_cpu else None,
           cpu_ratio=round(baseline_cpu / spider["cpu"], 2) if exact_cpu and spider["cpu"] else None,
           pages_opened=spider["pages_opened"], complete=complete)


if __name__ == "__main__":
    main()
