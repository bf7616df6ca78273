"""`pantau crawl` input checks, the catalog, and several targets and platforms in one run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.crawl_cmd import crawl
from crawler.crawling.catalog import SPIDERS, platform_of_url
from crawler.items import PLATFORMS
from crawler.mocksite import MockSite, World
from tests.crawl_support import PROJECT, WORLD


@pytest.fixture()
def site() -> Iterator[MockSite]:
    with MockSite(World.load(WORLD)) as mock:
        yield mock


def test_catalog_covers_every_platform() -> None:
    assert set(SPIDERS) == set(PLATFORMS)
    assert platform_of_url("https://t.me/kanal") == "telegram"
    assert platform_of_url("https://bsky.app/profile/a.bsky.social") == "bluesky"
    assert platform_of_url("https://sosial.contoh.id/@rina") == "mastodon"
    assert platform_of_url("https://contoh.id/berita") is None


@pytest.mark.parametrize("args, message", [
    (["--platform", "friendster", "--target", "a"], "unknown platform"),
    (["--platform", "telegram", "--target", " "], "--target is empty"),
    (["--target", "kanal_saja"], "--platform is required"),
    (["--platform", "telegram", "--target", "a", "--base-url", "ftp://x"], "--base-url must look like"),
    (["--platform", "telegram", "--target", "a", "--set", "TANPA_NILAI"], "--set expects NAME=VALUE"),
    (["--platform", "telegram", "--target", "a", "--max-pages", "0"], "at least 1"),
])
def test_bad_input_is_one_line_and_exit_1(args: list[str], message: str) -> None:
    result = CliRunner().invoke(crawl, args)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_many_targets_and_platforms_in_one_process(site: MockSite, tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import json
        from crawler.crawling.base import TargetSpec
        from crawler.crawling.runner import CrawlJob, run_crawls
        jobs = [CrawlJob("telegram", [TargetSpec("kanal_sibuk"), TargetSpec("kanal_dihapus"),
                                      TargetSpec("kanal_kosong")], {site.base_url!r}),
                CrawlJob("bluesky", [TargetSpec("sibuk.bsky.social")], {site.base_url!r})]
        summaries = run_crawls(jobs, output={str(tmp_path / "all.jsonl")!r}, index=False,
                               settings_overrides={{"DOWNLOAD_DELAY": 0, "RETRY_BACKOFF_BASE": 0.01}})
        print(json.dumps([[s.platform, s.items, s.output, [[t.target, t.status] for t in s.targets]]
                          for s in summaries]))
    """)
    env = {**os.environ, "PANTAU_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    summaries = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summaries[0][:2] == ["telegram", 5]
    assert dict(summaries[0][3]) == {"kanal_sibuk": "ok", "kanal_dihapus": "not_found", "kanal_kosong": "empty"}
    assert summaries[1][:2] == ["bluesky", 3]
    telegram_out = tmp_path / "all.telegram.jsonl"
    assert summaries[0][2] == str(telegram_out)
    assert len(telegram_out.read_text(encoding="utf-8").splitlines()) == 5
    states = list((tmp_path / "home" / "crawl-state" / "telegram").glob("*.json"))
    assert len(states) == 3
    statuses = {json.loads(p.read_text())["target"]: json.loads(p.read_text()) for p in states}
    assert statuses["kanal_sibuk"]["runs"] == 1 and statuses["kanal_dihapus"]["runs"] == 0  # a failure is no run
    assert statuses["kanal_dihapus"]["last_status"].startswith("not_found")
