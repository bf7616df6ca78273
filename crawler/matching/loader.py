"""Where the contests and watch terms come from: files named in settings, the registry, or the shipped files.

`load_lexicon(settings)`: MATCH_CONTESTS_FILE / MATCH_TERMS_FILE when set; otherwise the registry in
Elasticsearch (`RegistryStore.lexicon()`: its active contests, pairs, parties and terms, so an operator's new
slogan is matched without a code change) when it is reachable and holds contests; otherwise the shipped files.
The source used is logged at INFO.
"""
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


def registry_lexicon(settings: Any) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(contests, active terms) from the registry, or None when Elasticsearch is unreachable or has no contests."""
    from elasticsearch import ApiError, TransportError

    from crawler.es.client import get_client, index_prefix
    from crawler.registry.store import RegistryError, RegistryStore

    try:
        client = get_client(settings).options(request_timeout=10)  # no ping: some servers lack GET /
        contests, terms = RegistryStore(client, index_prefix(settings)).lexicon()
    # TypeError: settings without the Elasticsearch section (a bare Scrapy Settings)
    except (ApiError, TransportError, RegistryError, OSError, ValueError, TypeError) as exc:
        logger.warning("matching: registry not reachable or not readable (%s): this crawl matches with the shipped "
                       "contests and terms, not the operators' own", exc)
        return None
    if not contests.get("contests"):
        logger.warning("matching: the registry has no contests (run `pantau es setup`): this crawl matches with "
                       "the shipped contests and terms")
        return None
    return contests, terms


def load_lexicon(settings: Any = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(contests document, terms) for the pipeline (see the module docstring for the order of sources)."""
    contests_file = (settings.get("MATCH_CONTESTS_FILE") if settings is not None else None) or None
    terms_file = (settings.get("MATCH_TERMS_FILE") if settings is not None else None) or None
    # `pantau crawl --no-index` promises no Elasticsearch at all: the shipped lexicon then
    use_registry = (settings is not None and not (contests_file and terms_file)
                    and settings.getbool("INDEX_ENABLED", True))
    registry = registry_lexicon(settings) if use_registry else None
    if contests_file:
        contests, contests_from = read_contests(contests_file), str(contests_file)
    elif registry is not None:
        contests, contests_from = registry[0], "registry"
    else:
        contests, contests_from = read_contests(), "shipped file"
    if terms_file:
        terms, terms_from = read_terms(terms_file), str(terms_file)
    elif registry is not None:
        terms, terms_from = registry[1], "registry"
    else:
        terms, terms_from = read_terms(), "shipped file"
    logger.info("matching lexicon: %d contests from %s, %d terms from %s", len(contests.get("contests", [])),
                contests_from, len(terms), terms_from)
    return contests, terms
