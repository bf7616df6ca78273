"""The Kibana saved objects parse, resolve their references and use only fields the mappings hold, fit for the use."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import index_mappings
from crawler import items
from crawler.cli import cli
from crawler.kibana import objects
from crawler.kibana.fields import kql_fields

KIBANA_FILES = sorted(index_mappings.KIBANA_DIR.glob("*.ndjson"))


def _all_lines() -> list[tuple[str, dict]]:
    out = []
    for path in KIBANA_FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            out.append((f"{path.name}:{n}", json.loads(line)))
    return out


def _mappings_copy(tmp_path: Path) -> Path:
    target = tmp_path / "mappings"
    target.mkdir()
    for path in index_mappings.MAPPINGS_DIR.glob("*.json"):
        shutil.copy(path, target / path.name)
    return target


def _edit(directory: Path, name: str, edit) -> None:  # type: ignore[no-untyped-def]
    path = directory / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data["template"]["mappings"]["properties"])
    path.write_text(json.dumps(data), encoding="utf-8")


def test_every_line_is_a_saved_object_in_import_form() -> None:
    lines = _all_lines()
    assert len(lines) >= 20
    for where, data in lines:
        assert set(data) >= {"type", "id", "attributes", "references"}, where
        assert isinstance(data["attributes"], dict) and isinstance(data["references"], list), where
        for ref in data["references"]:
            assert set(ref) == {"name", "type", "id"}, where


def test_objects_are_consistent_and_every_reference_resolves() -> None:
    loaded = objects.load_objects()
    assert objects.validate_objects(loaded) == []
    keys = {(o.type, o.id) for o in loaded}
    for obj in loaded:
        for ref in obj.references:
            assert (ref["type"], ref["id"]) in keys, (obj.source, ref)


def test_objects_match_the_mappings() -> None:
    assert objects.validate_against_mappings(objects.load_objects()) == []


def test_the_workspace_the_issue_asks_for_is_there() -> None:
    loaded = {o.id: o for o in objects.load_objects()}
    posts = loaded["pantau-posts"]
    assert posts.attributes["title"] == "{prefix}posts" and posts.attributes["timeFieldName"] == "posted_at"
    formats = json.loads(posts.attributes["fieldFormatMap"])
    assert formats["url"]["id"] == "url" and formats["severity"]["id"] == "color" and "raw.sha256" in formats
    titles = {o.attributes["title"] for o in loaded.values() if o.type == "index-pattern"}
    assert "{prefix}alert-ledger" in titles
    # a data view for every registry mapping of accounts and supervisors (the others are optional)
    assert {"{prefix}registry-accounts", "{prefix}registry-supervisors"} <= titles
    for stored_id in objects.SAVED_SEARCHES.values():
        assert loaded[stored_id].type == "search"
    flagged = loaded["pantau-search-flagged"].attributes
    assert flagged["sort"][0] == ["severity", "desc"] and flagged["sort"][1] == ["posted_at", "desc"]
    lens = [o for o in loaded.values() if o.type == "lens"]
    assert {o.attributes["visualizationType"] for o in lens} >= {"lnsXY", "lnsPie", "lnsDatatable", "lnsMetric"}
    dashboard = loaded[objects.DASHBOARD]
    assert {r["id"] for r in dashboard.references} >= {o.id for o in lens}


def test_severity_sorts_descending_from_the_highest() -> None:
    # the saved searches sort severity as a keyword, descending: that must read tinggi, sedang, rendah
    assert sorted(items.SEVERITIES, reverse=True) == list(items.SEVERITIES)


@pytest.mark.parametrize("mutation, expected", [
    (lambda p: p.__setitem__("severity", {"type": "text"}), "severity"),
    (lambda p: p.pop("posted_at"), "posted_at"),
    (lambda p: p.__setitem__("posted_at", {"type": "keyword"}), "not a date"),
    (lambda p: p["asn"]["properties"]["agency"].pop("fields"), "asn.agency.keyword"),
    (lambda p: p.__setitem__("candidates_ids", p.pop("candidates")), "candidates"),
    (lambda p: p.__setitem__("platform", {"type": "keyword", "doc_values": False}), "not aggregatable"),
    (lambda p: p.__setitem__("url", {"type": "long"}), "cannot take format 'url'"),
    (lambda p: p.pop("deleted_at"), "deleted_at"),
])
def test_a_mapping_change_that_breaks_kibana_fails_the_check(tmp_path: Path, mutation, expected: str) -> None:  # type: ignore[no-untyped-def]
    mappings = _mappings_copy(tmp_path)
    assert objects.validate_against_mappings(objects.load_objects(), mappings) == []
    _edit(mappings, "posts", mutation)
    problems = objects.validate_against_mappings(objects.load_objects(), mappings)
    assert problems and any(expected in p for p in problems), problems


def test_a_ledger_mapping_change_fails_the_check(tmp_path: Path) -> None:
    mappings = _mappings_copy(tmp_path)
    _edit(mappings, "alert_ledger", lambda p: p.pop("updated_at"))
    problems = objects.validate_against_mappings(objects.load_objects(), mappings)
    assert any("alert-ledger" in p and "updated_at" in p for p in problems), problems


def test_a_data_view_without_its_mapping_file_fails(tmp_path: Path) -> None:
    mappings = _mappings_copy(tmp_path)
    (mappings / "registry_accounts.json").unlink()
    problems = objects.validate_against_mappings(objects.load_objects(), mappings)
    assert any("registry-accounts" in p and "matches no mapping" in p for p in problems), problems


def test_structure_errors_are_found(tmp_path: Path) -> None:
    for path in KIBANA_FILES:
        shutil.copy(path, tmp_path / path.name)
    lens_file = next(tmp_path.glob("*lens*.ndjson"))
    lines = lens_file.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[0])
    broken["references"][0]["id"] = "pantau-nothing"
    broken["attributes"]["visualizationType"] = "lnsGauge3000"
    lines[0] = json.dumps(broken)
    lens_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = objects.validate_objects(objects.load_objects(tmp_path))
    assert any("pantau-nothing" in p and "not in the files" in p for p in problems), problems
    assert any("lnsGauge3000" in p for p in problems), problems
    lens_file.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(objects.KibanaObjectsError, match=r"03-lens.ndjson:1"):
        objects.load_objects(tmp_path)


def test_ids_are_stable_and_derived_per_prefix() -> None:
    stored = objects.load_objects()
    default = objects.fill_objects(stored, objects.DEFAULT_PREFIX)
    assert [o.id for o in default] == [o.id for o in stored]
    demo = objects.fill_objects(stored, "demo-")
    other = objects.fill_objects(stored, "prov32-")
    assert {o.id for o in demo}.isdisjoint({o.id for o in default})
    assert {o.id for o in demo}.isdisjoint({o.id for o in other})
    text = objects.to_ndjson(demo)
    assert "{prefix}" not in text and "pantau-posts" not in text
    by_id = {o.id: o for o in demo}
    assert by_id["demo-posts"].attributes["title"] == "demo-posts"
    for obj in demo:  # references follow the ids
        for ref in obj.references:
            assert ref["id"] in by_id, (obj.id, ref)
    # no stored id is a dash-separated tail of another, so prefix + suffix can never collide across prefixes
    suffixes = [o.id[len(objects.ID_STEM):] for o in stored]
    for a in suffixes:
        for b in suffixes:
            assert a == b or not b.endswith("-" + a), (a, b)


def test_kql_field_extraction_ignores_values() -> None:
    fields, nested = kql_fields('kind:(comment or reply) and text:"a:b or c:d" and first_seen >= "2024" '
                                'and matches:{ id: x } and url:https\\://x')
    assert fields == ["kind", "text", "first_seen", "url", "matches.id"]
    assert nested == ["matches"]


def test_query_check_finds_unknown_and_misused_fields() -> None:
    from crawler.kibana.fields import fields_for_title, query_problems

    _names, posts = fields_for_title("{prefix}posts", objects.load_mapping_templates())
    assert query_problems({"query": "matches:{ kind:term and category:kampanye }", "language": "kuery"}, posts) == []
    for bad, why in [("asn.agencyy:x", "not in the mapping"), ("matches.id:x", "nested"),
                     ("matches:{ nope:x }", "matches.nope"), ("flagged:{ x:1 }", "not nested"),
                     ("author:x", "object")]:
        problems = query_problems({"query": bad, "language": "kuery"}, posts)
        assert any(why in p for p in problems), (bad, problems)


def test_export_command_fills_the_prefix(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["kibana", "export", "--prefix", "demo-"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(objects.load_objects())
    assert {"demo-posts", "demo-search-flagged", "demo-dashboard-findings"} <= {d["id"] for d in lines}
    out = tmp_path / "k.ndjson"
    result = runner.invoke(cli, ["kibana", "export", "--prefix", "x-", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert '"title":"x-posts"' in out.read_text(encoding="utf-8")


def test_export_check_fails_on_a_broken_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["kibana", "export", "--check"])
    assert ok.exit_code == 0 and "match index_mappings" in ok.output
    mappings = _mappings_copy(tmp_path)
    _edit(mappings, "posts", lambda p: p.__setitem__("category", {"type": "text"}))
    monkeypatch.setattr(index_mappings, "MAPPINGS_DIR", mappings)
    bad = runner.invoke(cli, ["kibana", "export", "--check"])
    assert bad.exit_code == 1
    assert "'category'" in bad.output and "problem(s)" in bad.output


def test_the_analyst_guide_kql_uses_real_fields() -> None:
    import re

    from crawler import PROJECT_DIR
    from crawler.kibana.fields import fields_for_title, query_problems

    guide = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")  # the analyst guide is a README section
    templates = objects.load_mapping_templates()
    views = {"kql": "{prefix}posts", "kql-ledger": "{prefix}alert-ledger"}
    blocks = re.findall(r"```(kql(?:-ledger)?)\n(.*?)```", guide, re.S)
    assert len(blocks) >= 6
    checked = 0
    for lang, body in blocks:
        _names, fields = fields_for_title(views[lang], templates)
        for line in filter(None, (ln.strip() for ln in body.splitlines())):
            assert query_problems({"query": line, "language": "kuery"}, fields) == [], line
            checked += 1
    assert checked >= 15
    for stored_id in [o.id for o in objects.load_objects()]:
        if not stored_id.startswith(("pantau-lens-", "pantau-registry-")):
            assert stored_id in guide, f"{stored_id} is not described in the analyst guide"
