"""RegistryStore: the registry in Elasticsearch (`{prefix}registry-*`), with all-or-nothing imports.

An import streams the file once: each row is validated, duplicates within the file and against the stored registry
(checked by `mget` in batches) are found, and accepted documents go to a temporary spool file. Only when the whole
file is clean (or `skip_invalid`) is the spool written with bulk requests. Ids are deterministic, so importing the
same file twice changes nothing ("unchanged"); a row that would change an existing entry is refused unless
`update=True`. Every write records who (`by`) and when.
"""
from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, IO

from elasticsearch import Elasticsearch, NotFoundError, helpers

from crawler.es.client import index_name
from crawler.regions import Regions
from crawler.registry.handles import HandleError, normalise, normalise_platform
from crawler.registry.models import (INDEX_KINDS, Account, CrawlTarget, Supervisor, account_id, from_doc,
                                     same_content)
from crawler.registry.readers import ReadError, read_rows
from crawler.registry.validate import Problem, RowValidator, validator_for

logger = logging.getLogger(__name__)

BATCH = 1000
IDENTITY_COLUMN = {"accounts": "handle", "supervisors": "email", "terms": "id", "candidates": "handle"}


class RegistryError(ValueError):
    """A registry operation refused; the message is one line for the operator."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    written: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        return [p.format(self.file) for p in self.problems]

    def summary(self) -> str:
        state = "ditulis" if self.written else "tidak ada yang ditulis"
        return (f"{self.rows} baris: {self.created} baru, {self.updated} diperbarui, {self.unchanged} tidak berubah, "
                f"{self.rejected_rows} ditolak ({state})")


class RegistryStore:
    def __init__(self, client: Elasticsearch | None, prefix: str, regions: Regions | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.regions = regions or Regions.load()

    # -- plumbing -------------------------------------------------------------------------------------------
    def index(self, kind: str) -> str:
        return index_name(self.prefix, INDEX_KINDS[kind])

    @property
    def es(self) -> Elasticsearch:
        if self.client is None:
            raise RegistryError("Elasticsearch diperlukan untuk perintah ini")
        return self.client

    def ensure_ready(self) -> None:
        """Apply the index templates when the registry's are missing (a fresh cluster without `es setup`)."""
        try:
            self.es.indices.get_index_template(name=f"{self.prefix}registry_accounts")
        except NotFoundError:
            from crawler.es.setup import apply_templates

            apply_templates(self.es, self.prefix)

    def validator(self, kind: str) -> RowValidator:
        if kind in ("terms", "candidates"):
            candidates, parties = self.known_ids()
            return validator_for(kind, self.regions, candidates, parties)
        return validator_for(kind, self.regions)

    def known_ids(self) -> tuple[set[str], set[str]]:
        """Candidate and party ids: the stored ones, or the shipped defaults when offline or empty."""
        candidates: set[str] = set()
        parties: set[str] = set()
        if self.client is not None:
            candidates = {d["_id"] for d in self._scan("candidates", source=False)}
            parties = {d["_id"] for d in self._scan("parties", source=False)}
        if not candidates:
            from crawler.registry.defaults import shipped_ids

            candidates, parties = shipped_ids()
        return candidates, parties

    def _scan(self, kind: str, query: dict[str, Any] | None = None, source: bool | list[str] = True
              ) -> Iterator[dict[str, Any]]:
        if not self.es.indices.exists(index=self.index(kind)):
            return iter(())
        body = {"query": query or {"match_all": {}}, "_source": source}
        return helpers.scan(self.es, index=self.index(kind), query=body, size=2000, preserve_order=False)

    def _mget(self, kind: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids or self.client is None:
            return {}
        try:
            response = self.es.mget(index=self.index(kind), ids=ids)
        except NotFoundError:
            return {}
        return {d["_id"]: d["_source"] for d in response["docs"] if d.get("found")}

    # -- import ---------------------------------------------------------------------------------------------
    def import_file(self, kind: str, path: Path, *, by: str, dry_run: bool = False, skip_invalid: bool = False,
                    update: bool = False, display_name: str | None = None) -> ImportReport:
        """Validate the whole file, then (unless dry_run, and only when clean or skip_invalid) write it."""
        report = ImportReport(display_name or str(path))
        if kind == "candidates":
            return self._import_candidates(path, report, by=by, dry_run=dry_run, skip_invalid=skip_invalid)
        validator = self.validator(kind)
        offline = self.client is None
        try:
            rows = read_rows(path)
            header_done = False
            with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
                batch: list[tuple[int, dict[str, Any]]] = []
                seen: dict[str, int] = {}
                seen_email: dict[str, int] = {}
                emails = {} if offline or kind != "supervisors" else self._emails()
                for row in rows:
                    if not header_done:
                        header_done = True
                        report.problems += validator.header_problems(list(row.values))
                        if report.problems:
                            report.rejected_rows = 0
                            return report
                    report.rows += 1
                    doc, problems = validator.validate(row.values)
                    if doc is not None:
                        problems += self._file_duplicates(kind, doc, row.line, seen, seen_email, emails)
                    if problems:
                        report.rejected_rows += 1
                        report.problems += [Problem(row.line, c, r) for c, r in problems]
                        continue
                    batch.append((row.line, doc))
                    if len(batch) >= BATCH:
                        self._classify(kind, batch, spool, report, by, update)
                        batch = []
                self._classify(kind, batch, spool, report, by, update)
                if dry_run or (report.problems and not skip_invalid):
                    return report
                spool.seek(0)
                self._write_spool(kind, spool)
                report.written = True
        except ReadError as exc:
            report.problems.append(Problem(exc.line, "berkas", exc.reason))
        return report

    def _emails(self) -> dict[str, str]:
        return {str(d["_source"].get("email", "")).lower(): d["_id"]
                for d in self._scan("supervisors", source=["email"])}

    @staticmethod
    def _file_duplicates(kind: str, doc: dict[str, Any], line: int, seen: dict[str, int],
                         seen_email: dict[str, int], emails: dict[str, str]) -> list[tuple[str, str]]:
        column = IDENTITY_COLUMN[kind]
        first = seen.get(doc["id"])
        if first is not None:
            return [(column, f"duplikat dalam berkas: sama dengan baris {first} ({doc['id']})")]
        seen[doc["id"]] = line
        if kind == "supervisors":
            email = doc["email"].lower()
            if email in seen_email:
                return [("email", f"duplikat dalam berkas: email sama dengan baris {seen_email[email]}")]
            seen_email[email] = line
            other = emails.get(email)
            if other is not None and other != doc["id"]:
                return [("email", f"email sudah terdaftar untuk pengawas {other}")]
        return []

    def _classify(self, kind: str, batch: list[tuple[int, dict[str, Any]]], spool: IO[str], report: ImportReport,
                  by: str, update: bool) -> None:
        if not batch:
            return
        stored = self._mget(kind, [doc["id"] for _, doc in batch])
        now = utc_now()
        for line, doc in batch:
            old = stored.get(doc["id"])
            if old is None:
                doc = self._stamp_new(doc, by, now)
                report.created += 1
            elif same_content({k: old.get(k) for k in doc}, doc):
                report.unchanged += 1
                continue
            elif not update:
                report.rejected_rows += 1
                report.problems.append(Problem(line, IDENTITY_COLUMN[kind],
                                               f"sudah terdaftar ({doc['id']}) dengan data berbeda; gunakan "
                                               f"--update untuk memperbarui"))
                continue
            else:
                doc = {**doc, "added_by": old.get("added_by") or by, "added_at": old.get("added_at") or now,
                       "updated_by": by, "updated_at": now}
                report.updated += 1
            spool.write(json.dumps(doc, ensure_ascii=False) + "\n")

    @staticmethod
    def _stamp_new(doc: dict[str, Any], by: str, now: str) -> dict[str, Any]:
        doc = dict(doc)
        doc["added_by"] = doc.get("added_by") or by
        doc["added_at"] = doc.get("added_at") or now
        doc["updated_by"] = doc.get("updated_by") or doc["added_by"]
        doc["updated_at"] = doc.get("updated_at") or doc["added_at"]
        return doc

    def _write_spool(self, kind: str, spool: IO[str]) -> None:
        index = self.index(kind)

        def actions() -> Iterator[dict[str, Any]]:
            for line in spool:
                doc = json.loads(line)
                yield {"_op_type": "index", "_index": index, "_id": doc["id"], "_source": doc}

        self.bulk(actions())

    def bulk(self, actions: Iterable[dict[str, Any]]) -> int:
        errors: list[str] = []
        count = 0
        for ok, item in helpers.streaming_bulk(self.es, actions, chunk_size=2000, max_retries=3,
                                               raise_on_error=False, raise_on_exception=True):
            count += 1
            if not ok:
                outcome = next(iter(item.values()))
                errors.append(f"{outcome.get('_id')}: {(outcome.get('error') or {}).get('reason', outcome)}")
        self.es.indices.refresh(index=f"{self.prefix}registry-*", allow_no_indices=True)
        if errors:
            raise RegistryError(f"{len(errors)} dokumen ditolak Elasticsearch (impor dapat diulang): {errors[0]}")
        return count

    # -- single records -------------------------------------------------------------------------------------
    def add(self, kind: str, values: dict[str, Any], *, by: str, update: bool = False) -> dict[str, Any]:
        """Validate one record (same rules as an import) and write it; returns the stored document."""
        validator = self.validator(kind)
        doc, problems = validator.validate({k: v for k, v in values.items() if v not in (None, "")})
        if doc is not None and kind == "supervisors":
            other = self._emails().get(doc["email"].lower())
            if other is not None and other != doc["id"]:
                problems.append(("email", f"email sudah terdaftar untuk pengawas {other}"))
        if problems or doc is None:
            raise RegistryError("; ".join(f"{c}: {r}" for c, r in problems))
        old = self.get(kind, doc["id"])
        now = utc_now()
        if old is None:
            doc = self._stamp_new(doc, by, now)
        elif same_content({k: old.get(k) for k in doc}, doc):
            return old
        elif not update:
            raise RegistryError(f"{doc['id']} sudah terdaftar dengan data berbeda; gunakan --update")
        else:
            doc = {**doc, "added_by": old.get("added_by") or by, "added_at": old.get("added_at") or now,
                   "updated_by": by, "updated_at": now}
        self.es.index(index=self.index(kind), id=doc["id"], document=doc, refresh="wait_for")
        return doc

    def get(self, kind: str, doc_id: str) -> dict[str, Any] | None:
        try:
            return dict(self.es.get(index=self.index(kind), id=doc_id)["_source"])
        except NotFoundError:
            return None

    def resolve_id(self, kind: str, ref: str) -> str:
        """An id from what an operator typed: the id itself, or (accounts) a profile URL / platform:handle."""
        ref = ref.strip()
        if kind == "accounts" and self.get(kind, ref) is None:
            platform, _, value = ref.partition(":") if not ref.lower().startswith("http") else ("", "", ref)
            try:
                found = normalise(normalise_platform(platform) if platform and value else None, value or ref)
                return account_id(found.platform, found.handle)
            except HandleError:
                return ref
        if kind == "supervisors" and "@" in ref and self.get(kind, ref) is None:
            return self._emails().get(ref.lower(), ref)
        return ref

    def remove(self, kind: str, ref: str) -> str:
        doc_id = self.resolve_id(kind, ref)
        try:
            self.es.delete(index=self.index(kind), id=doc_id, refresh="wait_for")
        except NotFoundError:
            raise RegistryError(f"{ref} tidak terdaftar") from None
        return doc_id

    def set_active(self, kind: str, ref: str, active: bool, *, by: str) -> str:
        doc_id = self.resolve_id(kind, ref)
        doc = self.get(kind, doc_id)
        if doc is None:
            raise RegistryError(f"{ref} tidak terdaftar")
        doc.update(active=active, updated_by=by, updated_at=utc_now())
        self.es.index(index=self.index(kind), id=doc_id, document=doc, refresh="wait_for")
        return doc_id

    def deactivate(self, kind: str, ref: str, *, by: str) -> str:
        return self.set_active(kind, ref, False, by=by)

    def iter_docs(self, kind: str, *, active: bool | None = None, platform: str | None = None,
                  region: str | None = None) -> Iterator[dict[str, Any]]:
        """Documents sorted by id; `region` keeps those in or below the region."""
        filters: list[dict[str, Any]] = []
        if active is not None:
            filters.append({"term": {"active": active}})
        if platform:
            filters.append({"term": {"platform": platform}})
        if region:
            field_name = {"accounts": "region_path", "supervisors": "region_codes"}.get(kind, "region_codes")
            filters.append({"term": {field_name: region}})
        query = {"bool": {"filter": filters}} if filters else None
        docs = [d["_source"] for d in self._scan(kind, query)]
        return iter(sorted(docs, key=lambda d: str(d.get("id", ""))))

    # -- what others read -----------------------------------------------------------------------------------
    def list_accounts(self, active: bool | None = True, platform: str | None = None) -> list[Account]:
        return [from_doc("accounts", d) for d in self.iter_docs("accounts", active=active, platform=platform)]

    def list_supervisors(self, active: bool = True) -> list[Supervisor]:
        return [from_doc("supervisors", d) for d in self.iter_docs("supervisors", active=active or None)]

    def find_account(self, platform: str, handle: str) -> Account | None:
        try:
            found = normalise(platform, handle)
        except HandleError:
            return None
        doc = self.get("accounts", account_id(found.platform, found.handle))
        return from_doc("accounts", doc) if doc else None

    def crawl_targets(self, platform: str | None = None) -> list[CrawlTarget]:
        """Active ASN accounts and the official pages of active candidates, each once."""
        targets: dict[tuple[str, str], CrawlTarget] = {}
        for doc in self.iter_docs("accounts", active=True, platform=platform):
            targets[(doc["platform"], doc["handle"])] = CrawlTarget(doc["platform"], doc["handle"], doc["url"],
                                                                    "asn", account_id=doc["id"])
        for doc in self.iter_docs("candidates", active=True):
            for page in doc.get("pages") or []:
                if platform and page["platform"] != platform:
                    continue
                key = (page["platform"], page["handle"])
                targets.setdefault(key, CrawlTarget(page["platform"], page["handle"], page["url"], "candidate",
                                                    candidate_id=doc["id"]))
        return sorted(targets.values(), key=lambda t: (t.platform, t.handle))

    def candidate_pages(self, active: bool | None = None) -> dict[tuple[str, str], str]:
        """(platform, handle) of every registered official page -> candidate id; `active=True`: only the pages of
        active candidates (what enrichment links posts to; a page stays registered to its candidate either way)."""
        return {(p["platform"], p["handle"]): d["id"] for d in self.iter_docs("candidates", active=active)
                for p in d.get("pages") or []}

    def lexicon(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(contests in the contests-2024.json shape, active terms in the terms.json shape) from the registry."""
        from crawler.registry.defaults import contests_document

        contests = list(self.iter_docs("contests", active=True))
        candidates = list(self.iter_docs("candidates", active=True))
        parties = list(self.iter_docs("parties", active=True))
        terms = [{k: v for k, v in t.items() if k not in ("added_by", "added_at", "updated_by", "updated_at")}
                 for t in self.iter_docs("terms", active=True)]
        return contests_document(contests, candidates, parties), terms

    # -- candidates: contests documents and official pages ----------------------------------------------------
    def _import_candidates(self, path: Path, report: ImportReport, *, by: str, dry_run: bool,
                           skip_invalid: bool) -> ImportReport:
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except (OSError, ValueError) as exc:
                report.problems.append(Problem(1, "berkas", f"JSON tidak terbaca: {exc}"))
                return report
            if isinstance(data, dict) and "contests" in data:
                return self._import_contests_document(data, report, by=by, dry_run=dry_run)
        validator = self.validator("candidates")
        existing = self.candidate_pages() if self.client is not None else {}
        seen: dict[tuple[str, str], int] = {}
        additions: dict[str, list[dict[str, str]]] = {}
        try:
            for number, row in enumerate(read_rows(path)):
                if number == 0:
                    report.problems += validator.header_problems(list(row.values))
                    if report.problems:
                        return report
                report.rows += 1
                doc, problems = validator.validate(row.values)
                if doc is not None:
                    key = (doc["platform"], doc["handle"])
                    owner = existing.get(key)
                    if key in seen:
                        problems.append(("handle", f"duplikat dalam berkas: sama dengan baris {seen[key]}"))
                    elif owner is not None and owner != doc["candidate_id"]:
                        problems.append(("handle", f"halaman ini sudah terdaftar untuk kandidat {owner}"))
                    seen.setdefault(key, row.line)
                if problems or doc is None:
                    report.rejected_rows += 1
                    report.problems += [Problem(row.line, c, r) for c, r in problems]
                    continue
                if existing.get((doc["platform"], doc["handle"])) == doc["candidate_id"]:
                    report.unchanged += 1
                    continue
                additions.setdefault(doc["candidate_id"], []).append(
                    {"platform": doc["platform"], "handle": doc["handle"], "url": doc["url"]})
        except ReadError as exc:
            report.problems.append(Problem(exc.line, "berkas", exc.reason))
            return report
        if dry_run or (report.problems and not skip_invalid):
            return report
        now = utc_now()
        for candidate_id, pages in additions.items():
            doc = self.get("candidates", candidate_id)
            if doc is None:
                raise RegistryError(f"kandidat {candidate_id} belum dimuat: jalankan `pantau candidates load`")
            doc["pages"] = list(doc.get("pages") or []) + pages
            doc.update(updated_by=by, updated_at=now)
            self.es.index(index=self.index("candidates"), id=candidate_id, document=doc)
            report.updated += len(pages)
        self.es.indices.refresh(index=self.index("candidates"))
        report.written = True
        return report

    def _import_contests_document(self, data: dict[str, Any], report: ImportReport, *, by: str,
                                  dry_run: bool) -> ImportReport:
        from crawler.registry.defaults import load_contests, records_from_contests

        validator = self.validator("candidates")
        records = records_from_contests(data)
        report.rows = sum(len(v) for v in records.values())
        party_ids = {p["id"] for p in records["parties"]} | (self.known_ids()[1])
        for number, cand in enumerate(records["candidates"], start=1):
            for party in cand["parties"] + cand["parties_supporting"]:
                if party not in party_ids:
                    report.problems.append(Problem(number, "parties", f"partai {party!r} tidak dikenal"))
            for page in cand["pages"]:
                _, problems = validator.validate({"candidate_id": cand["id"], **page})
                report.problems += [Problem(number, c, r) for c, r in problems
                                    if c != "candidate_id"]
        for contest in records["contests"]:
            if contest.get("region_code") and not self.regions.is_valid(contest["region_code"]):
                report.problems.append(Problem(0, "region_code", f"kode wilayah {contest['region_code']!r} "
                                                                 f"tidak dikenal ({contest['id']})"))
        report.rejected_rows = len({p.line for p in report.problems})
        if dry_run or report.problems:
            return report
        counts = load_contests(self.es, self.prefix, data, by)
        for kind_counts in counts.values():
            report.created += kind_counts["created"]
            report.updated += kind_counts["updated"]
            report.unchanged += kind_counts["unchanged"]
        report.written = True
        return report

    def add_page(self, candidate_id: str, platform: str | None, value: str, *, by: str) -> dict[str, str]:
        validator = self.validator("candidates")
        doc, problems = validator.validate({"candidate_id": candidate_id, "platform": platform or "",
                                            "url" if "/" in value else "handle": value})
        if problems or doc is None:
            raise RegistryError("; ".join(f"{c}: {r}" for c, r in problems))
        owner = self.candidate_pages().get((doc["platform"], doc["handle"]))
        page = {"platform": doc["platform"], "handle": doc["handle"], "url": doc["url"]}
        if owner == candidate_id:
            return page
        if owner is not None:
            raise RegistryError(f"halaman ini sudah terdaftar untuk kandidat {owner}")
        stored = self.get("candidates", candidate_id)
        if stored is None:
            raise RegistryError(f"kandidat {candidate_id} belum dimuat: jalankan `pantau candidates load`")
        stored["pages"] = list(stored.get("pages") or []) + [page]
        stored.update(updated_by=by, updated_at=utc_now())
        self.es.index(index=self.index("candidates"), id=candidate_id, document=stored, refresh="wait_for")
        return page

    def remove_page(self, candidate_id: str, value: str, *, by: str) -> None:
        stored = self.get("candidates", candidate_id)
        if stored is None:
            raise RegistryError(f"kandidat {candidate_id} tidak terdaftar")
        pages = list(stored.get("pages") or [])
        keep = [p for p in pages if value not in (p["url"], p["handle"], f"{p['platform']}:{p['handle']}")]
        if len(keep) == len(pages):
            raise RegistryError(f"halaman {value} tidak terdaftar untuk {candidate_id}")
        stored.update(pages=keep, updated_by=by, updated_at=utc_now())
        self.es.index(index=self.index("candidates"), id=candidate_id, document=stored, refresh="wait_for")
