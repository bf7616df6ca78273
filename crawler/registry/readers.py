"""Streaming readers for registry imports: CSV (comma, semicolon or tab; UTF-8 with or without BOM, Windows-1252
as a fallback), XLSX (first sheet) and JSON (an array, an object holding one, or JSON Lines).

Each yields `Row(line, values)` where `line` is the spreadsheet row number (the header is line 1; a quoted cell
spanning several physical lines is still one row) or, for JSON, the line where the object starts. Column names are
lower-cased with spaces and dashes turned into underscores. Nothing is loaded whole except JSON arrays.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class ReadError(ValueError):
    """The file cannot be read at all; `line` is where (0 when unknown)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass
class Row:
    line: int
    values: dict[str, Any]


def column_key(name: Any) -> str:
    text = str(name if name is not None else "").strip().lstrip("\ufeff").lower()
    text = re.sub(r"\s*\(.*?\)\s*", "", text)  # "Handle (akun)" -> "handle"
    return re.sub(r"[\s\-/]+", "_", text).strip("_")


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    if suffix in (".csv", ".txt", ".tsv", ""):
        return "csv"
    raise ReadError(0, f"format berkas {suffix!r} tidak didukung: gunakan .csv, .xlsx atau .json")


def read_rows(path: Path) -> Iterator[Row]:
    fmt = file_format(path)
    if fmt == "xlsx":
        return _xlsx_rows(path)
    if fmt == "json":
        return _json_rows(path)
    return _csv_rows(path)


def header_of(path: Path) -> list[str]:
    """The column keys of a tabular file (JSON: the union of keys of its first 1000 objects)."""
    keys: list[str] = []
    for i, row in enumerate(read_rows(path)):
        for key in row.values:
            if key not in keys:
                keys.append(key)
        if file_format(path) != "json" or i >= 1000:
            break
    return keys


# -- CSV -----------------------------------------------------------------------------------------------------
def _encoding(path: Path) -> str:
    """utf-8-sig when the whole file decodes as UTF-8 (checked in chunks), else cp1252 (old Excel CSV)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            logger.warning("%s is not UTF-8; reading it as Windows-1252", path.name)
            return "cp1252"
    return "utf-8-sig"


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> Iterator[Row]:
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        if first.startswith("\ufeff"):
            first = first[1:]
        if first.lower().startswith("sep="):  # Excel's delimiter hint line
            delimiter = first[4:5] or ","
            handle.readline()
            offset = 1
        else:
            delimiter = _sniff_delimiter(first)
            offset = 0
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise ReadError(1 + offset, f"baris judul tidak terbaca: {exc}") from None
        if not header:
            return
        keys = [column_key(h) for h in header]
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ReadError(line + 1, f"CSV rusak: {exc}") from None
            line += 1
            if not any(c.strip() for c in cells):
                continue
            values: dict[str, Any] = {}
            for i, cell in enumerate(cells):
                key = keys[i] if i < len(keys) else f"_extra{i + 1}"
                if key:
                    values[key] = cell
            yield Row(line, values)


# -- XLSX ----------------------------------------------------------------------------------------------------
def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path) -> Iterator[Row]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ReadError(0, f"berkas XLSX tidak terbaca ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            return
        keys = [column_key(h) for h in header]
        for line, cells in enumerate(rows, start=2):
            if not any(c not in (None, "") and str(c).strip() for c in cells):
                continue
            values: dict[str, Any] = {}
            for i, cell in enumerate(cells):
                key = keys[i] if i < len(keys) else f"_extra{i + 1}"
                if key and (cell is not None or key not in values):
                    values[key] = _cell_text(cell)
            yield Row(line, values)
    finally:
        book.close()


# -- JSON ----------------------------------------------------------------------------------------------------
def _json_rows(path: Path) -> Iterator[Row]:
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if not stripped:
        return
    if stripped[0] == "{" and path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _jsonl(text)
        return
    decoder = json.JSONDecoder()
    start = len(text) - len(stripped)
    if stripped[0] == "{":
        try:
            whole, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            raise ReadError(exc.lineno, f"JSON rusak: {exc.msg}") from None
        if text[end:].strip():  # several objects: JSON Lines without the extension
            yield from _jsonl(text)
            return
        lists = [k for k, v in whole.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if not lists:
            yield Row(text.count("\n", 0, start) + 1, _keyed(whole))
            return
        key = lists[0]
        marker = text.find(f'"{key}"', start)
        start = text.find("[", marker)
    elif stripped[0] != "[":
        raise ReadError(1, "JSON harus berupa daftar objek ([...]) atau JSON Lines")
    pos = start + 1
    line = text.count("\n", 0, pos) + 1
    length = len(text)
    while pos < length:
        while pos < length and text[pos] in " \t\r\n,":
            if text[pos] == "\n":
                line += 1
            pos += 1
        if pos >= length or text[pos] == "]":
            return
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ReadError(exc.lineno, f"JSON rusak: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ReadError(line, "setiap elemen JSON harus berupa objek")
        yield Row(line, _keyed(obj))
        line += text.count("\n", pos, end)
        pos = end
    raise ReadError(line, "JSON rusak: ']' penutup tidak ada")


def _jsonl(text: str) -> Iterator[Row]:
    for line, raw in enumerate(io.StringIO(text), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ReadError(line, f"JSON rusak: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ReadError(line, "setiap baris JSON Lines harus berupa objek")
        yield Row(line, _keyed(obj))


def _keyed(obj: dict[str, Any]) -> dict[str, Any]:
    return {column_key(k): v for k, v in obj.items()}
