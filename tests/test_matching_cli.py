"""`pantau match` through click and as a subprocess: order, bad lines, options."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _write(tmp_path: Path) -> Path:
    lines = [
        json.dumps({"id": "p1", "kind": "post", "text": "coblos 02 #PrabowoGibran2024",
                    "posted_at": "2024-01-10T10:00:00+07:00"}),
        "{not json",
        json.dumps({"id": "p3", "kind": "post", "text": "Rapat dinas jam 9 di aula"}),
        json.dumps(["a list"]),
        json.dumps({"id": "p5", "kind": "comment", "text": "Mantap pak!", "parent_candidate": "pilpres-2024-03"}),
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_match_clirunner_bad_lines_reported(tmp_path: Path) -> None:
    src = _write(tmp_path)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["match", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{src}:2:" in result.output and f"{src}:4:" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r.get("id") for r in rows] == ["p1", None, "p3", None, "p5"]
    assert rows[1]["line"] == 2 and rows[3]["line"] == 4
    assert rows[0]["flagged"] and rows[0]["candidates"] == ["pilpres-2024-02"]
    assert set(rows[0]) >= {"id", "flagged", "candidates", "parties", "category", "severity", "matches",
                            "explanation"}
    assert not rows[2]["flagged"] and rows[2]["category"] is None
    assert rows[4]["flagged"]


def test_match_subprocess_stdout_and_terms_option(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"id": 7, "text": "ayo sukseskan Garuda Emas Melesat"}) + "\n", encoding="utf-8")
    terms = tmp_path / "terms.json"
    terms.write_text(json.dumps([{"id": "t1", "text": "garuda emas melesat", "kind": "slogan",
                                  "category": "dukungan_medsos", "weight": 2, "context": "none",
                                  "candidate_id": "pilpres-2024-01"}]), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "crawler", "match", "--input", str(src), "--terms", str(terms)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout.strip().splitlines()[0])
    assert row["id"] == 7 and row["candidates"] == ["pilpres-2024-01"] and row["flagged"]


def test_match_missing_input_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["match", "--input", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1
    assert "nope.jsonl" in result.output
