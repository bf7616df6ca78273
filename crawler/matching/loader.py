"""Where the contests and watch terms come from: the shipped files, files named in settings, later the registry."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_CONTESTS = DATA_DIR / "contests-2024.json"
DEFAULT_TERMS = DATA_DIR / "terms.json"


def read_contests(path: str | Path | None = None) -> dict[str, Any]:
    """A contests document (contests-2024.json shape); None = the shipped file."""
    path = Path(path) if path else DEFAULT_CONTESTS
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read contests: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("contests", []), list):
        raise ValueError(f"{path}: not a contests document (an object with a 'contests' list)")
    return doc


def read_terms(path: str | Path | None = None) -> list[dict[str, Any]]:
    """A watch-term list: a JSON list, a {"terms": [...]} object, or JSONL; None = the shipped file."""
    path = Path(path) if path else DEFAULT_TERMS
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read terms: {exc}") from exc
    try:
        doc: Any = json.loads(raw)
    except ValueError:
        try:
            doc = [json.loads(line) for line in raw.splitlines() if line.strip()]
        except ValueError as exc:
            raise ValueError(f"{path}: terms are neither JSON nor JSONL: {exc}") from exc
    if isinstance(doc, dict):
        doc = doc.get("terms", [])
    if not isinstance(doc, list) or not all(isinstance(t, dict) for t in doc):
        raise ValueError(f"{path}: terms must be a list of objects")
    for i, term in enumerate(doc, 1):
        if not (term.get("text") or term.get("pattern")):
            raise ValueError(f"{path}: term {i}: needs 'text' or 'pattern'")
    return doc


def load_lexicon(settings: Any = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(contests document, terms) for the pipeline: MATCH_CONTESTS_FILE / MATCH_TERMS_FILE or the shipped files.

    The single place the lead will point at the registry (`RegistryStore.lexicon()`).
    """
    contests_file = settings.get("MATCH_CONTESTS_FILE") if settings is not None else None
    terms_file = settings.get("MATCH_TERMS_FILE") if settings is not None else None
    return read_contests(contests_file or None), read_terms(terms_file or None)
