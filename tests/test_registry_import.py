"""Registry imports against a real Elasticsearch: bad-row messages, all-or-nothing, --skip-invalid, idempotent
re-import, round-trip export, readers (CSV ; and , with BOM, XLSX, JSON) and the CLI exit status."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.es.setup import apply_templates
from crawler.registry.defaults import load_defaults
from crawler.registry.store import RegistryStore

HEADER = "platform;akun;nama;nip;instansi;jabatan;kode_wilayah;catatan\n"
GOOD = [
    "x;@Budi_S;Budi Santoso;19850312 201001 1 002;Dinas Pendidikan;Guru;32.04;\n",
    "instagram;https://www.instagram.com/siti.a/;Siti A;;Dinas Kesehatan;Perawat;3204;catatan\n",
]


def write(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.fixture
def store(es_client, index_prefix) -> RegistryStore:  # type: ignore[no-untyped-def]
    apply_templates(es_client, index_prefix)
    return RegistryStore(es_client, index_prefix)


def count(store: RegistryStore, kind: str) -> int:
    return len(list(store.iter_docs(kind)))


BAD_ROWS = [
    ("myspace;abc;X;;;;32;\n", "platform", "platform 'myspace' tidak dikenal"),
    ("x;@abc;X;;;;32.99;\n", "region_code", "kode wilayah '32.99' tidak dikenal"),
    ("x;@abc;X;;;;3.2;\n", "region_code", "tidak valid"),
    ("x;https://x .com/abc;X;;;;32;\n", "handle", "tidak valid"),
    ("x;https://instagram.com/abc;X;;;;32;\n", "handle", "bukan milik platform x"),
    ("x;http://192.168.0.1/abc;X;;;;32;\n", "handle", "alamat IP"),
    ("x;@abc;X;123;;;32;\n", "nip", "NIP harus 18 angka"),
    ("x;@abc;X;198513122010011002;;;32;\n", "nip", "tanggal lahir"),
    ("x;@abc;;;;;32;\n", "name", "nama wajib diisi"),
]


@pytest.mark.parametrize("row,column,reason", BAD_ROWS)
def test_each_bad_row_is_named(store: RegistryStore, tmp_path: Path, row: str, column: str, reason: str) -> None:
    path = write(tmp_path / "akun.csv", HEADER + GOOD[0] + row)
    report = store.import_file("accounts", path, by="t", display_name="akun.csv")
    assert len(report.problems) == 1, report.lines()
    line = report.lines()[0]
    assert line.startswith(f"akun.csv:3: {column}: ")
    assert reason in line
    assert not report.written and count(store, "accounts") == 0  # all-or-nothing


def test_duplicate_in_file_and_of_existing(store: RegistryStore, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", HEADER + GOOD[0] + "twitter;https://twitter.com/budi_s;Budi;;;;32;\n")
    report = store.import_file("accounts", path, by="t", display_name="a.csv")
    assert report.lines() == ["a.csv:3: handle: duplikat dalam berkas: sama dengan baris 2 (x:budi_s)"]
    assert store.import_file("accounts", write(tmp_path / "b.csv", HEADER + GOOD[0]), by="t").ok
    changed = write(tmp_path / "c.csv", HEADER + GOOD[0].replace("Guru", "Kepala Sekolah"))
    report = store.import_file("accounts", changed, by="t", display_name="c.csv")
    assert len(report.problems) == 1 and "c.csv:2: handle: sudah terdaftar (x:budi_s)" in report.lines()[0]
    assert store.get("accounts", "x:budi_s")["position"] == "Guru"
    report = store.import_file("accounts", changed, by="u", update=True)
    assert report.ok and report.updated == 1
    doc = store.get("accounts", "x:budi_s")
    assert (doc["position"], doc["added_by"], doc["updated_by"]) == ("Kepala Sekolah", "t", "u")


def test_skip_invalid_imports_good_rows(store: RegistryStore, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", HEADER + GOOD[0] + BAD_ROWS[0][0] + GOOD[1])
    report = store.import_file("accounts", path, by="t", skip_invalid=True)
    assert report.written and report.created == 2 and report.rejected_rows == 1
    assert sorted(d["id"] for d in store.iter_docs("accounts")) == ["instagram:siti.a", "x:budi_s"]


def test_idempotent_reimport_and_stamps(store: RegistryStore, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", HEADER + "".join(GOOD), bom=True)
    first = store.import_file("accounts", path, by="operator-a")
    assert first.ok and first.created == 2
    doc = store.get("accounts", "x:budi_s")
    assert doc["nip"] == "198503122010011002" and doc["region_path"] == ["32", "32.04"]
    assert doc["added_by"] == "operator-a" and doc["added_at"]
    second = store.import_file("accounts", path, by="operator-b")
    assert second.ok and (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert store.get("accounts", "x:budi_s") == doc
    assert count(store, "accounts") == 2


def test_export_round_trip_through_cli(store: RegistryStore, tmp_path: Path, pantau_env: dict) -> None:
    runner = CliRunner()
    src = write(tmp_path / "a.csv", HEADER + "".join(GOOD))
    result = runner.invoke(cli, ["accounts", "import", str(src), "--by", "ana"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["accounts", "list"])
    assert "198503122010011002" not in listed.output and "19**************02" in listed.output
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"export.{fmt}"
        assert runner.invoke(cli, ["accounts", "export", str(out)]).exit_code == 0
        before = sorted(store.iter_docs("accounts"), key=lambda d: d["id"])
        for doc in before:
            store.remove("accounts", doc["id"])
        assert count(store, "accounts") == 0
        result = runner.invoke(cli, ["accounts", "import", str(out), "--by", "zed"])
        assert result.exit_code == 0, result.output
        assert sorted(store.iter_docs("accounts"), key=lambda d: d["id"]) == before


def test_cli_exit_status_and_dry_run(tmp_path: Path, pantau_env: dict, store: RegistryStore) -> None:
    runner = CliRunner()
    bad = write(tmp_path / "bad.csv", HEADER + GOOD[0] + BAD_ROWS[1][0])
    result = runner.invoke(cli, ["accounts", "import", str(bad), "--dry-run"])
    assert result.exit_code == 1
    assert f"{bad}:3: region_code: kode wilayah '32.99' tidak dikenal" in result.output
    good = write(tmp_path / "good.csv", HEADER + GOOD[0])
    assert runner.invoke(cli, ["accounts", "import", str(good), "--dry-run"]).exit_code == 0
    assert count(store, "accounts") == 0
    assert runner.invoke(cli, ["accounts", "import", str(bad)]).exit_code == 1
    assert count(store, "accounts") == 0
    assert runner.invoke(cli, ["accounts", "import", str(bad), "--skip-invalid"]).exit_code == 1
    assert count(store, "accounts") == 1


def test_readers_comma_xlsx_json_and_unknown_column(store: RegistryStore, tmp_path: Path) -> None:
    comma = write(tmp_path / "c.csv", 'Platform,Handle,Name,Region Code,Notes\nx,@a_b,"Nama, Gelar",32,"baris\ndua"\n'
                  "tiktok,https://www.tiktok.com/@c.d,C,3204,\n")
    report = store.import_file("accounts", comma, by="t", dry_run=True)
    assert report.ok and report.rows == 2
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["platform", "akun", "nama", "nip", "kode_wilayah"])
    sheet.append(["x", "@e_f", "E", 198503122010011002, 3204])
    sheet.append([None, None, None, None, None])
    sheet.append(["x", "@g", "G", None, "99"])
    book.save(tmp_path / "a.xlsx")
    report = store.import_file("accounts", tmp_path / "a.xlsx", by="t", display_name="a.xlsx")
    assert report.lines() == ["a.xlsx:4: region_code: kode wilayah '99' tidak dikenal (Kemendagri)"]
    data = [{"platform": "x", "handle": "@h_i", "name": "H", "region_code": "32"},
            {"platform": "x", "handle": "@h_i", "name": "H2", "region_code": "32"}]
    (tmp_path / "a.json").write_text(json.dumps(data, indent=1))
    report = store.import_file("accounts", tmp_path / "a.json", by="t", display_name="a.json")
    assert report.lines() == ["a.json:8: handle: duplikat dalam berkas: sama dengan baris 2 (x:h_i)"]
    typo = write(tmp_path / "t.csv", "platform;akun;nama;kode_wilayah;jabtan\nx;@a;A;32;Guru\n")
    report = store.import_file("accounts", typo, by="t", display_name="t.csv")
    assert report.lines() == ["t.csv:1: jabtan: kolom tidak dikenal"]


def test_supervisors(store: RegistryStore, tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "name;email;region_codes;timezone;digest_time\n"
                 "Bawaslu Sulsel;Sulsel@Bawaslu.go.id;73,73.71;;\n"
                 "Bawaslu Papua;papua@bawaslu.go.id;94;;6.30\n"
                 "Salah;bukan-email;32;;\n"
                 "Salah2;x@y.id;32;WIX;25:00\n"
                 "Dup;sulsel@bawaslu.go.id;32;;\n")
    report = store.import_file("supervisors", path, by="t", display_name="s.csv")
    assert report.lines() == [
        "s.csv:4: email: email 'bukan-email' tidak valid",
        "s.csv:5: timezone: zona waktu 'WIX' tidak dikenal (WIB, WITA atau WIT)",
        "s.csv:5: digest_time: jam '25:00' tidak valid (HH:MM)",
        "s.csv:6: handle: duplikat dalam berkas: sama dengan baris 2 (sulsel@bawaslu.go.id)".replace("handle", "email"),
    ]
    report = store.import_file("supervisors", path, by="t", skip_invalid=True)
    sups = {s.id: s for s in store.list_supervisors()}
    assert set(sups) == {"sulsel@bawaslu.go.id", "papua@bawaslu.go.id"}
    s = sups["sulsel@bawaslu.go.id"]
    assert (s.timezone, s.iana_timezone, s.digest_time, s.language, s.region_codes) == (
        "WITA", "Asia/Makassar", "07:00", "id", ["73", "73.71"])
    assert (sups["papua@bawaslu.go.id"].timezone, sups["papua@bawaslu.go.id"].digest_time) == ("WIT", "06:30")


def test_defaults_targets_and_lexicon(store: RegistryStore, es_client, index_prefix: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = load_defaults(es_client, index_prefix)
    assert first["candidates"]["created"] >= 10 and first["parties"]["created"] == 24
    again = load_defaults(es_client, index_prefix)
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values())
    page = store.add_page("pilpres-2024-02", None, "https://twitter.com/Prabowo", by="t")
    assert page == {"platform": "x", "handle": "prabowo", "url": "https://x.com/prabowo"}
    load_defaults(es_client, index_prefix)  # keeps registered pages
    pages = write(tmp_path / "p.csv", "candidate_id,url\npilpres-2024-01,https://www.instagram.com/aniesbaswedan/\n"
                  "pilpres-2024-03,https://x.com/prabowo\nbukan-kandidat,https://x.com/abc\n"
                  "pilpres-2024-01,http://10.0.0.5/\n")
    report = store.import_file("candidates", pages, by="t", display_name="p.csv")
    assert report.lines() == ["p.csv:3: handle: halaman ini sudah terdaftar untuk kandidat pilpres-2024-02",
                              "p.csv:4: candidate_id: kandidat 'bukan-kandidat' tidak terdaftar",
                              "p.csv:5: url: alamat IP '10.0.0.5' ditolak: hanya nama domain publik yang boleh"]
    store.import_file("accounts", write(tmp_path / "a.csv", HEADER + "".join(GOOD)), by="t")
    targets = store.crawl_targets()
    assert [(t.platform, t.handle, t.role) for t in targets] == [
        ("instagram", "siti.a", "asn"), ("x", "budi_s", "asn"), ("x", "prabowo", "candidate")]
    assert store.crawl_targets("x")[1].candidate_id == "pilpres-2024-02"
    contests, terms = store.lexicon()
    assert {c["id"] for c in contests["contests"]} >= {"pilpres-2024", "pilgub-jabar-2024"}
    assert len(contests["parties"]) == 24 and "PAN" in contests["ambiguous_party_aliases"]
    assert terms and all("added_by" not in t for t in terms)
    store.deactivate("accounts", "https://x.com/budi_s", by="t")
    assert [t.handle for t in store.crawl_targets("x")] == ["prabowo"]
    assert store.find_account("x", "https://twitter.com/BUDI_S").active is False
