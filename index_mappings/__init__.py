"""Index templates and mappings as JSON files: the one source of truth for field names.

Each `*.json` here is a composable index template whose `index_patterns`, `aliases` and index names carry a
`{prefix}` placeholder, filled with `PANTAU_INDEX_PREFIX`. Keys starting with `_about` are notes for readers.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAPPINGS_DIR = Path(__file__).resolve().parent
KIBANA_DIR = MAPPINGS_DIR / "kibana"


def template_names() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.json"))


def load_raw(name: str) -> dict[str, Any]:
    """The template as stored (placeholders unfilled), without reader notes."""
    data = json.loads((MAPPINGS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_about")}


def _fill(value: Any, prefix: str) -> Any:
    if isinstance(value, str):
        return value.replace("{prefix}", prefix)
    if isinstance(value, list):
        return [_fill(v, prefix) for v in value]
    if isinstance(value, dict):
        return {_fill(k, prefix): _fill(v, prefix) for k, v in value.items()}
    return value


def load_template(name: str, prefix: str) -> dict[str, Any]:
    """The template ready for `PUT _index_template/{prefix}{name}`."""
    return _fill(load_raw(name), prefix)


def properties(name: str) -> dict[str, Any]:
    """`mappings.properties` of a template: what tests compare the dataclasses and Kibana objects against."""
    return load_raw(name)["template"]["mappings"]["properties"]


def flatten_fields(props: dict[str, Any], base: str = "") -> dict[str, dict[str, Any]]:
    """Every field path (including multi-field sub-fields like `asn.agency.keyword`) with its mapping."""
    out: dict[str, dict[str, Any]] = {}
    for key, spec in props.items():
        path = f"{base}{key}"
        if "properties" in spec:
            out[path] = {"type": spec.get("type", "object")}
            out.update(flatten_fields(spec["properties"], f"{path}."))
        else:
            out[path] = spec
            for sub, sub_spec in spec.get("fields", {}).items():
                out[f"{path}.{sub}"] = sub_spec
    return out
