"""`pantau demo`: the whole pipeline on bundled data with a local Elasticsearch, in its own namespace.

Steps, each announced as it starts: Elasticsearch up → reset the demo namespace (index prefix `pantau-demo-`,
its own PANTAU_HOME under `demo/`) → templates and shipped contests, parties, terms → the demo "internet" on
127.0.0.1 → register accounts, candidate pages and two supervisors (WIB and WITA) the way an operator does →
every spider crawls it once (match, enrich, index) → today's digests to the outbox → a summary. The crawl and the
digests run as the real `pantau crawl` and `pantau digest` commands in child processes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from crawler.crawling.catalog import SPIDERS, UnknownPlatformError, spider_class
from crawler.demo.world import SUPERVISORS, build_demo_world
from crawler.es.setup import apply_templates, delete_namespace

DEMO_PREFIX = "pantau-demo-"
# Crawl the loopback demo site quickly; the politeness defaults are for real platforms.
FAST_CRAWL = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
              "DOWNLOAD_DELAY_JITTER": "0", "RETRY_TIMES": "2"}


class DemoError(RuntimeError):
    """A demo step failed; the message names the step and why."""


@dataclass
class DemoSummary:
    posts_per_platform: dict[str, int] = field(default_factory=dict)
    findings_per_severity: dict[str, int] = field(default_factory=dict)
    findings_per_supervisor: dict[str, int] = field(default_factory=dict)
    digest_files: list[Path] = field(default_factory=list)
    skipped_platforms: dict[str, str] = field(default_factory=dict)
    es_url: str = ""
    prefix: str = DEMO_PREFIX
    total_posts: int = 0
    total_findings: int = 0


def installed_platforms() -> tuple[list[str], dict[str, str]]:
    """Platforms whose spider imports here, and why the others do not."""
    usable, skipped = [], {}
    for platform in SPIDERS:
        try:
            spider_class(platform)
            usable.append(platform)
        except (UnknownPlatformError, ImportError) as exc:
            skipped[platform] = str(exc)
    return usable, skipped


def reset_namespace(client: Elasticsearch, prefix: str, home: Path) -> None:
    delete_namespace(client, prefix)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)


def _child(args: list[str], env: dict[str, str], step: str, echo: Callable[[str], None]) -> str:
    """Run `python -m crawler ARGS`, streaming its output lines as progress; its stdout is returned."""
    proc = subprocess.Popen([sys.executable, "-m", "crawler", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.strip():
            echo(f"    {line.rstrip()}")
    if proc.wait() != 0:
        raise DemoError(f"{step} failed (exit {proc.returncode}): {lines[-1] if lines else 'no output'}")
    return "\n".join(lines)


def run_demo(settings: Any, es_url: str, client: Elasticsearch, outbox: Path,
             echo: Callable[[str], None]) -> DemoSummary:
    from crawler.mocksite.server import MockSite
    from crawler.mocksite.world import World
    from crawler.registry.defaults import load_defaults
    from crawler.registry.store import RegistryStore

    summary = DemoSummary(es_url=es_url)
    home = Path(settings.get("PANTAU_HOME")) / "demo"
    echo(f"[2/7] Mengosongkan ruang demo (indeks {DEMO_PREFIX}*, {home})")
    reset_namespace(client, DEMO_PREFIX, home)

    echo("[3/7] Menyiapkan indeks dan memuat kontestasi, partai, kata pantauan bawaan")
    apply_templates(client, DEMO_PREFIX)
    load_defaults(client, DEMO_PREFIX)

    platforms, summary.skipped_platforms = installed_platforms()
    demo = build_demo_world(platforms)
    accounts_csv, supervisors_csv, sites_json = demo.write_registry_files(home / "registry")
    site = MockSite(World.from_dict(demo.world))
    base_url = site.start()
    echo(f"[4/7] Internet demo berjalan di {base_url} ({len(demo.world['posts'])} unggahan, "
         f"{len(demo.world['accounts'])} akun, platform: {', '.join(platforms)})")
    try:
        echo("[5/7] Mendaftarkan akun ASN, halaman resmi kandidat dan dua pengawas (WIB, WITA)")
        store = RegistryStore(client, DEMO_PREFIX)
        for kind, path in (("accounts", accounts_csv), ("supervisors", supervisors_csv)):
            report = store.import_file(kind, path, by="demo")
            if not report.ok:
                raise DemoError(f"registering demo {kind} failed: {'; '.join(report.lines()[:3])}")
        for candidate_id, (platform, handle) in demo.pages.items():
            store.add_page(candidate_id, platform, handle, by="demo")

        env = {**os.environ, "ES_URL": es_url, "PANTAU_INDEX_PREFIX": DEMO_PREFIX, "PANTAU_HOME": str(home),
               "PANTAU_LOG_LEVEL": "WARNING"}
        sets = [arg for name, value in {**FAST_CRAWL, "WEB_SITES_FILE": str(sites_json)}.items()
                for arg in ("--set", f"{name}={value}")]
        echo("[6/7] Merayapi semua platform (cocokkan, kaitkan ke akun ASN, indeks)")
        _child(["crawl", "--all", "--base-url", base_url, *sets], env, "crawl of the registered targets", echo)
        for site_config in demo.sites:
            _child(["crawl", "--platform", "web", "--target", site_config["id"], "--role", "candidate",
                    "--candidate", site_config["candidate_id"], "--base-url", base_url, *sets], env,
                   f"crawl of web site {site_config['id']}", echo)
    finally:
        site.stop()

    client.indices.refresh(index=f"{DEMO_PREFIX}*")
    _count(client, summary)
    echo(f"[7/7] Menyusun digest hari ini ke {outbox}")
    outbox.mkdir(parents=True, exist_ok=True)
    for old in list(outbox.glob("*.eml")) + list(outbox.glob("*.html")):
        old.unlink()
    _child(["digest", "--outbox", str(outbox)], env, "digest", echo)
    summary.digest_files = sorted(outbox.glob("*.eml")) + sorted(outbox.glob("*.html"))
    summary.findings_per_supervisor = _per_supervisor(client, store)
    return summary


def _count(client: Elasticsearch, summary: DemoSummary) -> None:
    posts = f"{DEMO_PREFIX}posts"
    response = client.search(index=posts, size=0, aggs={
        "platforms": {"terms": {"field": "platform", "size": 20}},
        "findings": {"filter": {"term": {"flagged": True}},
                     "aggs": {"severity": {"terms": {"field": "severity", "size": 5}}}},
    })
    summary.total_posts = response["hits"]["total"]["value"]
    summary.posts_per_platform = {b["key"]: b["doc_count"] for b in response["aggregations"]["platforms"]["buckets"]}
    findings = response["aggregations"]["findings"]
    summary.total_findings = findings["doc_count"]
    summary.findings_per_severity = {b["key"]: b["doc_count"] for b in findings["severity"]["buckets"]}


def _per_supervisor(client: Elasticsearch, store: Any) -> dict[str, int]:
    counts = {}
    for supervisor in store.list_supervisors():
        counts[supervisor.name] = client.count(index=f"{DEMO_PREFIX}posts", query={"bool": {"filter": [
            {"term": {"flagged": True}}, {"terms": {"asn.region_path": supervisor.region_codes}}]}})["count"]
    return counts


def format_summary(summary: DemoSummary) -> list[str]:
    lines = ["", "Ringkasan demo / demo summary", "=" * 29,
             f"Elasticsearch: {summary.es_url} (indeks {summary.prefix}*)",
             f"Unggahan terindeks: {summary.total_posts}"]
    lines += [f"  {platform:10s} {count:5d}" for platform, count in sorted(summary.posts_per_platform.items())]
    lines.append(f"Temuan (flagged): {summary.total_findings}")
    lines += [f"  {severity:10s} {summary.findings_per_severity.get(severity, 0):5d}"
              for severity in ("tinggi", "sedang", "rendah")]
    lines.append("Temuan per pengawas (wilayah):")
    lines += [f"  {name}: {count}" for name, count in summary.findings_per_supervisor.items()]
    lines.append("Berkas digest:")
    lines += [f"  {path}" for path in summary.digest_files]
    if summary.skipped_platforms:
        lines.append("Platform dilewati: " + "; ".join(f"{k} ({v})" for k, v in summary.skipped_platforms.items()))
    lines += ["", "Langkah berikutnya / next:",
              f"  PANTAU_INDEX_PREFIX={summary.prefix} pantau accounts list      # akun terdaftar",
              f"  curl '{summary.es_url}/{summary.prefix}posts/_search?q=flagged:true&size=3&pretty'",
              "  pantau kibana import --url $KIBANA_URL   # data view, saved searches, dashboard",
              "  pantau es stop                           # hentikan Elasticsearch lokal"]
    return lines


__all__ = ["DEMO_PREFIX", "DemoError", "DemoSummary", "format_summary", "run_demo", "SUPERVISORS"]
