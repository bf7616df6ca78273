"""Durable on-disk queues for the indexer: the spool (items waiting for Elasticsearch) and dead letters.

The spool holds documents that could not be indexed because Elasticsearch stayed down. Each write is a new
segment file (JSONL, fsynced, renamed into place), so a crash never leaves half a segment behind; a segment is
deleted only after every document in it was acknowledged or dead-lettered.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def _write_atomically(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


class Spool:
    """Segments of documents (`{"index": ..., "id": ..., "doc": ...}`) waiting to be indexed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, records: list[dict[str, Any]]) -> Path | None:
        if not records:
            return None
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"segment-{stamp}-{uuid.uuid4().hex[:8]}.jsonl"
        _write_atomically(path, [json.dumps(r, ensure_ascii=False) for r in records])
        logger.warning("Elasticsearch unavailable: %d documents spooled to %s", len(records), path)
        return path

    def segments(self) -> list[Path]:
        if not self.directory.exists():
            return []
        return sorted(self.directory.glob("segment-*.jsonl"))

    def read(self, segment: Path) -> list[dict[str, Any]]:
        records = []
        for line in segment.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
        return records

    def iter_segments(self) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
        for segment in self.segments():
            yield segment, self.read(segment)

    def done(self, segment: Path) -> None:
        segment.unlink(missing_ok=True)

    def pending(self) -> int:
        return sum(len(records) for _, records in self.iter_segments())


class DeadLetters:
    """Documents Elasticsearch rejected (mapping or validation errors), each with the reason."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for_today(self) -> Path:
        return self.directory / f"deadletter-{datetime.now(timezone.utc):%Y%m%d}.jsonl"

    def put(self, entries: list[dict[str, Any]]) -> None:
        if not entries:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        now = datetime.now(timezone.utc).isoformat()
        with self.path_for_today().open("a", encoding="utf-8") as fh:
            for entry in entries:
                fh.write(json.dumps({"at": now, **entry}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        for entry in entries:
            logger.error("rejected by Elasticsearch: %s (%s)", entry.get("id"), entry.get("reason"))

    def read_all(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for path in sorted(self.directory.glob("deadletter-*.jsonl")) if self.directory.exists() else []:
            entries += [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        return entries
