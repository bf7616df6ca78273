"""Helpers for the fault tests: `pantau` commands, each a process of its own (tests/process_support.py; `pantau crawl`
watched while it runs is a plain subprocess), against a mock site and a real Elasticsearch."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import Elasticsearch

from tests.process_support import run_pantau

PROJECT = Path(__file__).resolve().parents[1]
# fast and small: no politeness delays, tiny bulk batches, one quick retry before spooling
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY_JITTER=0",
        "--set", "RETRY_BACKOFF_BASE=0.01", "--set", "INDEX_BULK_SIZE=20", "--set", "INDEX_FLUSH_SECONDS=0.2",
        "--set", "INDEX_MAX_RETRIES=1", "--set", "INDEX_RETRY_BACKOFF=0.1"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def pantau_env(es_url: str, prefix: str, home: Path) -> dict[str, str]:
    return {**os.environ, "ES_URL": es_url, "PANTAU_INDEX_PREFIX": prefix, "PANTAU_HOME": str(home),
            "PANTAU_LOG_LEVEL": "INFO"}


def start_pantau(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=PROJECT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def pantau(env: dict[str, str], *args: str, timeout: float = 240) -> Run:
    proc = run_pantau(list(args), env=env, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def crawl(env: dict[str, str], base_url: str, *args: str, timeout: float = 240) -> Run:
    return pantau(env, "crawl", "--platform", "telegram", "--base-url", base_url, *args, *FAST, timeout=timeout)


def stored_posts(client: Elasticsearch, prefix: str) -> list[dict]:
    """Every stored post document (`_id` and `_source`), after a refresh."""
    client.indices.refresh(index=f"{prefix}posts*")
    hits = client.search(index=f"{prefix}posts", size=10_000, query={"match_all": {}})["hits"]["hits"]
    return [{"_id": h["_id"], **h["_source"]} for h in hits]
