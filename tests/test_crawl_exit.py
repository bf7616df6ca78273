"""`pantau crawl` exit status: 0 all crawled, 1 failed (bad input, every target failed, spooled), 3 partly failed."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.cli.crawl_cmd import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, crawl_outcome
from crawler.crawling.runner import CrawlSummary, TargetResult
from crawler.es.setup import apply_templates
from crawler.mocksite import MockSite, World
from crawler.registry.store import RegistryStore
from tests.crawl_support import FAST, WORLD
from tests.process_support import run_pantau


def summary(platform: str, *statuses: str, spooled: int = 0) -> CrawlSummary:
    targets = [TargetResult(f"{platform}_{n}", status, "HTTP 404" if status == "not_found" else "")
               for n, status in enumerate(statuses)]
    return CrawlSummary(platform, targets=targets, stats={"pantau/index/spooled": spooled} if spooled else {})


def test_every_target_crawled_is_0() -> None:
    assert crawl_outcome([summary("telegram", "ok", "empty"), summary("bluesky", "ok")]) == (EXIT_OK, "")


def test_some_targets_failed_is_3_with_a_count_per_status() -> None:
    code, message = crawl_outcome([summary("telegram", "ok", "not_found", "session_expired"),
                                   summary("x", "login_wall", "ok")])
    assert code == EXIT_PARTIAL == 3
    assert message == ("3 dari 5 target gagal (3 of 5 targets failed): login_wall 1, not_found 1, "
                       "session_expired 1")


def test_every_target_failed_is_1() -> None:
    code, message = crawl_outcome([summary("bluesky", "not_found"), summary("x", "session_expired")])
    assert code == EXIT_FAILED == 1
    assert message.startswith("2 dari 2 target gagal")
    # one target (pantau crawl --target): its own status and reason, as before
    assert crawl_outcome([summary("telegram", "not_found")]) == (1, "telegram telegram_0: not_found (HTTP 404)")


def test_posts_left_in_the_spool_are_1_and_win_over_3() -> None:
    code, message = crawl_outcome([summary("telegram", "ok", spooled=4)])
    assert code == 1 and message.startswith("4 post belum terindeks") and "pantau es replay" in message
    code, message = crawl_outcome([summary("telegram", "ok", "blocked", spooled=2)])
    assert code == 1
    assert message.startswith("1 dari 2 target gagal") and "; 2 post belum terindeks" in message


def test_the_contract_is_in_the_help() -> None:
    result = CliRunner().invoke(cli, ["crawl", "--help"])
    assert result.exit_code == 0
    assert "partly failed" in result.output and "  3  " in result.output and "  0  " in result.output


def pantau_crawl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_pantau(["crawl", *args, "--no-index", *FAST], env=env, timeout=240)


@pytest.mark.timeout(400)
def test_registered_targets_exit_status(es_client, es_url: str, index_prefix: str,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    apply_templates(es_client, index_prefix)
    store = RegistryStore(es_client, index_prefix)
    accounts = [("telegram", "info_kec_cibeber"), ("telegram", "kanal_dihapus"), ("telegram", "kanal_kosong"),
                ("bluesky", "hilang.bsky.social"), ("bluesky", "rusak.bsky.social"),
                ("youtube", "UCgoyah00000000000000001")]
    for platform, handle in accounts:
        store.add("accounts", {"platform": platform, "handle": handle, "name": f"Pegawai {handle}",
                               "region_code": "32.04"}, by="uji")
    env = {**os.environ, "ES_URL": es_url, "PANTAU_INDEX_PREFIX": index_prefix, "PANTAU_HOME": str(tmp_path),
           "PANTAU_LOG_LEVEL": "INFO"}
    with MockSite(World.load(WORLD)) as site:
        mixed = pantau_crawl(env, "--all", "--base-url", site.base_url)
        failed = pantau_crawl(env, "--all", "--platform", "bluesky", "--base-url", site.base_url)
        fine = pantau_crawl(env, "--all", "--platform", "youtube", "--base-url", site.base_url)

    lines = [line for line in mixed.stdout.splitlines() if ": " in line and " — " in line]
    assert len(lines) == 6, mixed.stdout + mixed.stderr[-3000:]  # every target on its own line
    assert "telegram kanal_dihapus: not_found" in mixed.stdout and "telegram info_kec_cibeber: ok" in mixed.stdout
    assert mixed.returncode == 3, mixed.stdout + mixed.stderr[-3000:]
    assert mixed.stderr.splitlines()[-1] == ("Error: 3 dari 6 target gagal (3 of 6 targets failed): "
                                             "malformed 1, not_found 2"), mixed.stdout

    assert failed.returncode == 1, failed.stdout + failed.stderr[-3000:]
    assert failed.stderr.splitlines()[-1].startswith("Error: 2 dari 2 target gagal"), failed.stderr[-2000:]

    assert fine.returncode == 0, fine.stdout + fine.stderr[-3000:]
    assert "youtube UCgoyah00000000000000001: ok" in fine.stdout
