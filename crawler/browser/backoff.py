"""Per-platform backoff after a rate limit or captcha: no target of that platform is visited until it passes.

Kept in `PANTAU_HOME/browser-backoff.json` so the next run (another process) respects it too.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

logger = logging.getLogger(__name__)


class PlatformBackoff:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, float]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): float(v) for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def until(self, platform: str) -> float:
        """Epoch seconds until which the platform is paused (0 when it is not)."""
        value = self._read().get(platform, 0.0)
        return value if value > time.time() else 0.0

    def hit(self, platform: str, seconds: float) -> float:
        data = self._read()
        data[platform] = max(data.get(platform, 0.0), time.time() + seconds)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)
        logger.warning("%s: paused for %.0f s after a rate limit", platform, seconds)
        return data[platform]
