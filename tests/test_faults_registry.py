"""Fault: registry imports with bad rows in the middle of a large file (more rows than one validation batch).
Nothing is half-written: every bad row is named, the registry stays as it was, the fixed file imports fully."""
from __future__ import annotations

from pathlib import Path

from crawler.es.setup import apply_templates
from crawler.registry.store import RegistryStore
from faults_support import pantau, pantau_env

ROWS = 1_500  # more than crawler.registry.store.BATCH: earlier batches are validated before the bad rows are met


def account_rows() -> list[str]:
    return [f"telegram;pegawai_{n:04d};Pegawai {n};Dinas {n % 7};Staf;32.04\n" for n in range(ROWS)]


def test_bad_rows_in_the_middle_write_nothing(es_client, es_url: str, index_prefix: str,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    apply_templates(es_client, index_prefix)
    store = RegistryStore(es_client, index_prefix)
    env = pantau_env(es_url, index_prefix, tmp_path / "home")
    header = "platform;akun;nama;instansi;jabatan;kode_wilayah\n"
    rows = account_rows()
    bad = list(rows)
    bad[1_200] = "telegram;pegawai_x1;Pegawai X;Dinas;Staf;32.99\n"  # spreadsheet line 1202
    bad[1_201] = "telegram;pegawai_x2;;Dinas;Staf;32.04\n"  # line 1203
    path = tmp_path / "akun.csv"
    path.write_text(header + "".join(bad), encoding="utf-8")

    for extra in ((), ("--dry-run",)):
        result = pantau(env, "accounts", "import", str(path), *extra)
        assert result.returncode == 1, result.output
        problems = [ln for ln in result.output.splitlines() if ln.startswith(f"{path}:")]
        assert problems[0].startswith(f"{path}:1202: region_code: "), result.output
        assert problems[1].startswith(f"{path}:1203: name: "), result.output
        assert len(problems) == 2
        assert list(store.iter_docs("accounts")) == []

    supervisors = tmp_path / "pengawas.csv"
    supervisors.write_text("name;email;region_codes\nBawaslu Jabar;jabar@bawaslu.contoh.id;32\n"
                           "Bawaslu Salah;bukan-email;32\nBawaslu Banten;banten@bawaslu.contoh.id;36\n",
                           encoding="utf-8")
    result = pantau(env, "supervisors", "import", str(supervisors))
    assert result.returncode == 1 and f"{supervisors}:3: email: " in result.output, result.output
    assert list(store.iter_docs("supervisors")) == []

    # the fixed file imports every row, once
    path.write_text(header + "".join(rows), encoding="utf-8")
    result = pantau(env, "accounts", "import", str(path))
    assert result.returncode == 0, result.output
    ids = sorted(d["id"] for d in store.iter_docs("accounts"))
    assert ids == sorted(f"telegram:pegawai_{n:04d}" for n in range(ROWS))
