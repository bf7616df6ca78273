"""Helpers for the Instagram, Facebook and Threads browser-spider tests: the fixture site on the social world
(the `social_site` fixture in tests/conftest.py), `pantau crawl` in a subprocess (one reactor and one Chromium each),
session files and evidence checks."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install

PROJECT = Path(__file__).resolve().parents[1]
WORLD = PROJECT / "tests" / "data" / "worlds" / "browser_social.json"
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY_JITTER=0"]
PNG = b"\x89PNG\r\n\x1a\n"


def open_social_site() -> MockSite:
    """The fixture site on a fresh copy of the social world (use as a context manager: it starts and stops the
    server); tests take it as the `social_site` fixture (tests/conftest.py)."""
    install()
    return MockSite(World.load(WORLD))


def crawl(site: MockSite, home: Path, platform: str, target: str, *extra: str
          ) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    out = home / f"out-{len(list(home.glob('out-*')))}.jsonl"
    cmd = [sys.executable, "-m", "crawler", "-v", "crawl", "--platform", platform, "--target", target,
           "--base-url", site.base_url, "--no-index", "--output", str(out), *FAST, *extra]
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_SESSIONS_DIR": str(home / "sessions")}
    proc = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return proc, posts


def session_file(home: Path, platform: str, cookie: str, value: str) -> None:
    state = {"cookies": [{"name": cookie, "value": value, "domain": "127.0.0.1", "path": "/", "expires": -1,
                          "httpOnly": True, "secure": False, "sameSite": "Lax"}], "origins": []}
    (home / "sessions").mkdir(parents=True, exist_ok=True)
    (home / "sessions" / f"{platform}.json").write_text(json.dumps(state), encoding="utf-8")


def raw_body(home: Path, post: dict[str, Any]) -> bytes:
    """The evidence body a post came from, checked against its recorded SHA-256."""
    body = gzip.decompress((home / "evidence" / post["raw"]["path"]).read_bytes())
    assert hashlib.sha256(body).hexdigest() == post["raw"]["sha256"]
    return body


def screenshot(home: Path, post: dict[str, Any]) -> bytes:
    """The post's screenshot: a PNG whose SHA-256 is the recorded one."""
    png = (home / "evidence" / post["raw"]["screenshot_path"]).read_bytes()
    assert png.startswith(PNG) and hashlib.sha256(png).hexdigest() == post["raw"]["screenshot_sha256"]
    return png


def wall_and_session_checks(site: MockSite, home: Path, platform: str, target: str, cookie: str) -> None:
    """No session: login_wall; a valid session: posts (never logged); a dead session: session_expired."""
    proc, posts = crawl(site, home, platform, target)
    assert proc.returncode == 1 and posts == []
    assert f"{platform} {target}: login_wall" in proc.stdout + proc.stderr

    session_file(home, platform, cookie, "sesi-operator-rahasia")
    proc, posts = crawl(site, home, platform, target)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(posts) == 3 and all(p["author"]["handle"] == target for p in posts)
    assert "sesi-operator-rahasia" not in proc.stdout + proc.stderr

    second = home / "kedaluwarsa"
    session_file(second, platform, cookie, "expired-2024")
    proc, posts = crawl(site, second, platform, target)
    assert proc.returncode == 1 and posts == []
    assert f"{platform} {target}: session_expired" in proc.stdout + proc.stderr
