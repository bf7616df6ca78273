"""The dev-set thresholds, printed by `pantau eval`, and the held-out hard set."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli

DATA = Path(__file__).parent / "data"


def _scores(name: str) -> dict:
    result = CliRunner().invoke(cli, ["eval", "--input", str(DATA / name)])
    assert result.exit_code == 0, result.output
    assert "flag:" in result.output and "candidates:" in result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_dev_set_thresholds() -> None:
    scores = _scores("eval_dev.jsonl")
    assert scores["posts"] == 150
    assert scores["flag"]["f1"] >= 0.90
    assert scores["candidates"]["f1"] >= 0.95


def test_hard_set_thresholds() -> None:
    scores = _scores("eval_hard.jsonl")
    assert scores["posts"] >= 60
    assert scores["flag"]["f1"] >= 0.85
    assert scores["candidates"]["f1"] >= 0.90
