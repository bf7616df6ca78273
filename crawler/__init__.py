"""Pantau Netralitas: shared code for crawling, matching, indexing and alerting."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"

__version__ = "0.1.0"
