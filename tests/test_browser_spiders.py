"""Browser spiders (X, TikTok) in real Chromium against the fixture sites: fields, scrolling, walls, sessions,
screenshots, no browser left behind, and the re-check of a deleted post."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install

PROJECT = Path(__file__).resolve().parents[1]
WORLD = PROJECT / "tests" / "data" / "worlds" / "browser.json"
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY_JITTER=0"]

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


@pytest.fixture()
def site() -> Iterator[MockSite]:
    install()
    with MockSite(World.load(WORLD)) as mock:
        yield mock


def crawl(site: MockSite, home: Path, platform: str, target: str, *extra: str,
          env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    out = home / f"out-{len(list(home.glob('out-*')))}.jsonl"
    cmd = [sys.executable, "-m", "crawler", "-v", "crawl", "--platform", platform, "--target", target,
           "--base-url", site.base_url, "--no-index", "--output", str(out), *FAST, *extra]
    full_env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_SESSIONS_DIR": str(home / "sessions"),
                "PANTAU_TEST_RUN": RUN_MARK, **(env or {})}
    proc = subprocess.run(cmd, cwd=PROJECT, env=full_env, capture_output=True, text=True, timeout=240)
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return proc, posts


RUN_MARK = f"browser-tests-{os.getpid()}"


def chromium_pids() -> set[int]:
    """Chromium processes started by this module's crawls (they inherit PANTAU_TEST_RUN), from /proc.

    Other Chromium processes on the machine (another test run, a developer's browser) are not counted.
    """
    found = set()
    mark = f"PANTAU_TEST_RUN={RUN_MARK}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")[0]
            if b"chrom" not in cmdline.lower():
                continue
            if mark in (entry / "environ").read_bytes().split(b"\0"):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def session_file(home: Path, platform: str, cookie: str, value: str) -> None:
    state = {"cookies": [{"name": cookie, "value": value, "domain": "127.0.0.1", "path": "/", "expires": -1,
                          "httpOnly": True, "secure": False, "sameSite": "Lax"}], "origins": []}
    (home / "sessions").mkdir(parents=True, exist_ok=True)
    (home / "sessions" / f"{platform}.json").write_text(json.dumps(state), encoding="utf-8")


def test_x_profile_field_by_field_scroll_and_screenshot(site: MockSite, tmp_path: Path) -> None:
    before = chromium_pids()
    proc, posts = crawl(site, tmp_path, "x", "budi_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_id = {p["post_id"]: p for p in posts}
    # 24 generated + flagged + share + reply + pinned; the timeline answers 10 per page: 3 scrolls to the end
    assert len(posts) == 28 and len(by_id) == 28
    assert len(site.requests_to("/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets")) == 4
    post = by_id["1747100000000000001"]
    assert post["platform"] == "x" and post["kind"] == "post"
    assert post["url"] == "https://x.com/budi_asn/status/1747100000000000001"
    assert post["author"] == {"role": "", "platform": "x", "handle": "budi_asn", "display_name": "Budi Santoso <ASN>",
                              "url": "https://x.com/budi_asn"}
    assert post["text"] == ("Ayo coblos nomor 2! Dukung #PrabowoGibran2024 bersama @paslon_dua "
                            "https://contoh-paslon.id/program")
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == ["paslon_dua"]
    assert post["links"] == ["https://contoh-paslon.id/program"]
    assert post["posted_at"] == "2024-01-20T01:00:00+00:00" and post["lang"] == "in"
    assert post["engagement"] == {"likes": 12, "replies": 3, "shares": 4, "views": 321, "quotes": 1}
    assert post["media"] == [{"url": "https://pbs.twimg.com/media/FotoKampanye.jpg", "type": "photo",
                              "alt": "foto <kampanye>"}]
    assert post["flagged"] is True and post["target"] == "budi_asn"
    # evidence: the GraphQL JSON the post came from, and a PNG of its permalink page
    raw = post["raw"]
    body = gzip.decompress((tmp_path / "evidence" / raw["path"]).read_bytes())
    assert hashlib.sha256(body).hexdigest() == raw["sha256"]
    assert json.loads(body)["data"]["user"]["result"]["timeline"]
    png = (tmp_path / "evidence" / raw["screenshot_path"]).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and hashlib.sha256(png).hexdigest() == raw["screenshot_sha256"]
    assert site.requests_to("/budi_asn/status/1747100000000000001")
    assert sum(1 for p in posts if p["raw"]["screenshot_path"]) == 1  # only the flagged post is pictured
    # images blocked on the crawl page, loaded for the screenshot
    assert len(site.requests_to("/pantau-mock-static/avatar.png")) == 1

    share = by_id["1747100000000000002"]
    assert share["kind"] == "share" and share["parent"]["post_id"] == "1747000000000000001"
    assert share["parent"]["author_handle"] == "paslon_dua"
    assert share["text"] == "Kampanye akbar Sabtu ini di alun-alun, datang ya!"
    reply = by_id["1747100000000000003"]
    assert reply["kind"] == "reply" and reply["parent"]["url"] == "https://x.com/paslon_dua/status/1747000000000000001"
    assert reply["text"] == "@paslon_dua Siap hadir, warga <semua> & keluarga!"
    assert "1747000000000000001" not in by_id  # the candidate's own tweet is not the target's
    assert chromium_pids() - before == set()

    # second run: one new post; the pinned (known, out of order) post does not stop it, the last seen one does
    site.world.posts.append(type(site.world.posts[0])(
        platform="x", handle="budi_asn", id="1747200000000000001", text="Kerja bakti Minggu pagi.",
        posted_at="2024-01-21T07:00:00+07:00"))
    calls = len(site.requests_to("/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets"))
    proc, posts = crawl(site, tmp_path, "x", "budi_asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [p["post_id"] for p in posts] == ["1747200000000000001"]
    assert len(site.requests_to("/i/api/graphql/V7H0Ap3_Hh2FyS75OCDO3Q/UserTweets")) == calls + 1


def test_tiktok_profile_fields_and_scroll(site: MockSite, tmp_path: Path) -> None:
    proc, posts = crawl(site, tmp_path, "tiktok", "sari.asn")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(posts) == 24 and len(site.requests_to("/api/post/item_list/")) == 3
    post = {p["post_id"]: p for p in posts}["7325000000000000001"]
    assert post["url"] == "https://www.tiktok.com/@sari.asn/video/7325000000000000001"
    assert post["author"] == {"role": "", "platform": "tiktok", "handle": "sari.asn", "display_name": "Sari Dewi",
                              "url": "https://www.tiktok.com/@sari.asn"}
    assert post["text"] == "Ayo coblos nomor 2! #PrabowoGibran2024 @relawan.dua"
    assert post["hashtags"] == ["PrabowoGibran2024"] and post["mentions"] == ["relawan.dua"]
    assert post["posted_at"] == "2024-01-20T12:00:00+00:00"
    assert post["engagement"] == {"likes": 249, "replies": 8, "shares": 9, "views": 5675, "quotes": None}
    assert post["media"][0]["type"] == "video"
    png = (tmp_path / "evidence" / post["raw"]["screenshot_path"]).read_bytes()
    assert hashlib.sha256(png).hexdigest() == post["raw"]["screenshot_sha256"] and png[:4] == b"\x89PNG"


@pytest.mark.parametrize("platform,target,cookie", [("x", "x_tertutup", "auth_token"),
                                                    ("tiktok", "tt_tertutup", "sessionid")])
def test_login_wall_session_and_expired_session(site: MockSite, tmp_path: Path, platform: str, target: str,
                                                cookie: str) -> None:
    proc, posts = crawl(site, tmp_path, platform, target)
    assert proc.returncode == 1 and posts == []
    assert f"{platform} {target}: login_wall" in proc.stdout + proc.stderr

    session_file(tmp_path, platform, cookie, "sesi-operator-rahasia")
    proc, posts = crawl(site, tmp_path, platform, target)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(posts) >= 3
    assert "sesi-operator-rahasia" not in proc.stdout + proc.stderr  # the session is never logged

    session_file(tmp_path, platform, cookie, "expired-2024")
    home2 = tmp_path / "second"
    home2.mkdir()
    (home2 / "sessions").mkdir()
    (home2 / "sessions" / f"{platform}.json").write_text(
        (tmp_path / "sessions" / f"{platform}.json").read_text())
    proc, posts = crawl(site, home2, platform, target)
    assert proc.returncode == 1 and posts == []
    assert f"{platform} {target}: session_expired" in proc.stdout + proc.stderr


def test_unknown_account_and_missing_browser(site: MockSite, tmp_path: Path) -> None:
    proc, _ = crawl(site, tmp_path, "x", "x_hilang")
    assert proc.returncode == 1 and "x x_hilang: not_found" in proc.stdout + proc.stderr
    proc, _ = crawl(site, tmp_path, "x", "budi_asn", env={"PLAYWRIGHT_CHROMIUM_EXECUTABLE": "/tidak/ada/chromium"})
    assert proc.returncode == 1 and "PLAYWRIGHT_CHROMIUM_EXECUTABLE" in proc.stderr


def test_no_browser_left_when_pages_error(site: MockSite, tmp_path: Path) -> None:
    """A renderer error (500 on the profile page) still closes the page and the browser."""
    site.world.account("x", "budi_asn").status = "server_error"
    site.routes["/budi_asn"] = lambda s, r: __import__("crawler.mocksite.server", fromlist=["Reply"]).Reply(
        500, "<html><body>500</body></html>")
    before = chromium_pids()
    proc, posts = crawl(site, tmp_path, "x", "budi_asn", "--set", "RETRY_TIMES=0")
    assert posts == []
    assert chromium_pids() - before == set()
