"""The Kibana saved objects: load the NDJSON, fill the index prefix, check them against the mappings.

Objects are stored in `index_mappings/kibana/*.ndjson`, one `{type, id, attributes, references}` object a line
(Kibana 8.x/9.x import format). Index patterns carry a `{prefix}` placeholder; ids are stable (`pantau-posts`,
`pantau-search-flagged` ...) so a re-import overwrites instead of duplicating. With a prefix other than the default,
ids are derived from the prefix (`demo-posts` for `demo-`), so two deployments can share one Kibana.

`validate_objects` checks the objects among themselves (ids, references, Lens and dashboard shape);
`validate_against_mappings` checks that every field a data view, saved search or visualisation uses exists in
`index_mappings/` with a type that supports the use. Both return problems as one-line strings (empty: all good).
"""
from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import index_mappings
from crawler.kibana import fields as fieldcheck

logger = logging.getLogger(__name__)

KIBANA_DIR: Path = index_mappings.KIBANA_DIR
DEFAULT_PREFIX = "pantau-"
ID_STEM = "pantau-"  # every stored id starts with this
PLACEHOLDER = "{prefix}"

POSTS_DATA_VIEW = "pantau-posts"
LEDGER_DATA_VIEW = "pantau-alert-ledger"
DASHBOARD = "pantau-dashboard-findings"
# short names of the saved searches (for links and docs) -> stored ids
SAVED_SEARCHES: dict[str, str] = {
    "flagged": "pantau-search-flagged",
    "by-region": "pantau-search-by-region",
    "by-candidate": "pantau-search-by-candidate",
    "by-agency": "pantau-search-by-agency",
    "candidate-page-comments": "pantau-search-candidate-page-comments",
    "deleted": "pantau-search-deleted",
    "unsent": "pantau-search-unsent",
}
TYPES = ("index-pattern", "search", "lens", "visualization", "dashboard")


class KibanaObjectsError(ValueError):
    """A saved-objects file cannot be read; the message names the file and line."""


@dataclass
class SavedObject:
    type: str
    id: str
    attributes: dict[str, Any]
    references: list[dict[str, Any]]
    extra: dict[str, Any]  # coreMigrationVersion, typeMigrationVersion, managed ...
    source: str = ""  # "file.ndjson:LINE"

    @property
    def title(self) -> str:
        return str(self.attributes.get("title", ""))

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "attributes": self.attributes, "references": self.references,
                **self.extra}


def object_id(stored_id: str, prefix: str) -> str:
    """The id an object gets in Kibana for an index prefix: the stored id for the default prefix."""
    if prefix == DEFAULT_PREFIX or not stored_id.startswith(ID_STEM):
        return stored_id
    namespace = prefix or "pantau-noprefix-"
    return namespace + stored_id[len(ID_STEM):]


def saved_search_id(name_or_id: str, prefix: str) -> str:
    """`flagged` or `pantau-search-flagged` -> the saved search id for this prefix."""
    return object_id(SAVED_SEARCHES.get(name_or_id, name_or_id), prefix)


def load_objects(directory: Path = KIBANA_DIR) -> list[SavedObject]:
    """Every object of every `*.ndjson` file in the directory, unfilled, in file order."""
    files = sorted(directory.glob("*.ndjson"))
    if not files:
        raise KibanaObjectsError(f"{directory}: no .ndjson files")
    out: list[SavedObject] = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise KibanaObjectsError(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(data, dict):
                raise KibanaObjectsError(f"{where}: not a JSON object")
            missing = [k for k in ("type", "id", "attributes", "references") if k not in data]
            if missing:
                raise KibanaObjectsError(f"{where}: missing {', '.join(missing)}")
            if not isinstance(data["attributes"], dict) or not isinstance(data["references"], list):
                raise KibanaObjectsError(f"{where}: attributes must be an object and references a list")
            extra = {k: v for k, v in data.items() if k not in ("type", "id", "attributes", "references")}
            out.append(SavedObject(str(data["type"]), str(data["id"]), data["attributes"], data["references"],
                                   extra, where))
    return out


def _fill_strings(value: Any, prefix: str) -> Any:
    if isinstance(value, str):
        return value.replace(PLACEHOLDER, prefix)
    if isinstance(value, list):
        return [_fill_strings(v, prefix) for v in value]
    if isinstance(value, dict):
        return {k: _fill_strings(v, prefix) for k, v in value.items()}
    return value


def fill_objects(objects: list[SavedObject], prefix: str) -> list[SavedObject]:
    """Copies with `{prefix}` filled in and ids (and references to them) derived from the prefix."""
    out: list[SavedObject] = []
    for obj in objects:
        refs = [{**ref, "id": object_id(str(ref.get("id", "")), prefix)} for ref in copy.deepcopy(obj.references)]
        out.append(SavedObject(obj.type, object_id(obj.id, prefix), _fill_strings(copy.deepcopy(obj.attributes), prefix),
                               refs, copy.deepcopy(obj.extra), obj.source))
    return out


def to_ndjson(objects: list[SavedObject]) -> str:
    return "".join(json.dumps(o.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n" for o in objects)


def export_ndjson(prefix: str, directory: Path = KIBANA_DIR) -> str:
    """The NDJSON ready for Kibana's import API, for an index prefix."""
    return to_ndjson(fill_objects(load_objects(directory), prefix))


# --- checks among the objects -----------------------------------------------------------------------------------

def _json_attr(obj: SavedObject, *path: str) -> Any:
    """A JSON-in-a-string attribute (`panelsJSON`, `searchSourceJSON`), parsed; KibanaObjectsError when broken."""
    value: Any = obj.attributes
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if value in (None, ""):
        return None
    try:
        return json.loads(value)
    except (TypeError, json.JSONDecodeError):
        raise KibanaObjectsError(f"{obj.source}: {obj.type}/{obj.id}: {'.'.join(path)} is not valid JSON") from None


def validate_objects(objects: list[SavedObject]) -> list[str]:
    """Ids unique and stable, every reference resolved to an object in the files, Lens/dashboard shape."""
    problems: list[str] = []
    by_key = {(o.type, o.id): o for o in objects}
    seen: set[str] = set()
    for obj in objects:
        label = f"{obj.source}: {obj.type}/{obj.id}"
        if obj.type not in TYPES:
            problems.append(f"{label}: unknown type")
        if obj.id in seen:
            problems.append(f"{label}: duplicate id")
        seen.add(obj.id)
        if not obj.id.startswith(ID_STEM):
            problems.append(f"{label}: id must start with {ID_STEM!r} (stable ids, derived per prefix)")
        if not obj.title:
            problems.append(f"{label}: no title")
        names = [r.get("name") for r in obj.references]
        if len(names) != len(set(names)):
            problems.append(f"{label}: duplicate reference names")
        for ref in obj.references:
            if (ref.get("type"), ref.get("id")) not in by_key:
                problems.append(f"{label}: reference {ref.get('name')} -> {ref.get('type')}/{ref.get('id')} "
                                f"is not in the files")
        try:
            problems.extend(f"{label}: {p}" for p in fieldcheck.shape_problems(obj, _json_attr))
        except KibanaObjectsError as exc:
            problems.append(str(exc))
    return problems


# --- checks against the mappings --------------------------------------------------------------------------------

def load_mapping_templates(mappings_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every `*.json` template in the directory (default: `index_mappings/`), reader notes dropped."""
    directory = mappings_dir or index_mappings.MAPPINGS_DIR
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[path.stem] = {k: v for k, v in data.items() if not k.startswith("_about")}
    return out


def validate_against_mappings(objects: list[SavedObject], mappings_dir: Path | None = None) -> list[str]:
    """Every field used by a data view, saved search or Lens visualisation exists with a type fit for the use.

    Data views are matched to templates by title (`{prefix}posts` is the alias of `posts.json`); a data view whose
    title matches no template is a problem, never skipped. Pass the unfilled objects (titles with `{prefix}`).
    """
    templates = load_mapping_templates(mappings_dir)
    problems: list[str] = []
    view_fields: dict[str, dict[str, dict[str, Any]]] = {}
    for obj in objects:
        if obj.type != "index-pattern":
            continue
        label = f"{obj.source}: index-pattern/{obj.id}"
        names, fields = fieldcheck.fields_for_title(obj.attributes.get("title", ""), templates)
        if not names:
            problems.append(f"{label}: title {obj.attributes.get('title')!r} matches no mapping in index_mappings/ "
                            f"(missing mapping file?)")
            view_fields[obj.id] = {}
            continue
        view_fields[obj.id] = fields
        try:
            found = fieldcheck.data_view_problems(obj, fields)
        except ValueError as exc:
            found = [f"attributes are not valid JSON ({exc})"]
        problems.extend(f"{label} ({'+'.join(names)}): {p}" for p in found)
    for obj in objects:
        if obj.type == "index-pattern":
            continue
        label = f"{obj.source}: {obj.type}/{obj.id}"
        try:
            found = fieldcheck.usage_problems(obj, view_fields, _json_attr)
        except KibanaObjectsError as exc:
            found = [str(exc)]
        problems.extend(f"{label}: {p}" for p in found)
    return problems


def check_all(directory: Path = KIBANA_DIR, mappings_dir: Path | None = None) -> list[str]:
    """Both checks on the stored objects (what `pantau kibana export --check` and the tests run)."""
    try:
        objects = load_objects(directory)
    except KibanaObjectsError as exc:
        return [str(exc)]
    return validate_objects(objects) + validate_against_mappings(objects, mappings_dir)
