"""Many X profiles in one crawl, in real Chromium: a few pages (lanes) visit them one after another; a profile
that fails, a login wall and an unknown account in the middle do not stop a lane; every post of the others is
read; one Playwright driver; the page's own requests carry Scrapy's User-Agent; no page or browser left behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install
from crawler.mocksite.server import Reply
from tests.browser_support import PROJECT, ours

RUN_MARK = f"browser-lanes-{os.getpid()}"
HEALTHY = [f"lajur_{i}" for i in range(5)]
# order matters: the failing profile is the second lane's first target, so its lane goes on in a new page
TARGETS = [HEALTHY[0], "lajur_rusak", HEALTHY[1], "lajur_tertutup", HEALTHY[2], "lajur_hilang", *HEALTHY[3:]]
CHILD = """
import json, sys
from crawler.crawling.base import TargetSpec
from crawler.crawling.runner import CrawlJob, run_crawls
[s] = run_crawls([CrawlJob("x", [TargetSpec(h) for h in json.loads(sys.argv[2])], sys.argv[1])],
                 output=sys.argv[3], index=False,
                 settings_overrides={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY_JITTER": 0,
                                     "RETRY_TIMES": 0, "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
                                     "BROWSER_SCREENSHOT_FLAGGED": False, "LOG_LEVEL": "INFO"})
print(json.dumps({"targets": {t.target: t.status for t in s.targets}, "items": s.items,
                  "opened": s.stats.get("playwright/page_count", 0),
                  "reused": s.stats.get("pantau/browser/pages_reused", 0)}))
"""

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture()
def site() -> Iterator[MockSite]:
    install()
    world = World.from_dict({"accounts": [
        *({"platform": "x", "handle": h, "generate": {"count": 12, "start": "2024-01-01T08:00:00+07:00",
                                                       "step_minutes": 30, "text": "Layanan publik {n}."}}
          for h in HEALTHY),
        {"platform": "x", "handle": "lajur_rusak"},
        {"platform": "x", "handle": "lajur_tertutup", "status": "login_wall"},
    ]})
    with MockSite(world) as mock:
        mock.routes["/lajur_rusak"] = lambda s, r: Reply(500, "<html><body>500</body></html>")
        yield mock


def crawl(site: MockSite, home: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], set[int]]:
    """The crawl in a child process; also every Playwright driver process seen while it ran."""
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_SESSIONS_DIR": str(home / "sessions"),
           "PANTAU_TEST_RUN": RUN_MARK}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, site.base_url, json.dumps(TARGETS),
                             str(home / "out.jsonl")], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    drivers: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            drivers.update(ours(RUN_MARK, b"run-driver"))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, err = proc.communicate(timeout=200)
    finally:
        done.set()
        watcher.join()
    completed = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    assert out.strip(), err[-3000:]
    return completed, json.loads(out.strip().splitlines()[-1]), drivers


def test_lanes_visit_many_profiles_in_few_pages(site: MockSite, tmp_path: Path) -> None:
    proc, summary, drivers = crawl(site, tmp_path)
    assert summary["targets"] == {**{h: "ok" for h in HEALTHY}, "lajur_rusak": "error",
                                  "lajur_tertutup": "login_wall", "lajur_hilang": "not_found"}, proc.stderr[-3000:]
    posts = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    per_target: dict[str, int] = {}
    for post in posts:
        per_target[post["target"]] = per_target.get(post["target"], 0) + 1
        assert post["author"]["handle"] == post["target"]
    assert per_target == {h: 12 for h in HEALTHY} and summary["items"] == 60
    # two lanes; the failed profile's page was closed and its lane went on in a new one: 3 pages for 8 profiles
    assert summary["opened"] == 3 and summary["reused"] == len(TARGETS) - 3
    assert len(drivers) == 1  # one Playwright driver for http and https (stock scrapy-playwright starts two)
    data_requests = site.requests_to("/i/api/graphql/")
    assert data_requests and all(r.headers["user-agent"].startswith("PantauNetralitas/") for r in data_requests)
    assert not site.requests_to("/pantau-mock-static/avatar.png")  # images stay blocked in reused pages
    assert ours(RUN_MARK, b"chrom") == set() and ours(RUN_MARK, b"run-driver") == set()
