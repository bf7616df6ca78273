"""Registry import benchmark: 100,000 generated ASN accounts (CSV) through `RegistryStore.import_file`.

Target: the whole import (streaming validation, duplicate checks against the stored registry, bulk writes) under
60 s, with flat memory. Baseline: plain `helpers.bulk` of the same (already normalised) documents in the same run.
Usage: python bench/registry.py [--rows N]   (ES_URL to use a running cluster, else a local server is started)
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import elasticsearch_url, report

TARGET_SECONDS = 60.0
PLATFORMS = [("x", "https://x.com/{h}"), ("instagram", "@{h}"), ("tiktok", "https://www.tiktok.com/@{h}"),
             ("telegram", "t.me/{h}"), ("facebook", "https://www.facebook.com/{h}"), ("threads", "@{h}")]


def generate(path: Path, rows: int, codes: list[str]) -> None:
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write("\ufeffplatform;akun;nama;nip;instansi;jabatan;kode_wilayah;catatan\n")
        for i in range(rows):
            platform, pattern = PLATFORMS[i % len(PLATFORMS)]
            handle = f"asn{i:07d}x"
            nip = f"19{rnd.randint(60, 90)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}" \
                  f"20{rnd.randint(10, 20)}{rnd.randint(1, 12):02d}{rnd.randint(1, 2)}{rnd.randint(1, 999):03d}"
            out.write(f"{platform};{pattern.format(h=handle)};Pegawai {i};{nip};Dinas {i % 40};Staf;"
                      f"{codes[i % len(codes)]};\n")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    from elasticsearch import helpers

    from crawler.es.client import EsConfig, make_client
    from crawler.es.setup import apply_templates
    from crawler.regions import Regions
    from crawler.registry.store import RegistryStore

    url, server = elasticsearch_url()
    client = make_client(EsConfig(url=url, timeout=120))
    prefix = f"bench-{uuid.uuid4().hex[:8]}-"
    try:
        apply_templates(client, prefix)
        regions = Regions.load()
        codes = regions.codes("kabupaten_kota")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "accounts.csv"
            generate(path, args.rows, codes)
            mb_before = peak_mb()
            store = RegistryStore(client, prefix, regions)
            start = time.perf_counter()
            result = store.import_file("accounts", path, by="bench")
            seconds = time.perf_counter() - start
            mb_after = peak_mb()
            if not result.ok or result.created != args.rows:
                print(f"import failed: {result.summary()} {result.lines()[:3]}", file=sys.stderr)
            again_start = time.perf_counter()
            again = store.import_file("accounts", path, by="bench")
            again_seconds = time.perf_counter() - again_start

            docs = list(store.iter_docs("accounts"))
            baseline_index = f"{prefix}registry-accounts-baseline"
            client.indices.create(index=baseline_index,
                                  mappings=client.indices.get_mapping(index=store.index("accounts"))
                                  [store.index("accounts")]["mappings"])
            b_start = time.perf_counter()
            helpers.bulk(client, ({"_index": baseline_index, "_id": d["id"], "_source": d} for d in docs),
                         chunk_size=2000)
            client.indices.refresh(index=baseline_index)
            b_seconds = time.perf_counter() - b_start
        rate = args.rows / seconds
        baseline_rate = len(docs) / b_seconds if b_seconds else 0.0
        print(f"import of {args.rows} accounts: {seconds:.1f} s ({rate:.0f} rows/s), {result.summary()}")
        print(f"re-import (all unchanged): {again_seconds:.1f} s, {again.summary()}")
        print(f"baseline helpers.bulk of the same {len(docs)} documents: {b_seconds:.1f} s ({baseline_rate:.0f}/s)")
        print(f"peak RSS {mb_after:.0f} MB (before import {mb_before:.0f} MB)")
        met = seconds < TARGET_SECONDS and result.ok and result.created == args.rows and again.unchanged == args.rows
        report("registry", rate, baseline_rate, TARGET_SECONDS, met, seconds=round(seconds, 2),
               peak_mb=round(mb_after, 1), peak_mb_before_import=round(mb_before, 1), rows=args.rows,
               reimport_seconds=round(again_seconds, 2))
    finally:
        client.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)
        for tpl in client.indices.get_index_template(name=f"{prefix}*").get("index_templates", []):
            client.indices.delete_index_template(name=tpl["name"])
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
