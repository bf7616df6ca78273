"""Incremental crawl state: per platform and target, what was seen last, so a run fetches only what is new.

One small JSON file per target under `PANTAU_HOME/crawl-state/<platform>/`, written atomically. A worker fleet
would keep the same records in Redis or Elasticsearch; the interface stays `get`/`save`.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path


@dataclass
class TargetState:
    platform: str
    target: str
    last_seen_id: str = ""  # newest post id seen (platform order)
    last_seen_at: str = ""  # its posted_at
    seen_ids: list[str] = field(default_factory=list)  # the newest ids seen (bounded), for feeds without order
    last_run_at: str = ""
    last_status: str = ""  # ok | empty | not_found | blocked | session_expired | error: ...
    runs: int = 0

    @property
    def first_run(self) -> bool:
        return self.runs == 0


class CrawlStateStore:
    MAX_SEEN_IDS = 500

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, platform: str, target: str) -> Path:
        key = hashlib.sha256(target.lower().encode()).hexdigest()[:24]
        return self.root / platform / f"{key}.json"

    def get(self, platform: str, target: str) -> TargetState:
        path = self._path(platform, target)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return TargetState(**data)
        except (OSError, ValueError, TypeError):
            return TargetState(platform=platform, target=target)

    def save(self, state: TargetState, *, status: str = "ok", count_run: bool = True) -> None:
        """Persist `state`; a failed run (count_run=False) keeps the first-run depth for next time."""
        if count_run:
            state.runs += 1
        state.last_status = status
        state.last_run_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        state.seen_ids = state.seen_ids[: self.MAX_SEEN_IDS]
        path = self._path(state.platform, state.target)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(state), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
