"""`pantau match` (offline matching of a JSONL file) and `pantau eval` (scores against labelled posts)."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import IO, Any, Iterator

import click

logger = logging.getLogger(__name__)


def _build_matcher(contests: str | None, terms: str | None) -> Any:
    from crawler.matching import Matcher

    try:
        return Matcher.from_files(contests, terms)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _read_posts(path: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, post or None, error) for every non-blank line."""
    try:
        handle = open(path, encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise click.ClickException(f"{path}: tidak bisa dibaca / cannot read: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                post = json.loads(line)
            except ValueError as exc:
                yield number, None, f"bukan JSON / not JSON ({exc.msg})"
                continue
            if not isinstance(post, dict):
                yield number, None, "bukan objek JSON / not a JSON object"
            elif not isinstance(post.get("text", ""), str):
                yield number, None, "'text' harus string / 'text' must be a string"
            else:
                yield number, post, ""


def _decide(matcher: Any, post: dict[str, Any]) -> Any:
    parent = post.get("parent") if isinstance(post.get("parent"), dict) else {}
    return matcher.match(post.get("text") or "", kind=post.get("kind") or "post",
                         parent_text=post.get("parent_text") or parent.get("text"),
                         parent_candidate=post.get("parent_candidate") or parent.get("candidate_id"),
                         posted_at=post.get("posted_at"))


@click.command("match")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False),
              help="Post JSONL: {id, platform, kind, text, posted_at, parent_text?, parent_candidate?}.")
@click.option("--output", "output_path", type=click.Path(dir_okay=False), help="Output JSONL (default: stdout).")
@click.option("--contests", type=click.Path(dir_okay=False), help="Contests JSON (default: the shipped file).")
@click.option("--terms", type=click.Path(dir_okay=False), help="Watch terms JSON/JSONL (default: shipped).")
def match(input_path: str, output_path: str | None, contests: str | None, terms: str | None) -> None:
    """Match posts offline (no Elasticsearch): one output line per input line, same order.

    Every post is treated as written by a registered ASN account. Bad lines are reported on stderr with their
    line number and written as {"id": null, "line": N, "error": ...}; the run goes on.

    \b
    Example:
        pantau match --input posts.jsonl --output hasil.jsonl
    """
    matcher = _build_matcher(contests, terms)
    out: IO[str]
    if output_path:
        try:
            out = open(output_path, "w", encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{output_path}: tidak bisa ditulis / cannot write: {exc.strerror}") from exc
    else:
        out = sys.stdout
    bad = total = flagged = 0
    try:
        for number, post, error in _read_posts(input_path):
            total += 1
            if post is None:
                bad += 1
                click.echo(f"{input_path}:{number}: {error}", err=True)
                out.write(json.dumps({"id": None, "line": number, "error": error}, ensure_ascii=False) + "\n")
                continue
            decision = _decide(matcher, post)
            flagged += decision.flagged
            out.write(json.dumps(decision.to_output(post.get("id")), ensure_ascii=False) + "\n")
    finally:
        if output_path:
            out.close()
    click.echo(f"{total} baris, {flagged} ditandai, {bad} rusak / {total} lines, {flagged} flagged, {bad} bad",
               err=True)


@click.command("eval")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False),
              help="Labelled JSONL (see tests/data/EVAL_GUIDE.md).")
@click.option("--contests", type=click.Path(dir_okay=False), help="Contests JSON (default: the shipped file).")
@click.option("--terms", type=click.Path(dir_okay=False), help="Watch terms JSON/JSONL (default: shipped).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object only.")
def eval_cmd(input_path: str, contests: str | None, terms: str | None, as_json: bool) -> None:
    """Score the matcher on labelled posts: precision, recall, F1 of `flagged` (posts labelled "either" left
    out) and of candidate detection (micro over post x candidate), then the misses and false alarms.

    \b
    Example:
        pantau eval --input tests/data/eval_dev.jsonl
    """
    from crawler.matching.evaluate import Report

    matcher = _build_matcher(contests, terms)
    report = Report()
    for number, post, error in _read_posts(input_path):
        if post is None or not isinstance(post.get("label"), dict):
            click.echo(f"{input_path}:{number}: {error or 'tanpa label / no label'}", err=True)
            continue
        report.add(post, _decide(matcher, post))
    if report.posts == 0:
        raise click.ClickException(f"{input_path}: tidak ada post berlabel / no labelled posts")
    scores = report.as_dict()
    if as_json:
        click.echo(json.dumps(scores))
        return
    click.echo(f"Misses (label yes, not flagged): {len(report.misses)}")
    for m in report.misses:
        click.echo(f"  {m['id']}: {m['text']!r}\n      label: {m['why']}\n      matcher: {m['explanation']}")
    click.echo(f"False alarms (label no, flagged): {len(report.false_alarms)}")
    for m in report.false_alarms:
        click.echo(f"  {m['id']}: {m['text']!r}\n      label: {m['why']}\n      matcher: {m['explanation']}")
    click.echo(f"Candidate errors: {len(report.candidate_errors)}")
    for c in report.candidate_errors:
        click.echo(f"  {c['id']}: missing {c['missing']} extra {c['extra']}: {c['text']!r}")
    f, c = scores["flag"], scores["candidates"]
    click.echo(f"posts: {scores['posts']}")
    click.echo(f"flag:       precision {f['precision']:.3f}  recall {f['recall']:.3f}  F1 {f['f1']:.3f}  "
               f"(tp {f['tp']}, fp {f['fp']}, fn {f['fn']})")
    click.echo(f"candidates: precision {c['precision']:.3f}  recall {c['recall']:.3f}  F1 {c['f1']:.3f}  "
               f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    click.echo(f"category accuracy on flagged yes: {scores['category_accuracy']}")
    click.echo(json.dumps(scores))
