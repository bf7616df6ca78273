"""Region codes: validation, hierarchy, coverage and time zones (crawler/regions.py)."""
from __future__ import annotations

import pytest

from crawler.regions import Regions, UnknownRegion, normalise_code


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions.load()


def test_counts_match_source_notes(regions: Regions) -> None:
    assert len(regions.codes("provinsi")) == 38
    assert len(regions.codes("kabupaten_kota")) == 514
    assert len(regions.codes("kecamatan")) == 7285


@pytest.mark.parametrize("code,level", [("32", "provinsi"), ("32.04", "kabupaten_kota"), ("32.04.05", "kecamatan")])
def test_levels(regions: Regions, code: str, level: str) -> None:
    assert regions.is_valid(code)
    assert regions.level(code) == level


@pytest.mark.parametrize("code", ["3", "320", "32.4", "32.04.5", "32.04.05.01", "AB", "32-04", "99", "32.99", ""])
def test_invalid_codes(regions: Regions, code: str) -> None:
    assert not regions.is_valid(code)
    assert regions.check(code)


def test_forgiving_formatting() -> None:
    assert normalise_code(" 3204 ") == "32.04"
    assert normalise_code("32-04-05") == "32.04.05"
    assert normalise_code("32.04") == "32.04"


def test_ancestors_and_names(regions: Regions) -> None:
    assert regions.ancestors("32.04.05") == ["32", "32.04", "32.04.05"]
    assert regions.ancestors("32") == ["32"]
    assert regions.name("32.04") == "Kabupaten Bandung"
    assert regions.name("32.04.05") == "Cileunyi"
    assert regions.parent("32.04.05") == "32.04"
    with pytest.raises(UnknownRegion):
        regions.ancestors("x")


def test_covers(regions: Regions) -> None:
    assert regions.covers("32", "32.04")
    assert regions.covers("32", "32.04.05")
    assert regions.covers("32.04", "32.04.05")
    assert regions.covers("32.04", "32.04")
    assert not regions.covers("32.04", "32")
    assert not regions.covers("32", "33.01")
    assert not regions.covers("3", "32")  # prefix of the digits is not a parent
    assert not regions.covers("32.0", "32.04")


@pytest.mark.parametrize("code,zone,iana", [
    ("31", "WIB", "Asia/Jakarta"), ("32.04.05", "WIB", "Asia/Jakarta"), ("61", "WIB", "Asia/Pontianak"),
    ("51", "WITA", "Asia/Makassar"), ("73.71", "WITA", "Asia/Makassar"), ("64", "WITA", "Asia/Makassar"),
    ("81", "WIT", "Asia/Jayapura"), ("94", "WIT", "Asia/Jayapura"),
])
def test_timezones(regions: Regions, code: str, zone: str, iana: str) -> None:
    assert regions.timezone(code) == (zone, iana)


def test_every_province_has_a_timezone(regions: Regions) -> None:
    for code in regions.codes("provinsi"):
        assert regions.timezone(code)[0] in ("WIB", "WITA", "WIT")
