"""Field checks behind `crawler.kibana.objects`: which mapping a data view covers, and what each use of a field needs.

A field used for a terms bucket or a sort must be aggregatable (keyword, number, date, boolean; doc values on; not
inside a `nested` object, which Lens and KQL's plain syntax cannot reach); a time field or date histogram needs a
date; a URL format needs a string; a query field must exist and be searchable. Meta fields (`_id`, `_index`) are
always there. Problems are one-line strings.
"""
from __future__ import annotations

import fnmatch
import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import index_mappings

if TYPE_CHECKING:
    from crawler.kibana.objects import SavedObject

logger = logging.getLogger(__name__)

Fields = dict[str, dict[str, Any]]
JsonAttr = Callable[..., Any]

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
DATES = {"date", "date_nanos"}
AGGREGATABLE = {"keyword", "boolean", "ip", "version"} | NUMERIC | DATES
STRINGS = {"keyword", "text", "match_only_text", "wildcard", "constant_keyword"}
META_FIELDS: Fields = {"_id": {"type": "keyword"}, "_index": {"type": "keyword"}}
RECORDS = "___records___"
SEARCH_INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
LENS_VIS = {"lnsXY", "lnsPie", "lnsDatatable", "lnsMetric"}
LENS_OPS: dict[str, str] = {  # operation -> what its field needs
    "terms": "aggregatable", "date_histogram": "date", "count": "count", "unique_count": "aggregatable",
    "last_value": "aggregatable", "sum": "number", "average": "number", "min": "number", "max": "number",
    "median": "number", "percentile": "number", "range": "number",
}
FORMAT_NEEDS: dict[str, set[str]] = {
    "url": STRINGS, "string": STRINGS, "color": STRINGS | NUMERIC, "static_lookup": STRINGS | NUMERIC | {"boolean"},
    "number": NUMERIC, "bytes": NUMERIC, "percent": NUMERIC, "date": DATES, "truncate": STRINGS,
}


# --- mappings -----------------------------------------------------------------------------------------------------

def _template_patterns(template: dict[str, Any]) -> list[str]:
    patterns = list(template.get("index_patterns", []))
    patterns += list(template.get("template", {}).get("aliases", {}))
    return patterns


def _annotate(props: dict[str, Any]) -> Fields:
    """flatten_fields plus `_nested` (inside a nested object) and `_object` (no value of its own) marks."""
    flat = index_mappings.flatten_fields(props)
    nested_roots = [p for p, spec in flat.items() if spec.get("type") == "nested"]
    out: Fields = {}
    for path, spec in flat.items():
        info = dict(spec)
        info["_nested"] = any(path.startswith(root + ".") for root in nested_roots)
        info["_object"] = spec.get("type") in ("object", "nested")
        out[path] = info
    return out


def fields_for_title(title: str, templates: dict[str, dict[str, Any]]) -> tuple[list[str], Fields]:
    """Names of the templates a (comma-separated, unfilled) data view title covers, and their fields.

    Every part of the title must match a template, else nothing is returned (the caller reports it)."""
    names: list[str] = []
    fields: Fields = {}
    for part in (p.strip() for p in str(title).split(",") if p.strip()):
        matched = [name for name, tpl in templates.items()
                   if any(part == pat or fnmatch.fnmatchcase(part, pat) or fnmatch.fnmatchcase(pat, part)
                          for pat in _template_patterns(tpl))]
        if not matched:
            return [], {}
        for name in matched:
            if name not in names:
                names.append(name)
                props = templates[name].get("template", {}).get("mappings", {}).get("properties", {})
                fields.update(_annotate(props))
    fields.update(META_FIELDS)
    return names, fields


def field_problem(fields: Fields, name: str, need: str) -> str | None:
    """Why `name` cannot be used for `need` (column|search|sort|aggregatable|date|number|count), or None."""
    if need == "count" and name == RECORDS:
        return None
    spec = fields.get(name)
    if spec is None:
        return f"field {name!r} is not in the mapping"
    ftype = spec.get("type", "object")
    if need in ("aggregatable", "sort", "count"):
        if ftype not in AGGREGATABLE or spec.get("doc_values") is False or spec.get("index") is False:
            return f"field {name!r} ({ftype}) is not aggregatable (needs keyword, number, date or boolean)"
        if spec.get("_nested"):
            return f"field {name!r} is inside a nested object: Lens and sorting cannot use it"
    elif need == "date":
        if ftype not in DATES:
            return f"field {name!r} ({ftype}) is not a date"
    elif need == "number":
        if ftype not in NUMERIC:
            return f"field {name!r} ({ftype}) is not a number"
    elif need == "search":
        if spec.get("_object") and ftype != "nested":
            return f"field {name!r} is an object, not a value"
        if spec.get("enabled") is False or spec.get("index") is False:
            return f"field {name!r} is not indexed"
        if spec.get("_nested"):
            return f"field {name!r} is inside a nested object: query it as parent:{{ child: value }}"
    elif need == "column":
        if spec.get("_object"):
            return f"field {name!r} is an object, not a column"
    return None


# --- KQL ---------------------------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"')
_NESTED_GROUP = re.compile(r"([A-Za-z_@][\w.@]*)\s*:\s*\{([^{}]*)\}")
_FIELD = re.compile(r"(?<![\w.@*\\])([A-Za-z_@*][\w.@*]*)\s*(?::|<=|>=|<|>)")


def kql_fields(query: str) -> tuple[list[str], list[str]]:
    """(fields, nested group fields) named in a KQL query; quoted values are ignored.

    Fields inside a nested group `matches:{ kind:term }` come back with their full path (`matches.kind`)."""
    text = _QUOTED.sub('""', query or "")
    nested: list[str] = []
    inner: list[str] = []
    for path, body in _NESTED_GROUP.findall(text):
        nested.append(path)
        inner += [f"{path}.{name}" for name in _FIELD.findall(body)]
    text = _NESTED_GROUP.sub(" ", text)
    return _FIELD.findall(text) + inner, nested


def query_problems(query: Any, fields: Fields) -> list[str]:
    if not isinstance(query, dict):
        return []
    language = query.get("language", "kuery")
    if language not in ("kuery", "lucene"):
        return [f"query language {language!r} unknown"]
    if language != "kuery":
        return []
    names, nested = kql_fields(str(query.get("query", "")))
    problems: list[str] = []
    inside = tuple(f"{path}." for path in nested)
    for name in names:
        if name.startswith(inside) and fields.get(name, {}).get("_nested"):
            continue  # reached through its nested group: exists, and the group form is the right one
        if "*" in name:
            if not any(fnmatch.fnmatchcase(f, name) for f in fields):
                problems.append(f"query field pattern {name!r} matches no field")
            continue
        problem = field_problem(fields, name, "search")
        if problem:
            problems.append(f"query: {problem}")
    for name in nested:
        if fields.get(name, {}).get("type") != "nested":
            problems.append(f"query: {name!r} used as a nested group but it is not nested")
    return problems


def filter_problems(filters: Any, fields: Fields) -> list[str]:
    problems: list[str] = []
    for flt in filters or []:
        meta = flt.get("meta", {}) if isinstance(flt, dict) else {}
        key = meta.get("key")
        if key:
            problem = field_problem(fields, key, "search")
            if problem:
                problems.append(f"filter: {problem}")
        for clause in ("match_phrase", "match", "term", "terms", "range", "exists"):
            body = (flt.get("query") or {}).get(clause) if isinstance(flt, dict) else None
            if isinstance(body, dict):
                names = [body["field"]] if clause == "exists" and "field" in body else list(body)
                for name in names:
                    problem = field_problem(fields, name, "search")
                    if problem:
                        problems.append(f"filter: {problem}")
    return problems


# --- per object --------------------------------------------------------------------------------------------------

def data_view_problems(obj: SavedObject, fields: Fields) -> list[str]:
    problems: list[str] = []
    time_field = obj.attributes.get("timeFieldName")
    if time_field:
        problem = field_problem(fields, time_field, "date")
        if problem:
            problems.append(f"timeFieldName: {problem}")
    formats = json.loads(obj.attributes.get("fieldFormatMap") or "{}")
    for name, fmt in formats.items():
        spec = fields.get(name)
        if spec is None:
            problems.append(f"fieldFormatMap: field {name!r} is not in the mapping")
            continue
        needs = FORMAT_NEEDS.get(fmt.get("id", ""))
        if needs is None:
            problems.append(f"fieldFormatMap: {name!r}: unknown format {fmt.get('id')!r}")
        elif spec.get("type") not in needs:
            problems.append(f"fieldFormatMap: {name!r} ({spec.get('type')}) cannot take format {fmt.get('id')!r}")
    for name in json.loads(obj.attributes.get("fieldAttrs") or "{}"):
        if name not in fields:
            problems.append(f"fieldAttrs: field {name!r} is not in the mapping")
    for flt in json.loads(obj.attributes.get("sourceFilters") or "[]"):
        if not any(fnmatch.fnmatchcase(f, flt.get("value", "")) for f in fields):
            problems.append(f"sourceFilters: {flt.get('value')!r} matches no field")
    return problems


def _ref_id(obj: SavedObject, name: str) -> str | None:
    return next((r.get("id") for r in obj.references if r.get("name") == name), None)


def _view(view_fields: dict[str, Fields], view_id: str | None, what: str) -> tuple[Fields | None, list[str]]:
    if view_id is None:
        return None, [f"{what}: no data view reference"]
    if view_id not in view_fields:
        return None, [f"{what}: data view {view_id!r} is not in the files"]
    return view_fields[view_id], []


def usage_problems(obj: SavedObject, view_fields: dict[str, Fields], json_attr: JsonAttr) -> list[str]:
    problems: list[str] = []
    if obj.type == "search":
        source = json_attr(obj, "kibanaSavedObjectMeta", "searchSourceJSON") or {}
        fields, found = _view(view_fields, _ref_id(obj, source.get("indexRefName", SEARCH_INDEX_REF)), "search")
        if fields is None:
            return found
        for column in obj.attributes.get("columns", []):
            problem = field_problem(fields, column, "column")
            if problem:
                problems.append(f"columns: {problem}")
        for entry in obj.attributes.get("sort", []):
            problem = field_problem(fields, entry[0], "sort")
            if problem:
                problems.append(f"sort: {problem}")
        problems += query_problems(source.get("query"), fields)
        problems += filter_problems(source.get("filter"), fields)
    elif obj.type == "lens":
        state = obj.attributes.get("state", {})
        layers = state.get("datasourceStates", {}).get("formBased", {}).get("layers", {})
        union: Fields = {}
        for layer_id, layer in layers.items():
            fields, found = _view(view_fields, _ref_id(obj, f"indexpattern-datasource-layer-{layer_id}"),
                                  f"layer {layer_id}")
            problems += found
            if fields is None:
                continue
            union.update(fields)
            for col_id, col in layer.get("columns", {}).items():
                need = LENS_OPS.get(col.get("operationType", ""))
                if need is None:
                    continue  # reported by the shape check
                problem = field_problem(fields, col.get("sourceField", ""), need)
                if problem:
                    problems.append(f"column {col_id} ({col.get('operationType')}): {problem}")
        if union:
            problems += query_problems(state.get("query"), union)
            problems += filter_problems(state.get("filters"), union)
    elif obj.type == "dashboard":
        source = json_attr(obj, "kibanaSavedObjectMeta", "searchSourceJSON") or {}
        every: Fields = {}
        for fields in view_fields.values():
            every.update(fields)
        problems += query_problems(source.get("query"), every)
        problems += filter_problems(source.get("filter"), every)
    return problems


def _lens_accessors(vis_type: str, vis: dict[str, Any]) -> list[tuple[str, str]]:
    """(layerId, column id) pairs a Lens visualisation state points at."""
    out: list[tuple[str, str]] = []
    if vis_type == "lnsXY":
        for layer in vis.get("layers", []):
            ids = list(layer.get("accessors", [])) + [layer.get(k) for k in ("xAccessor", "splitAccessor")]
            out += [(layer.get("layerId", ""), c) for c in ids if c]
    elif vis_type == "lnsPie":
        for layer in vis.get("layers", []):
            ids = layer.get("primaryGroups", []) + layer.get("secondaryGroups", []) + layer.get("metrics", [])
            out += [(layer.get("layerId", ""), c) for c in ids]
    elif vis_type == "lnsDatatable":
        out += [(vis.get("layerId", ""), c.get("columnId", "")) for c in vis.get("columns", [])]
    elif vis_type == "lnsMetric":
        out += [(vis.get("layerId", ""), vis.get(k)) for k in ("metricAccessor", "secondaryMetricAccessor",
                                                               "breakdownByAccessor") if vis.get(k)]
    return out


def shape_problems(obj: SavedObject, json_attr: JsonAttr) -> list[str]:
    """Kibana 8.x/9.x shape of one object (its JSON strings parse, its internal pointers hold)."""
    problems: list[str] = []
    ref_names = {r.get("name") for r in obj.references}
    if obj.type == "index-pattern":
        if not obj.attributes.get("title"):
            problems.append("data view without title (index pattern)")
        for key in ("fieldFormatMap", "fieldAttrs", "sourceFilters", "runtimeFieldMap"):
            json_attr(obj, key)
    elif obj.type == "search":
        source = json_attr(obj, "kibanaSavedObjectMeta", "searchSourceJSON") or {}
        if source.get("indexRefName") not in ref_names:
            problems.append("searchSourceJSON.indexRefName has no reference")
        for n, flt in enumerate(source.get("filter", [])):
            ref = flt.get("meta", {}).get("indexRefName")
            if ref and ref not in ref_names:
                problems.append(f"filter[{n}].meta.indexRefName has no reference")
        for entry in obj.attributes.get("sort", []):
            if not (isinstance(entry, list) and len(entry) == 2 and entry[1] in ("asc", "desc")):
                problems.append(f"sort entry {entry!r} is not [field, asc|desc]")
    elif obj.type == "lens":
        vis_type = obj.attributes.get("visualizationType")
        if vis_type not in LENS_VIS:
            problems.append(f"visualizationType {vis_type!r} not one of {sorted(LENS_VIS)}")
        state = obj.attributes.get("state", {})
        layers = state.get("datasourceStates", {}).get("formBased", {}).get("layers", {})
        if not layers:
            problems.append("state.datasourceStates.formBased.layers is empty")
        for layer_id, layer in layers.items():
            if f"indexpattern-datasource-layer-{layer_id}" not in ref_names:
                problems.append(f"layer {layer_id} has no indexpattern-datasource-layer-{layer_id} reference")
            columns = layer.get("columns", {})
            if set(layer.get("columnOrder", [])) != set(columns):
                problems.append(f"layer {layer_id}: columnOrder does not list exactly its columns")
            for col_id, col in columns.items():
                if col.get("operationType") not in LENS_OPS:
                    problems.append(f"column {col_id}: operationType {col.get('operationType')!r} unknown")
                order = (col.get("params") or {}).get("orderBy", {})
                if order.get("type") == "column" and order.get("columnId") not in columns:
                    problems.append(f"column {col_id}: orders by missing column {order.get('columnId')!r}")
        for layer_id, col_id in _lens_accessors(str(vis_type), state.get("visualization", {})):
            if col_id not in layers.get(layer_id, {}).get("columns", {}):
                problems.append(f"visualization points at {layer_id}/{col_id}, which is not a column")
    elif obj.type == "dashboard":
        panels = json_attr(obj, "panelsJSON") or []
        if not panels:
            problems.append("dashboard has no panels")
        for panel in panels:
            index = panel.get("panelIndex")
            grid = panel.get("gridData", {})
            if not all(isinstance(grid.get(k), int) for k in ("x", "y", "w", "h")) or grid["x"] + grid["w"] > 48:
                problems.append(f"panel {index}: gridData must hold integer x, y, w, h within 48 columns")
            if f"{index}:{panel.get('panelRefName')}" not in ref_names:
                problems.append(f"panel {index}: no reference {index}:{panel.get('panelRefName')}")
        json_attr(obj, "optionsJSON")
    return problems
