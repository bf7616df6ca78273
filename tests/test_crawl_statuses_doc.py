"""The crawl statuses an operator can meet are documented where they look: `pantau crawl --help` and the README;
`pantau serve` crawls every platform unless told otherwise."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from crawler.config import load_settings
from crawler.crawling.catalog import SPIDERS
from crawler.crawling.runner import FAILED_STATUSES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_failed_status_is_in_the_help_and_the_readme(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    help_text = CliRunner().invoke(cli, ["crawl", "--help"]).output
    partly = help_text[help_text.index("partly failed"):]
    readme = README.read_text(encoding="utf-8")
    exit_section = readme[readme.index("**Exit status of `pantau crawl`**"):]
    for status in sorted(FAILED_STATUSES):
        assert re.search(rf"\b{status}\b", partly), f"`pantau crawl --help` does not list {status}"
        assert f"`{status}`" in exit_section.split("\n\n")[0], f"README's exit status list lacks {status}"


def test_serve_crawls_every_platform_by_default(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SCHEDULER_CRAWL_PLATFORMS", raising=False)
    assert sorted(load_settings().getlist("SCHEDULER_CRAWL_PLATFORMS")) == sorted(SPIDERS)
