"""Reading listing files: CSV, TSV and JSON Lines, optionally gzip-compressed, file or stdin.

:func:`open_table` detects the format, encoding and delimiter (or takes them as given), reads
the header, and returns a :class:`Table` whose ``rows`` stream one :class:`Row` at a time.
Problems of the file as a whole raise :class:`~classifier.errors.InputError` before any row is
read; problems of one row (ragged, undecodable bytes, NUL bytes, bad JSON) travel with that row
so that the caller can report it and keep going.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from .decoding import BOMS, UNICODE_HINT, sample_encoding

SAMPLE_BYTES = 1 << 20
FIELD_LIMIT = 1 << 30            # csv's default 128 KiB limit would stop the run on one long field


class CountingReader(io.RawIOBase):
    """A raw stream that counts the bytes read through it (for progress by bytes)."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n

    def close(self):
        self.raw.close()
        super().close()


@dataclass
class Row:
    """One data row: its number (1 = first row after the header), values and any problem."""

    number: int
    values: list[str] | dict
    problems: list[str] = field(default_factory=list)


@dataclass
class Table:
    source: str
    format: str
    encoding: str
    delimiter: str
    columns: list[str]
    rows: Iterator[Row]
    size: int | None            # bytes on disk, for progress; None for stdin
    counter: CountingReader

    @property
    def bytes_read(self) -> int:
        return self.counter.count


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"GIF8", b"\xff\xd8\xff")):
        return True
    head = sample[:8192]
    has_bom = head.startswith(tuple(bom for bom, _ in BOMS))  # UTF-16/32 text is full of NULs
    return bool(head) and head.count(b"\x00") > len(head) // 100 and not has_bom


def _format_for(name: str, given: str | None, text_sample: str) -> str:
    if given:
        return given
    suffixes = [s.lower() for s in Path(name).suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".tsv" or suffix == ".tab":
        return "tsv"
    if suffix == ".csv":
        return "csv"
    return "jsonl" if text_sample.lstrip().startswith("{") else "csv"


def _sniff_delimiter(text_sample: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    head = "\n".join(text_sample.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _open_binary(path, name: str | None = None) -> tuple[io.BufferedReader, CountingReader, int | None, str]:
    if hasattr(path, "read"):  # a binary stream the caller opened
        counter = CountingReader(path)
        size, source = None, name or "<stream>"
    elif path == "-":
        counter = CountingReader(sys.stdin.buffer)
        size, source = None, "<stdin>"
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{path}: is a directory; give a CSV, TSV or JSONL file.")
        try:
            counter = CountingReader(p.open("rb"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such file; check the path.") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read the file ({exc.strerror}); check its permissions.") from None
        size, source = p.stat().st_size, path
    stream = io.BufferedReader(counter, buffer_size=SAMPLE_BYTES)
    if stream.peek(2)[:2] == b"\x1f\x8b":
        stream = io.BufferedReader(gzip.GzipFile(fileobj=stream), buffer_size=SAMPLE_BYTES)
    return stream, counter, size, source


_SURROGATE_RE = re.compile("[\udc80-\udcff]")


def _repair(value: str) -> tuple[str, bool]:
    """Undecodable bytes (kept as surrogates) re-read as cp1252, so the row is still written."""
    if not value.isascii() and _SURROGATE_RE.search(value):
        raw = value.encode("utf-8", "surrogateescape")
        return raw.decode("cp1252", errors="replace"), True
    return value, False


def open_table(path, *, fmt: str | None = None, delimiter: str | None = None,
               encoding: str | None = None, name: str | None = None) -> Table:
    """Open a listing file (a path, ``-`` for stdin, or a binary stream named ``name`` in
    messages) and read its header; rows are read lazily from ``table.rows``."""
    stream, counter, size, source = _open_binary(path, name)
    try:
        sample = stream.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    except (OSError, EOFError) as exc:
        raise InputError(f"{source}: cannot read the file ({exc}); is it a complete .gz file?") from None
    if not sample.strip():
        raise InputError(f"{source}: the file is empty; give a file with a header row and listings.")
    if _looks_binary(sample):
        raise InputError(f"{source}: this is not a table (it looks like a binary file); give a CSV, "
                         "TSV or JSONL file.")
    if encoding:
        try:
            "".encode(encoding)
        except LookupError:
            raise InputError(f"{source}: unknown encoding {encoding!r}; try utf-8 or cp1252.") from None
    else:
        encoding = sample_encoding(sample, source, complete=len(sample) < SAMPLE_BYTES)
    text_sample = sample.decode(encoding, errors="replace")
    fmt = _format_for(source if path != "-" and not hasattr(path, "read") else "", fmt, text_sample)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    if fmt == "jsonl":
        columns, rows = _jsonl(text, source)
        delimiter = ""
    else:
        delimiter = delimiter or _sniff_delimiter(text_sample, fmt)
        columns, rows = _csv(text, source, delimiter)
    return Table(source, fmt, encoding, delimiter, columns, rows, size, counter)


def _csv(text, source: str, delimiter: str):
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{source}: the file is empty; give a file with a header row and listings.") from None
    except csv.Error as exc:
        raise InputError(f"{source}: the header row cannot be read as CSV ({exc}).") from None
    header = [_repair(h)[0].lstrip("\ufeff").strip() for h in header]
    if not any(header):
        raise InputError(f"{source}: the first row is empty; the first row must name the columns.")
    width = len(header)

    def rows():
        number = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield Row(number, [""] * width, [f"the row cannot be parsed as CSV ({exc})"])
                continue
            number += 1
            if not values:
                continue  # a blank line is not a row
            problems = []
            repaired = [_repair(v) for v in values]
            values = [v for v, _ in repaired]
            bad = [header[i] if i < width else f"#{i + 1}" for i, (_, b) in enumerate(repaired) if b]
            if bad:
                problems.append(f"undecodable bytes in column {', '.join(bad)} (read as cp1252); "
                                f"{UNICODE_HINT}")
            if len(values) < width:
                problems.append(f"the row has {len(values)} fields, the header has {width}; "
                                "the missing cells were left empty")
                values = values + [""] * (width - len(values))
            elif len(values) > width:
                extra = len(values) - width
                problems.append(f"the row has {len(values)} fields, the header has {width}; the "
                                f"{extra} extra field(s) were joined into column {header[-1]!r}")
                values = values[:width - 1] + [delimiter.join(values[width - 1:])]
            yield Row(number, values, problems)

    return header, rows()


def _jsonl(text, source: str):
    lines = iter(text)
    buffered = []
    columns: list[str] = []
    for line in lines:
        buffered.append(line)
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{source}: the first line is not valid JSON ({exc.msg}); give "
                                 "one JSON object a line, or a CSV file.") from None
            if not isinstance(obj, dict):
                raise InputError(f"{source}: the first line is not a JSON object; give one object a line.")
            columns = list(obj)
            break
    if not columns:
        raise InputError(f"{source}: the file has no JSON objects.")

    def rows():
        number = 0
        for line in _chain(buffered, lines):
            if not line.strip():
                continue
            number += 1
            fixed, bad = _repair(line)
            problems = [f"undecodable bytes (read as cp1252); {UNICODE_HINT}"] if bad else []
            try:
                obj = json.loads(fixed)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except (json.JSONDecodeError, ValueError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                yield Row(number, {"pmrole_input": fixed.rstrip("\r\n")},
                          problems + [f"the line is not a JSON object ({msg})"])
                continue
            yield Row(number, obj, problems)

    return columns, rows()


def _chain(first, rest):
    yield from first
    yield from rest
