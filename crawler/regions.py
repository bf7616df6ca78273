"""Kemendagri region codes: validation, hierarchy, names and time zones.

Codes: province `PP`, kabupaten/kota `PP.KK`, kecamatan `PP.KK.CC` (crawler/data/wilayah/, see SOURCE.md there for
the source and licence). Each province has one time zone (WIB/WITA/WIT, zona_waktu.csv); its kabupaten/kota and
kecamatan share it. A province covers its kabupaten/kota and their kecamatan; a kabupaten/kota covers its kecamatan.

    regions = Regions.load()
    regions.ancestors("32.04.01")  # ["32", "32.04", "32.04.01"]
    regions.timezone("73.71")      # ("WITA", "Asia/Makassar")
"""
from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

WILAYAH_DIR = Path(__file__).resolve().parent / "data" / "wilayah"
CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2})?)?$")
LEVELS = ("provinsi", "kabupaten_kota", "kecamatan")
TIMEZONES: dict[str, str] = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
UTC_OFFSETS: dict[str, str] = {"WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00"}


class UnknownRegion(KeyError):
    """A code that is not a Kemendagri region."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None


def normalise_code(code: str) -> str:
    """Forgiving form of a code typed by an operator: spaces dropped, `3204` or `32-04` read as `32.04`.

    Only formatting is forgiven: the result still has to be a known code to be valid.
    """
    text = str(code or "").strip().replace(" ", "").replace("-", ".").replace("/", ".")
    if text.isdigit() and len(text) in (2, 4, 6):
        text = ".".join(text[i:i + 2] for i in range(0, len(text), 2))
    return text


class Regions:
    """The region table, loaded once per process (`Regions.load()`)."""

    def __init__(self, regions: dict[str, Region], zones: dict[str, tuple[str, str]]) -> None:
        self._regions = regions
        self._zones = zones  # province code -> (zone, iana)

    @classmethod
    def load(cls, directory: Path | None = None) -> Regions:
        return _load_cached(str(directory or WILAYAH_DIR))

    @classmethod
    def read(cls, directory: Path) -> Regions:
        regions: dict[str, Region] = {}
        for row in _rows(directory / "provinsi.csv"):
            regions[row["kode"]] = Region(row["kode"], row["nama"], "provinsi", None)
        for row in _rows(directory / "kabupaten_kota.csv"):
            regions[row["kode"]] = Region(row["kode"], row["nama"], "kabupaten_kota", row["kode_provinsi"])
        for row in _rows(directory / "kecamatan.csv"):
            regions[row["kode"]] = Region(row["kode"], row["nama"], "kecamatan", row["kode_kabupaten_kota"])
        zones: dict[str, tuple[str, str]] = {}
        for row in _rows(directory / "zona_waktu.csv"):
            zones[row["kode_provinsi"]] = (row["zona"], row["iana"])
        logger.debug("loaded %d regions, %d province time zones", len(regions), len(zones))
        return cls(regions, zones)

    # -- lookups ---------------------------------------------------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._regions

    def __len__(self) -> int:
        return len(self._regions)

    def is_valid(self, code: str) -> bool:
        """A well-formed code (`PP`, `PP.KK`, `PP.KK.CC`) that exists in the Kemendagri table."""
        return isinstance(code, str) and bool(CODE_RE.match(code)) and code in self._regions

    def get(self, code: str) -> Region:
        try:
            return self._regions[code]
        except KeyError:
            raise UnknownRegion(code) from None

    def check(self, code: str) -> str | None:
        """Why a code is not acceptable (Indonesian, for operators), or None when it is."""
        if not isinstance(code, str) or not CODE_RE.match(code):
            return (f"kode wilayah {code!r} tidak valid: gunakan PP (provinsi), PP.KK (kabupaten/kota) "
                    f"atau PP.KK.CC (kecamatan)")
        if code not in self._regions:
            return f"kode wilayah {code!r} tidak dikenal (Kemendagri)"
        return None

    def level(self, code: str) -> str:
        """`provinsi`, `kabupaten_kota` or `kecamatan`."""
        return self.get(code).level

    def name(self, code: str) -> str:
        return self.get(code).name

    def name_or_code(self, code: str) -> str:
        """The region's name, or the code itself when it is not in the table."""
        region = self._regions.get(code)
        return region.name if region else code

    def parent(self, code: str) -> str | None:
        return self.get(code).parent

    def province(self, code: str) -> str:
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise UnknownRegion(code)
        return code[:2]

    def ancestors(self, code: str) -> list[str]:
        """The region and every region above it, top first: "32.04.01" -> ["32", "32.04", "32.04.01"].

        Structural: any well-formed code works (a code missing from the table still has its province above it).
        """
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise UnknownRegion(code)
        parts = code.split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]

    def path_names(self, code: str) -> list[str]:
        return [self.name_or_code(c) for c in self.ancestors(code)]

    def children(self, code: str) -> list[str]:
        self.get(code)
        return sorted(c for c, r in self._regions.items() if r.parent == code)

    def timezone(self, code: str) -> tuple[str, str]:
        """(zone, IANA zone) of the region's province: ("WIB", "Asia/Jakarta")."""
        province = self.province(code)
        zone = self._zones.get(province)
        if zone is None:
            raise UnknownRegion(f"{code}: no time zone for province {province}")
        return zone

    def covers(self, supervisor_code: str, region_code: str) -> bool:
        """Whether a supervisor of `supervisor_code` is responsible for `region_code` (itself or below it)."""
        if not supervisor_code or not region_code:
            return False
        return region_code == supervisor_code or region_code.startswith(supervisor_code + ".")

    def codes(self, level: str | None = None) -> list[str]:
        return sorted(c for c, r in self._regions.items() if level is None or r.level == level)


def timezone_for_zone(zone: str) -> str:
    """IANA zone of WIB/WITA/WIT; raises KeyError for anything else."""
    return TIMEZONES[zone.strip().upper()]


@lru_cache(maxsize=4)
def _load_cached(directory: str) -> Regions:
    return Regions.read(Path(directory))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
