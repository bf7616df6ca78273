"""Apply the index templates of `index_mappings/` idempotently (`pantau es setup`).

Run twice: the second run changes nothing and reports every template as unchanged. Each PUT must come back
`acknowledged`. Indices that already exist get new fields added to their mapping (additive changes only).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

from elasticsearch import Elasticsearch, NotFoundError

import index_mappings
from crawler.es.client import posts_index_for

logger = logging.getLogger(__name__)


class SetupError(RuntimeError):
    """A template or index could not be applied; the message names which and why."""


@dataclass
class SetupReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    indices_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"templates: {len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged; indices created: {len(self.indices_created)}")


def _comparable(template: dict) -> dict:
    return {k: v for k, v in template.items() if k != "version"}


def _normalise_settings(settings: dict) -> dict:
    """Elasticsearch returns nested string settings; flatten ours the same way for comparison."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        else:
            flat[prefix if prefix.startswith("index.") else f"index.{prefix}"] = str(value).lower()

    walk("", settings)
    return flat


def _same(stored: dict, desired: dict) -> bool:
    s_tpl, d_tpl = stored.get("template", {}), desired.get("template", {})
    return (stored.get("index_patterns") == desired.get("index_patterns")
            and stored.get("priority") == desired.get("priority")
            and stored.get("_meta") == desired.get("_meta")
            and s_tpl.get("mappings") == d_tpl.get("mappings")
            and s_tpl.get("aliases", {}) == d_tpl.get("aliases", {})
            and _normalise_settings(s_tpl.get("settings", {})) == _normalise_settings(d_tpl.get("settings", {})))


def apply_templates(client: Elasticsearch, prefix: str) -> SetupReport:
    report = SetupReport()
    for name in index_mappings.template_names():
        desired = index_mappings.load_template(name, prefix)
        template_name = f"{prefix}{name}"
        try:
            stored = client.indices.get_index_template(name=template_name)["index_templates"][0]["index_template"]
        except NotFoundError:
            stored = None
        if stored is not None and _same(_comparable(stored), desired):
            report.unchanged.append(template_name)
        else:
            response = client.indices.put_index_template(name=template_name, **desired)
            if not response.get("acknowledged"):
                raise SetupError(f"template {template_name} was not acknowledged by Elasticsearch")
            (report.created if stored is None else report.updated).append(template_name)
        _ensure_indices(client, name, desired, report)
    return report


def _ensure_indices(client: Elasticsearch, name: str, desired: dict, report: SetupReport) -> None:
    """Create single (non-wildcard) indices, and the current posts month so the read alias exists."""
    patterns = desired["index_patterns"]
    targets = [p for p in patterns if "*" not in p]
    if name == "posts":
        prefix = patterns[0][: -len("posts-*")]
        targets = [posts_index_for(prefix, datetime.now(timezone.utc).strftime("%Y-%m"))]
    mappings = desired["template"]["mappings"]
    for index in targets:
        if client.indices.exists(index=index):
            response = client.indices.put_mapping(index=index, properties=mappings["properties"])
            if not response.get("acknowledged"):
                raise SetupError(f"mapping update of {index} was not acknowledged")
            continue
        try:
            client.indices.create(index=index)
            report.indices_created.append(index)
        except Exception as exc:  # a concurrent setup created it first
            if "resource_already_exists_exception" not in str(exc):
                raise SetupError(f"cannot create index {index}: {exc}") from exc


def delete_namespace(client: Elasticsearch, prefix: str) -> None:
    """Remove every index and index template under a prefix (the demo's reset, test clean-up)."""
    if not prefix:
        raise SetupError("refusing to delete a namespace without a prefix")
    client.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True, expand_wildcards="all")
    try:
        templates = client.indices.get_index_template(name=f"{prefix}*")["index_templates"]
    except NotFoundError:
        templates = []
    for template in templates:
        client.indices.delete_index_template(name=template["name"])
