"""Row validation for registry imports: forgiving of formatting, strict about meaning.

A `RowValidator` per kind maps column names (English or Indonesian, any case) to fields, and turns one row into a
document or a list of `Problem`s (column + reason, Indonesian). Checks that need the stored registry (duplicate of
an existing entry) are done by `crawler.registry.store`; everything here works offline (`--dry-run`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from crawler.items import CATEGORIES
from crawler.regions import TIMEZONES, Regions, normalise_code
from crawler.registry.handles import HandleError, normalise, normalise_platform
from crawler.registry.models import TERM_CONTEXTS, TERM_KINDS, account_id, slug
from crawler.registry.nip import clean_nip, nip_problem

logger = logging.getLogger(__name__)

TERM_CATEGORIES: tuple[str, ...] = CATEGORIES + ("konteks_pemilu", "netral", "bukan_kandidat")
TRUE_WORDS = {"1", "true", "ya", "y", "yes", "aktif", "active", "benar", "t"}
FALSE_WORDS = {"0", "false", "tidak", "t", "n", "no", "nonaktif", "non-aktif", "inactive", "salah", "f"}
FALSE_WORDS.discard("t")
EMAIL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
                      r"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::00)?$")
STAMP_COLUMNS = {"added_by", "added_at", "updated_by", "updated_at"}


@dataclass
class Problem:
    line: int
    column: str
    reason: str

    def format(self, file: str) -> str:
        return f"{file}:{self.line}: {self.column}: {self.reason}"


class RowInvalid(Exception):
    """Collected problems of one row."""


def parse_bool(value: Any, default: bool = True) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in re.split(r"[;,|\s]+", text(value)) if p]


def email_problem(email: str) -> str | None:
    if not email:
        return "email wajib diisi"
    if len(email) > 254 or not EMAIL_RE.match(email):
        return f"email {email!r} tidak valid"
    return None


def parse_time(value: Any) -> str | None:
    match = TIME_RE.match(text(value))
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


class RowValidator:
    """Base: column aliases, the unknown-column check and stamp carry-over."""

    kind = ""
    aliases: dict[str, str] = {}
    fields: set[str] = set()
    derived: set[str] = set()  # columns an export writes that import ignores

    def __init__(self, regions: Regions | None = None) -> None:
        self.regions = regions or Regions.load()

    def canonical(self, key: str) -> str:
        return self.aliases.get(key, key)

    def header_problems(self, keys: list[str]) -> list[Problem]:
        known = self.fields | self.derived | STAMP_COLUMNS
        problems = [Problem(1, key, "kolom tidak dikenal") for key in keys
                    if self.canonical(key) not in known and not key.startswith("_extra")]
        return problems + self.missing_columns({self.canonical(k) for k in keys})

    def missing_columns(self, present: set[str]) -> list[Problem]:
        return []

    def validate(self, values: dict[str, Any]) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
        row: dict[str, Any] = {}
        extra: list[tuple[str, str]] = []
        for key, value in values.items():
            name = self.canonical(key)
            if key.startswith("_extra"):
                if text(value):
                    extra.append((f"kolom {key[6:]}", "nilai di luar kolom judul"))
                continue
            row[name] = value
        problems: list[tuple[str, str]] = list(extra)
        doc = self.build(row, problems)
        for stamp in STAMP_COLUMNS:
            if text(row.get(stamp)):
                doc[stamp] = text(row[stamp])
        return (None if problems else doc), problems

    def build(self, row: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
        raise NotImplementedError

    def region(self, value: Any, column: str, problems: list[tuple[str, str]], required: bool = True) -> str:
        code = normalise_code(text(value))
        if not code:
            if required:
                problems.append((column, "kode wilayah wajib diisi"))
            return ""
        problem = self.regions.check(code)
        if problem:
            problems.append((column, problem))
        return code

    @staticmethod
    def active(row: dict[str, Any], problems: list[tuple[str, str]]) -> bool:
        value = parse_bool(row.get("active"))
        if value is None:
            problems.append(("active", f"nilai aktif {text(row.get('active'))!r} tidak dikenal (ya/tidak)"))
            return True
        return value


class AccountValidator(RowValidator):
    kind = "accounts"
    aliases = {"akun": "handle", "username": "handle", "nama": "name", "instansi": "agency", "jabatan": "position",
               "kode_wilayah": "region_code", "wilayah": "region_code", "catatan": "notes", "aktif": "active",
               "platform_medsos": "platform", "tautan": "url", "link": "url", "profile_url": "url"}
    fields = {"platform", "handle", "url", "name", "nip", "agency", "position", "region_code", "notes", "active"}
    derived = {"id", "region_path", "region_name"}

    def missing_columns(self, present: set[str]) -> list[Problem]:
        problems = []
        if not present & {"handle", "url"}:
            problems.append(Problem(1, "handle", "kolom handle (akun) atau url wajib ada"))
        for column in ("name", "region_code"):
            if column not in present:
                problems.append(Problem(1, column, "kolom wajib tidak ada"))
        return problems

    def build(self, row: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
        handle = self.handle(row, problems, allow_web=False)
        name = text(row.get("name"))
        if not name:
            problems.append(("name", "nama wajib diisi"))
        nip = clean_nip(text(row.get("nip")))
        problem = nip_problem(nip)
        if problem:
            problems.append(("nip", problem))
        region = self.region(row.get("region_code"), "region_code", problems)
        doc = {
            "id": account_id(handle[0], handle[1]) if handle else "",
            "platform": handle[0] if handle else "", "handle": handle[1] if handle else "",
            "url": handle[2] if handle else "", "name": name, "nip": nip, "agency": text(row.get("agency")),
            "position": text(row.get("position")), "region_code": region,
            "region_path": self.regions.ancestors(region) if region and not problems else [],
            "active": self.active(row, problems), "notes": text(row.get("notes")),
        }
        return doc

    @staticmethod
    def handle(row: dict[str, Any], problems: list[tuple[str, str]],
               allow_web: bool) -> tuple[str, str, str] | None:
        platform_text = text(row.get("platform"))
        platform: str | None = None
        if platform_text:
            try:
                platform = normalise_platform(platform_text)
            except HandleError as exc:
                problems.append((exc.column, exc.reason))
                return None
            if platform == "web" and not allow_web:
                problems.append(("platform", "platform web hanya untuk situs resmi kandidat, bukan akun ASN"))
                return None
        handle_text, url_text = text(row.get("handle")), text(row.get("url"))
        if not handle_text and not url_text:
            problems.append(("handle", "handle (akun) atau url wajib diisi"))
            return None
        results = []
        for column, value in (("url", url_text), ("handle", handle_text)):
            if not value:
                continue
            try:
                found = normalise(platform, value, column)
            except HandleError as exc:
                problems.append((exc.column, exc.reason))
                return None
            if platform is None and found.platform == "web" and not allow_web:
                problems.append(("platform", "platform web hanya untuk situs resmi kandidat, bukan akun ASN"))
                return None
            platform = found.platform
            results.append(found)
        if len(results) == 2 and results[0].handle != results[1].handle:
            problems.append(("url", f"url menunjuk akun {results[0].handle!r}, berbeda dengan handle "
                                    f"{results[1].handle!r}"))
            return None
        best = results[0]
        return best.platform, best.handle, best.url


class SupervisorValidator(RowValidator):
    kind = "supervisors"
    aliases = {"nama": "name", "surel": "email", "e_mail": "email", "kode_wilayah": "region_codes",
               "region_code": "region_codes", "wilayah": "region_codes", "zona_waktu": "timezone",
               "waktu_kirim": "digest_time", "jam_kirim": "digest_time", "bahasa": "language", "aktif": "active"}
    fields = {"id", "name", "email", "region_codes", "timezone", "digest_time", "language", "active"}
    derived = {"iana_timezone"}

    def missing_columns(self, present: set[str]) -> list[Problem]:
        return [Problem(1, c, "kolom wajib tidak ada") for c in ("name", "email", "region_codes") if c not in present]

    def build(self, row: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
        name = text(row.get("name"))
        if not name:
            problems.append(("name", "nama wajib diisi"))
        email = text(row.get("email"))
        problem = email_problem(email)
        if problem:
            problems.append(("email", problem))
        else:
            local, domain = email.rsplit("@", 1)
            email = f"{local}@{domain.lower()}"
        codes = [normalise_code(c) for c in split_list(row.get("region_codes"))]
        if not codes:
            problems.append(("region_codes", "minimal satu kode wilayah"))
        for code in codes:
            problem = self.regions.check(code)
            if problem:
                problems.append(("region_codes", problem))
        codes = list(dict.fromkeys(codes))
        zone_text = text(row.get("timezone")).upper()
        zone, iana = "WIB", TIMEZONES["WIB"]
        if zone_text:
            by_iana = {v.upper(): k for k, v in TIMEZONES.items()}
            zone = by_iana.get(zone_text, zone_text)
            if zone not in TIMEZONES:
                problems.append(("timezone", f"zona waktu {text(row.get('timezone'))!r} tidak dikenal "
                                             f"(WIB, WITA atau WIT)"))
            else:
                iana = TIMEZONES[zone]
        elif codes and not problems:
            zone, iana = self.regions.timezone(codes[0])
        digest_time = "07:00"
        if text(row.get("digest_time")):
            parsed = parse_time(row.get("digest_time"))
            if parsed is None:
                problems.append(("digest_time", f"jam {text(row.get('digest_time'))!r} tidak valid (HH:MM)"))
            else:
                digest_time = parsed
        language = text(row.get("language")).lower() or "id"
        if language in ("indonesia", "bahasa indonesia", "ind"):
            language = "id"
        if language in ("english", "inggris", "eng"):
            language = "en"
        if language not in ("id", "en"):
            problems.append(("language", f"bahasa {language!r} tidak didukung (id atau en)"))
        return {"id": text(row.get("id")) or email.lower(), "name": name, "email": email, "region_codes": codes,
                "timezone": zone, "iana_timezone": iana, "digest_time": digest_time, "language": language,
                "active": self.active(row, problems)}


class TermValidator(RowValidator):
    kind = "terms"
    aliases = {"kata": "text", "teks": "text", "term": "text", "pattern": "text", "jenis": "kind",
               "kategori": "category", "bobot": "weight", "cakupan": "scope", "kode_wilayah": "region_codes",
               "region_code": "region_codes", "berlaku_dari": "active_from", "berlaku_sampai": "active_until",
               "peka_huruf": "case_sensitive", "konteks": "context", "kandidat": "candidate_id",
               "partai": "party_id", "catatan": "notes", "aktif": "active"}
    fields = {"id", "text", "kind", "category", "weight", "scope", "region_codes", "active_from", "active_until",
              "case_sensitive", "context", "candidate_id", "party_id", "active", "notes"}

    def __init__(self, regions: Regions | None = None, candidates: set[str] | None = None,
                 parties: set[str] | None = None) -> None:
        super().__init__(regions)
        self.candidates = candidates
        self.parties = parties

    def missing_columns(self, present: set[str]) -> list[Problem]:
        return [Problem(1, c, "kolom wajib tidak ada") for c in ("text", "category") if c not in present]

    def build(self, row: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
        term = text(row.get("text"))
        kind = text(row.get("kind")).lower() or ("hashtag" if term.startswith("#") else "keyword")
        kind = {"kata_kunci": "keyword", "tagar": "hashtag", "frasa": "phrase"}.get(kind, kind)
        if not term:
            problems.append(("text", "teks wajib diisi"))
        if kind not in TERM_KINDS:
            problems.append(("kind", f"jenis {kind!r} tidak dikenal ({', '.join(TERM_KINDS)})"))
        if kind == "hashtag" and term and not term.startswith("#"):
            term = "#" + term
        category = text(row.get("category")).lower()
        if category not in TERM_CATEGORIES:
            problems.append(("category", f"kategori {category!r} tidak dikenal ({', '.join(TERM_CATEGORIES)})"))
        weight = 1.0
        if text(row.get("weight")):
            try:
                weight = float(text(row.get("weight")).replace(",", "."))
                if not -10 <= weight <= 10:
                    raise ValueError
            except ValueError:
                problems.append(("weight", f"bobot {text(row.get('weight'))!r} harus angka antara -10 dan 10"))
        scope = text(row.get("scope")).lower() or "national"
        scope = {"nasional": "national", "daerah": "regional", "wilayah": "regional"}.get(scope, scope)
        codes = [normalise_code(c) for c in split_list(row.get("region_codes"))]
        if scope not in ("national", "regional"):
            problems.append(("scope", f"cakupan {scope!r} tidak dikenal (national atau regional)"))
        if scope == "regional" and not codes:
            problems.append(("region_codes", "cakupan regional memerlukan kode wilayah"))
        for code in codes:
            problem = self.regions.check(code)
            if problem:
                problems.append(("region_codes", problem))
        window = []
        for column in ("active_from", "active_until"):
            value = text(row.get(column))[:10]
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    problems.append((column, f"tanggal {value!r} tidak valid (YYYY-MM-DD)"))
                    value = ""
            window.append(value or None)
        if window[0] and window[1] and window[0] > window[1]:
            problems.append(("active_until", "akhir masa berlaku sebelum awalnya"))
        case = parse_bool(row.get("case_sensitive"), default=False)
        if case is None:
            problems.append(("case_sensitive", "nilai harus ya/tidak"))
        context = text(row.get("context")).lower() or "none"
        if context not in TERM_CONTEXTS:
            problems.append(("context", f"aturan konteks {context!r} tidak dikenal ({', '.join(TERM_CONTEXTS)})"))
        candidate, party = text(row.get("candidate_id")), text(row.get("party_id"))
        if candidate and self.candidates is not None and candidate not in self.candidates:
            problems.append(("candidate_id", f"kandidat {candidate!r} tidak terdaftar"))
        if party and self.parties is not None and party not in self.parties:
            problems.append(("party_id", f"partai {party!r} tidak terdaftar"))
        return {"id": text(row.get("id")) or f"{kind}-{slug(term)}", "text": term, "kind": kind,
                "category": category, "weight": weight, "scope": scope, "region_codes": codes,
                "active_from": window[0], "active_until": window[1], "case_sensitive": bool(case),
                "context": context, "candidate_id": candidate, "party_id": party,
                "active": self.active(row, problems), "notes": text(row.get("notes"))}


class CandidatePageValidator(RowValidator):
    """Rows registering a candidate pair's official page: candidate_id, platform, handle or url."""

    kind = "candidates"
    aliases = {"kandidat": "candidate_id", "paslon": "candidate_id", "akun": "handle", "tautan": "url",
               "link": "url"}
    fields = {"candidate_id", "platform", "handle", "url"}
    derived = {"contest_id", "number", "names"}

    def __init__(self, regions: Regions | None = None, candidates: set[str] | None = None) -> None:
        super().__init__(regions)
        self.candidates = candidates

    def missing_columns(self, present: set[str]) -> list[Problem]:
        problems = [] if "candidate_id" in present else [Problem(1, "candidate_id", "kolom wajib tidak ada")]
        if not present & {"handle", "url"}:
            problems.append(Problem(1, "handle", "kolom handle atau url wajib ada"))
        return problems

    def build(self, row: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
        candidate = text(row.get("candidate_id"))
        if not candidate:
            problems.append(("candidate_id", "id kandidat wajib diisi"))
        elif self.candidates is not None and candidate not in self.candidates:
            problems.append(("candidate_id", f"kandidat {candidate!r} tidak terdaftar"))
        handle = AccountValidator.handle(row, problems, allow_web=True)
        return {"id": f"{candidate}|{handle[0]}:{handle[1]}" if handle else "", "candidate_id": candidate,
                "platform": handle[0] if handle else "", "handle": handle[1] if handle else "",
                "url": handle[2] if handle else ""}


def validator_for(kind: str, regions: Regions | None = None, candidates: set[str] | None = None,
                  parties: set[str] | None = None) -> RowValidator:
    if kind == "accounts":
        return AccountValidator(regions)
    if kind == "supervisors":
        return SupervisorValidator(regions)
    if kind == "terms":
        return TermValidator(regions, candidates, parties)
    if kind == "candidates":
        return CandidatePageValidator(regions, candidates)
    raise ValueError(f"unknown registry kind {kind!r}")
