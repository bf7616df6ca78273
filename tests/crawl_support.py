"""Helpers for the spider tests: the fixture site and `pantau crawl` run in a process of its own (one reactor each,
forked by tests/process_support.py)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.process_support import run_pantau

PROJECT = Path(__file__).resolve().parents[1]
WORLD = PROJECT / "tests" / "data" / "worlds" / "platforms.json"
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "RETRY_BACKOFF_BASE=0.01",
        "--set", "DOWNLOAD_DELAY_JITTER=0"]


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    posts: list[dict[str, Any]]

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {p["post_id"]: p for p in self.posts}


def run_crawl(base_url: str, home: Path, platform: str, target: str, *extra: str) -> CrawlResult:
    out = home / f"out-{platform}-{len(list(home.glob('out-*')))}.jsonl"
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_LOG_LEVEL": "INFO"}
    args = ["-v", "crawl", "--platform", platform, "--target", target, "--base-url", base_url, "--no-index",
            "--output", str(out), *FAST, *extra]
    proc = run_pantau(args, env=env, timeout=120)
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, posts)
