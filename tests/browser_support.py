"""Helpers for the browser-spider tests: the fixture site on the social world (the `social_site` fixture in
tests/conftest.py), `pantau crawl` in a subprocess (one reactor and one Chromium each), session files, evidence checks
and the finder of the processes a test's crawls left behind."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from crawler.es.indexer import PostIndexer
from crawler.es.setup import apply_templates
from crawler.es.spool import DeadLetters, Spool
from crawler.mocksite import MockSite, World
from crawler.mocksite.browser_routes import install
from tests.process_support import run_pantau

PROJECT = Path(__file__).resolve().parents[1]
WORLD = PROJECT / "tests" / "data" / "worlds" / "browser_social.json"
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY_JITTER=0"]
PNG = b"\x89PNG\r\n\x1a\n"


def open_social_site() -> MockSite:
    """The fixture site on a fresh copy of the social world (use as a context manager: it starts and stops the
    server); tests take it as the `social_site` fixture (tests/conftest.py)."""
    install()
    return MockSite(World.load(WORLD))


# Every crawl started here carries PANTAU_TEST_RUN=RUN_MARK into its environment, and so into its Playwright driver
# and Chromium processes: `ours(RUN_MARK, ...)` finds them in /proc (other Chromium processes on the machine, such as
# another test run's or a developer's browser, are not counted).
RUN_MARK = f"browser-tests-{os.getpid()}"


def ours(mark: str, *words: bytes) -> set[int]:
    """Processes whose environment holds PANTAU_TEST_RUN=`mark` (children of a test's crawl) and whose command line
    (lower-cased) has all `words`, from /proc."""
    found = set()
    wanted = f"PANTAU_TEST_RUN={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().lower()
            if all(word in cmdline for word in words) and wanted in (entry / "environ").read_bytes().split(b"\0"):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def crawl(site: MockSite, home: Path, platform: str, target: str, *extra: str, env: dict[str, str] | None = None,
          timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """`pantau crawl` of one target against the fixture site, with its own PANTAU_HOME: the process and its posts."""
    out = home / f"out-{len(list(home.glob('out-*')))}.jsonl"
    args = ["-v", "crawl", "--platform", platform, "--target", target, "--base-url", site.base_url, "--no-index",
            "--output", str(out), *FAST, *extra]
    full_env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_SESSIONS_DIR": str(home / "sessions"),
                "PANTAU_TEST_RUN": RUN_MARK, **(env or {})}
    proc = run_pantau(args, env=full_env, timeout=timeout)
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return proc, posts


def index_posts(es_client: Any, prefix: str, home: Path, posts: list[dict[str, Any]]) -> None:
    """`posts` in Elasticsearch under `prefix` (templates applied first), searchable at once."""
    apply_templates(es_client, prefix)
    PostIndexer(es_client, prefix, Spool(home / "spool"), DeadLetters(home / "dead"),
                refresh="wait_for").index_posts(posts)


def recheck(site: MockSite, pantau_env: dict[str, str], home: Path, timeout: float
            ) -> subprocess.CompletedProcess[str]:
    """`pantau recheck` of the flagged posts in Elasticsearch (the `pantau_env` fixture's), against the fixture site."""
    env = {**os.environ, **pantau_env, "PANTAU_SESSIONS_DIR": str(home / "sessions")}
    return run_pantau(["recheck", "--base-url", site.base_url], env=env, timeout=timeout)


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


def wall_and_session_checks(site: MockSite, home: Path, platform: str, target: str, cookie: str, *,
                            posts_behind_wall: int = 3, timeout: float = 120) -> None:
    """No session: login_wall; a valid session: the target's posts (the session never logged); a dead session:
    session_expired."""
    proc, posts = crawl(site, home, platform, target, timeout=timeout)
    assert proc.returncode == 1 and posts == []
    assert f"{platform} {target}: login_wall" in proc.stdout + proc.stderr

    session_file(home, platform, cookie, "sesi-operator-rahasia")
    proc, posts = crawl(site, home, platform, target, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(posts) == posts_behind_wall and all(p["author"]["handle"] == target for p in posts)
    assert "sesi-operator-rahasia" not in proc.stdout + proc.stderr

    second = home / "kedaluwarsa"
    session_file(second, platform, cookie, "expired-2024")
    proc, posts = crawl(site, second, platform, target, timeout=timeout)
    assert proc.returncode == 1 and posts == []
    assert f"{platform} {target}: session_expired" in proc.stdout + proc.stderr
