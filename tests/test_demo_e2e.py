"""`pantau demo` end to end against the shared local Elasticsearch: numbers, digests, and a second identical run."""
from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from crawler.demo.runner import DEMO_PREFIX, installed_platforms
from crawler.demo.world import ASN_ACCOUNTS, SUPERVISORS, build_demo_world
from tests.process_support import run_pantau

pytestmark = pytest.mark.browser  # the demo crawls the browser platforms too


def run_demo(es_url: str, home: Path, outbox: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ES_URL": es_url, "PANTAU_HOME": str(home)}
    env.pop("PANTAU_INDEX_PREFIX", None)
    return run_pantau(["demo", "--outbox", str(outbox)], env=env, cwd=os.getcwd(), timeout=900)


def summary_numbers(stdout: str) -> dict[str, int]:
    numbers = {}
    for line in stdout.splitlines():
        match = re.match(r"^\s+([a-z]+)\s+(\d+)$", line)
        if match:
            numbers[match.group(1)] = int(match.group(2))
        match = re.match(r"^\s+(Bawaslu .+): (\d+)$", line)
        if match:
            numbers[match.group(1)] = int(match.group(2))
    return numbers


@pytest.fixture(scope="module")
def demo_runs(es_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple:  # type: ignore[type-arg]
    home = tmp_path_factory.mktemp("demo-home")
    outbox = tmp_path_factory.mktemp("demo-outbox")
    first = run_demo(es_url, home, outbox)
    assert first.returncode == 0, first.stderr[-3000:]
    second = run_demo(es_url, home, outbox)
    assert second.returncode == 0, second.stderr[-3000:]
    return first, second, outbox


def test_summary_counts_every_post_of_the_demo_world(demo_runs, es_client) -> None:  # type: ignore[no-untyped-def]
    first, _, _ = demo_runs
    platforms, _skipped = installed_platforms()
    world = build_demo_world(platforms)
    expected = Counter(p["platform"] for p in world.world["posts"])
    expected["web"] = sum(len(site["items"]) for site in world.world["sites"])
    numbers = summary_numbers(first.stdout)
    for platform, count in expected.items():
        assert numbers.get(platform) == count, (platform, numbers)
    stored = es_client.count(index=f"{DEMO_PREFIX}posts")["count"]
    assert stored == sum(expected.values())
    assert "Temuan (flagged)" in first.stdout and "pantau es stop" in first.stdout


def test_second_run_gives_the_same_summary(demo_runs) -> None:  # type: ignore[no-untyped-def]
    first, second, _ = demo_runs
    assert summary_numbers(first.stdout) == summary_numbers(second.stdout)


def test_each_supervisor_gets_only_the_findings_of_their_region(demo_runs, es_client) -> None:  # type: ignore[no-untyped-def]
    first, _, outbox = demo_runs
    numbers = summary_numbers(first.stdout)
    emls = sorted(outbox.glob("*.eml"))
    assert len(emls) == len(SUPERVISORS) and len(sorted(outbox.glob("*.html"))) == len(SUPERVISORS)
    names_by_region = {code: {a[2] for a in ASN_ACCOUNTS if a[5].split(".")[0] == code.split(".")[0]}
                       for code in (s["region_codes"] for s in SUPERVISORS)}
    for supervisor in SUPERVISORS:
        eml = next(p for p in emls if supervisor["email"].split("@")[0] in p.name)
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == supervisor["email"]
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        flagged = es_client.search(index=f"{DEMO_PREFIX}posts", size=500, query={"bool": {"filter": [
            {"term": {"flagged": True}}, {"terms": {"asn.region_path": [supervisor["region_codes"]]}}]}})
        hits = flagged["hits"]["hits"]
        assert len(hits) == numbers[supervisor["name"]] > 0
        for hit in hits:
            assert hit["_source"]["url"] in text
        own = names_by_region[supervisor["region_codes"]]
        others = set().union(*names_by_region.values()) - own
        assert any(name in html for name in own)
        assert not any(name in html for name in others), "a finding from another region leaked in"
        assert str(len(hits)) in message["Subject"]
