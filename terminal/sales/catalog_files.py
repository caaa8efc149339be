"""Reading a catalog file: its encoding, its CSV records (csv module) or JSON items, each with its position."""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from terminal.errors import CatalogError

ACCEPTED = "UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030 (which includes GBK and GB2312)"
SAVE_AS = "save it as UTF-8 (Excel: Save As, \"CSV UTF-8\")"
# Read as GB18030, a latin-1 "Crème" is "Cr鑝e": one Chinese character inside a Latin word (or a private-use
# character, from GB18030's user-defined areas) betrays a file in another encoding.
_MISREAD = re.compile(r"\w*[A-Za-z][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][A-Za-z]\w*|[\ue000-\uf8ff]")


@dataclass(frozen=True)
class Record:
    """One item as read: its row (CSV, the header is row 1) or position (JSON, from 1), and first line."""

    number: int
    line: int
    values: Mapping[str, Any]


def _line(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _refuse(path: Path, what: str) -> CatalogError:
    return CatalogError(f"{path}: {what}; a catalog must be {ACCEPTED}: {SAVE_AS}")


def decode(path: Path, raw: bytes) -> str:
    """The file's text: by BOM (UTF-8, UTF-16), else UTF-8, else GB18030; CatalogError naming what is accepted."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = ""
    try:
        text = raw.decode(encoding or "utf-8")
    except UnicodeDecodeError as err:
        if encoding:
            raise _refuse(path, f"line {_line(raw, err.start)}: not valid {'UTF-16' if '16' in encoding else 'UTF-8'} "
                                "although the file starts with its byte-order mark") from None
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise _refuse(path, f"line {_line(raw, err.start)}: byte 0x{raw[err.start]:02X} is not text in "
                                "any encoding the catalog accepts") from None
        misread = _MISREAD.search(text)
        if misread:
            line = text.count("\n", 0, misread.start()) + 1
            raise _refuse(path, f"line {line}: read as GB18030 this is {misread.group()!r}, Chinese inside a "
                                "Latin word: the file is probably latin-1 or Windows-1252, not accepted") from None
    if "\x00" in text:
        raise _refuse(path, "it has NUL characters: probably UTF-16 without a byte-order mark")
    return text


def csv_records(path: Path, text: str, fields: tuple[str, ...]) -> Iterator[Record]:
    """The data rows of a CSV (or tab-separated) text, by the csv module; quoted newlines kept, blank rows skipped."""
    first = text.partition("\n")[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","  # Excel's "Unicode Text" is tab-separated
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)  # strict: unclosed quotes
    header = [name.strip() for name in next(reader, [])]
    missing = [f for f in fields if f not in header]
    if missing:
        raise CatalogError(f"{path}: missing column(s) {', '.join(missing)}")
    number = 1
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise CatalogError(f"{path} row {number + 1} (line {line}): {err} (a value that starts with a double "
                               "quote must end with one; a quote inside it is written twice)") from err
        number += 1
        if not any(value.strip() for value in values):
            continue
        if len(values) < len(header):
            absent = ", ".join(header[len(values):])
            raise CatalogError(f"{path} row {number}: {len(values)} fields where the header has {len(header)} "
                               f"(missing: {absent})")
        if any(value.strip() for value in values[len(header):]):
            raise CatalogError(f"{path} row {number}: {len(values)} fields where the header has {len(header)} "
                               "(a value with a comma, such as a name, must be in double quotes)")
        yield Record(number, line, dict(zip(header, values, strict=True)))


def json_records(path: Path, text: str) -> Iterator[Record]:
    """The items of a JSON catalog (a list, or {"items": [...]}); numbers are kept exact as Decimal."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as err:
        raise CatalogError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err
    rows = data.get("items") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise CatalogError(f"{path}: expected a list of items or {{\"items\": [...]}}")
    for number, row in enumerate(rows, start=1):
        yield Record(number, number, row)


def read_records(path: Path, fields: tuple[str, ...]) -> Iterator[Record]:
    """The records of a CSV or JSON catalog file, decoded whatever its accepted encoding."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CatalogError(f"cannot read catalog {path}: {err.strerror}") from err
    text = decode(path, raw)
    if path.suffix.lower() == ".json":
        return json_records(path, text)
    return csv_records(path, text, fields)
