"""The Post dataclass and the posts mapping name the same fields, with compatible types."""
from __future__ import annotations

import dataclasses
import typing

import index_mappings
from crawler import items


def _dataclass_paths(cls: type, base: str = "") -> dict[str, typing.Any]:
    out: dict[str, typing.Any] = {}
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        path = f"{base}{f.name}"
        out[path] = hint
        inner = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
        for candidate in inner:
            args = typing.get_args(candidate)
            target = args[0] if typing.get_origin(candidate) is list and args else candidate
            if dataclasses.is_dataclass(target):
                out.update(_dataclass_paths(target, f"{path}."))
    return out


def _mapping_paths(props: dict, base: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, spec in props.items():
        out[f"{base}{key}"] = spec
        if "properties" in spec:
            out.update(_mapping_paths(spec["properties"], f"{base}{key}."))
    return out


def test_post_dataclass_and_mapping_have_the_same_fields() -> None:
    from_class = set(_dataclass_paths(items.Post))
    from_mapping = set(_mapping_paths(index_mappings.properties("posts")))
    assert from_class - from_mapping == set(), "fields in items.Post missing from posts.json"
    assert from_mapping - from_class == set(), "fields in posts.json missing from items.Post"


def _scalar(hint: typing.Any) -> typing.Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is list:
        return _scalar(typing.get_args(hint)[0])
    if args and typing.get_origin(hint) is not None:
        return _scalar(args[0])
    return hint


COMPATIBLE = {
    str: {"keyword", "text", "date"},
    int: {"long", "integer"},
    bool: {"boolean"},
}


def test_field_types_are_compatible() -> None:
    mapping = _mapping_paths(index_mappings.properties("posts"))
    for path, hint in _dataclass_paths(items.Post).items():
        scalar = _scalar(hint)
        spec = mapping[path]
        if dataclasses.is_dataclass(scalar):
            assert "properties" in spec, path
            continue
        assert spec.get("type") in COMPATIBLE[scalar], f"{path}: {scalar} vs {spec.get('type')}"


def test_mapping_is_strict_and_core_only() -> None:
    raw = index_mappings.load_raw("posts")
    assert raw["template"]["mappings"]["dynamic"] == "strict"
    core_types = {"keyword", "text", "date", "long", "integer", "boolean", "nested", "object", "float", "double",
                  "binary"}
    for name in index_mappings.template_names():
        for path, spec in index_mappings.flatten_fields(index_mappings.properties(name)).items():
            assert spec.get("type", "object") in core_types, f"{name}: {path} uses {spec.get('type')}"


def test_round_trip_through_dict() -> None:
    post = items.Post(platform="telegram", post_id="kanal/1", text="halo",
                      author=items.Author(platform="telegram", handle="kanal"),
                      matches=[items.Match(id="pilpres-2024-02", kind="candidate", text="Prabowo", span=[0, 7])],
                      asn=items.AsnRef(account_id="a1", region_path=["32", "32.04"]))
    assert items.post_from_dict(post.to_dict()) == post
