"""Content-addressed evidence store: raw responses (gzip) and screenshots (PNG), named by their SHA-256.

Layout under `PANTAU_HOME/evidence/`: `raw/ab/abcdef....gz` and `screenshots/ab/abcdef....png`. The hash is of the
original bytes (what the platform sent, what the browser drew), so a supervisor can verify a file against the
hash printed in a digest. Writes are atomic and idempotent: the same content is stored once.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class StoredEvidence:
    sha256: str
    path: str  # relative to the store root
    size: int


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _write(self, relative: Path, data: bytes) -> None:
        target = self.root / relative
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)

    def put_raw(self, body: bytes) -> StoredEvidence:
        """Keep a raw response body, gzip-compressed, under its SHA-256."""
        sha = hashlib.sha256(body).hexdigest()
        relative = Path("raw") / sha[:2] / f"{sha}.gz"
        self._write(relative, gzip.compress(body, mtime=0))
        return StoredEvidence(sha, relative.as_posix(), len(body))

    def put_screenshot(self, png: bytes) -> StoredEvidence:
        if not png.startswith(PNG_SIGNATURE):
            raise ValueError("screenshot is not a PNG image")
        sha = hashlib.sha256(png).hexdigest()
        relative = Path("screenshots") / sha[:2] / f"{sha}.png"
        self._write(relative, png)
        return StoredEvidence(sha, relative.as_posix(), len(png))

    def read_raw(self, sha256: str) -> bytes:
        return gzip.decompress((self.root / "raw" / sha256[:2] / f"{sha256}.gz").read_bytes())

    def verify(self, relative_path: str, sha256: str) -> bool:
        data = (self.root / relative_path).read_bytes()
        if relative_path.endswith(".gz"):
            data = gzip.decompress(data)
        return hashlib.sha256(data).hexdigest() == sha256
