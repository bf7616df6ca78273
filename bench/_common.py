"""Shared by the benchmarks: a reachable Elasticsearch (ES_URL, or a local server of its own) and the result line."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")


def elasticsearch_url() -> tuple[str, Any]:
    """(url, server or None): ES_URL when set, else a local server named "bench" (stop it when done)."""
    if os.environ.get("ES_URL"):
        return os.environ["ES_URL"], None
    from crawler.config import load_settings
    from crawler.es.client import local_server
    from crawler.es.local import free_port

    server = local_server(load_settings(), name="bench", port=free_port())
    return server.start(), server


def report(name: str, rate: float, baseline_rate: float, target: float, met: bool, **extra: Any) -> None:
    """The last line of every benchmark: one JSON object (DESIGN.md, Benchmarks)."""
    ratio = rate / baseline_rate if baseline_rate else 0.0
    print(json.dumps({"bench": name, "rate": round(rate, 2), "baseline_rate": round(baseline_rate, 2),
                      "ratio": round(ratio, 3), "target": target, "met": bool(met), **extra}))
