"""The scheduler logs what a child's exit status means, not only its number."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_settings
from crawler.scheduler import PantauScheduler


@pytest.mark.parametrize("script, code, meaning", [
    ("exit 3", 3, "partly failed: some targets could not be crawled"),
    ("exit 1", 1, "failed: see the lines above"),
    ("kill -TERM $$", -15, "stopped by signal SIGTERM"),
    ("exit 0", 0, None),
])
def test_child_exit_status_is_explained(tmp_path: Path, caplog: Any, script: str, code: int,
                                        meaning: str | None) -> None:
    fake = tmp_path / "fake-python"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    scheduler = PantauScheduler(load_settings(), service=None, state_dir=tmp_path / "s",  # type: ignore[arg-type]
                                python=str(fake))
    with caplog.at_level(logging.WARNING, logger="crawler.scheduler"):
        assert scheduler.run_child("crawl:x", ["crawl", "--platform", "x"], timeout=30) == code
    warnings = [r.getMessage() for r in caplog.records if r.name == "crawler.scheduler"]
    if meaning is None:
        assert warnings == []
    else:
        assert warnings == [f"crawl:x: exited with status {code} ({meaning})"]
