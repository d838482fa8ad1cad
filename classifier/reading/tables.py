"""Reading listing files: CSV, TSV and JSON Lines, optionally gzip-compressed, file or stdin.

:func:`open_table` detects the format, encoding and delimiter (or takes them as given), reads
the header, and returns a :class:`Table` whose ``rows`` stream one :class:`Row` at a time.
Problems of the file as a whole raise :class:`~classifier.errors.InputError` before any row is
read; problems of one row (ragged, undecodable bytes, NUL bytes, bad JSON) travel with that row
so that the caller can report it and keep going.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import InputError, UsageError
from .decoding import BOMS, UNICODE_HINT, repair, sample_encoding, utf16_without_bom

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
    """One data row: its number (1 = first row after the header), values and any problem.

    ``problems`` make the row unscorable (it is still written); ``notes`` are told in
    pmrole_error but the row is scored (a cell whose bytes were re-read as cp1252)."""

    number: int
    values: list[str] | dict
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Failures of the stream itself, raised while rows are read (after the header).
TRUNCATED = ("{source}: the file ends early or is damaged ({detail}); nothing was written. Check "
             "that the download or copy is complete (a .gz file must be whole).")
NOT_DECODABLE = "{source}: the text cannot be decoded as {encoding} ({detail}); " + UNICODE_HINT + "."


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
    guessed: bool = False       # the encoding is a guess by detection (not UTF-8, a BOM or given)

    @property
    def bytes_read(self) -> int:
        return self.counter.count


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"GIF8", b"\xff\xd8\xff")):
        return True
    head = sample[:8192]
    # UTF-16/32 text is full of NULs
    has_bom = head.startswith(tuple(bom for bom, _ in BOMS)) or utf16_without_bom(head) is not None
    if has_bom or not head:
        return False
    # Text has no control bytes but tab, newline and carriage return (and a stray form feed).
    control = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    return head.count(b"\x00") > len(head) // 100 or control > len(head) // 20


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


_DELIMITERS = ",\t;|"


def _sniff_delimiter(text_sample: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    lines = text_sample.splitlines()
    head = "\n".join(lines[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    # Long quoted texts defeat the sniffer; the header row names the columns and is rarely quoted.
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def delimiter_option(value: str | None) -> str | None:
    """``--delimiter`` as typed: one character, or ``\\t`` / ``tab`` for a tab."""
    if value is None:
        return None
    value = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(value, value)
    if len(value) != 1 or value in "\r\n\"":
        raise UsageError(f"--delimiter {value!r}: give one character, e.g. --delimiter ';' or "
                         "--delimiter '\\t' for a tab.")
    return value


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
            size, source = p.stat().st_size, str(path)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file; check the path.") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read the file ({exc.strerror}); check its permissions.") from None
    stream = io.BufferedReader(counter, buffer_size=SAMPLE_BYTES)
    try:
        magic = stream.peek(2)[:2]
    except OSError as exc:
        raise InputError(f"{source}: cannot read the file ({exc.strerror or exc}); check its permissions.") from None
    if magic == b"\x1f\x8b":
        stream = io.BufferedReader(gzip.GzipFile(fileobj=stream), buffer_size=SAMPLE_BYTES)
    return stream, counter, size, source


class _Lines:
    """The physical lines of a text stream, for a csv reader: remembers the lines each record
    took, takes lines back to be read again, and turns a damaged stream into an InputError."""

    def __init__(self, text, source: str, encoding: str):
        self.text, self.source, self.encoding = text, source, encoding
        self.taken: list[str] = []
        self.pushed: list[str] = []
        self.at_end = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pushed:
            line = self.pushed.pop()
        else:
            line = _read_line(self.text, self.source, self.encoding)
            if line is None:
                self.at_end = True
                raise StopIteration
        self.taken.append(line)
        return line

    def take_back(self, lines: list[str]) -> None:
        self.pushed.extend(reversed(lines))


def _read_line(text, source: str, encoding: str) -> str | None:
    try:
        line = text.readline()
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(TRUNCATED.format(source=source, detail=exc or type(exc).__name__)) from None
    except UnicodeError as exc:  # only where errors= cannot escape, e.g. a wrong --encoding utf-16
        raise InputError(NOT_DECODABLE.format(source=source, encoding=encoding,
                                              detail=getattr(exc, "reason", None) or exc)) from None
    return line or None


def _text_lines(text, source: str, encoding: str):
    while (line := _read_line(text, source, encoding)) is not None:
        yield line


def open_table(path, *, fmt: str | None = None, delimiter: str | None = None,
               encoding: str | None = None, name: str | None = None) -> Table:
    """Open a listing file (a path, ``-`` for stdin, or a binary stream named ``name`` in
    messages) and read its header; rows are read lazily from ``table.rows``."""
    stream, counter, size, source = _open_binary(path, name)
    try:
        sample = stream.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(TRUNCATED.format(source=source, detail=exc or type(exc).__name__)) from None
    if not sample.strip():
        raise InputError(f"{source}: the file is empty; give a file with a header row and listings.")
    if _looks_binary(sample):
        raise InputError(f"{source}: this is not a table (it looks like a binary file); give a CSV, "
                         "TSV or JSONL file.")
    delimiter = delimiter_option(delimiter)
    given_encoding = bool(encoding)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{source}: unknown encoding {encoding!r}; try utf-8 or cp1252.") from None
    else:
        encoding = sample_encoding(sample, source, complete=len(sample) < SAMPLE_BYTES)
    guessed = not given_encoding and codecs.lookup(encoding).name not in _UNICODE
    text_sample = sample.decode(encoding, errors="replace")
    fmt = _format_for(source if path != "-" and not hasattr(path, "read") else "", fmt, text_sample)
    # Only UTF-8 and the single-byte code pages can carry undecodable bytes through as surrogates.
    errors = "surrogateescape" if codecs.lookup(encoding).name in _SURROGATE_SAFE else "replace"
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    if fmt == "jsonl":
        columns, rows = _jsonl(text, source, encoding)
        delimiter = ""
    else:
        delimiter = delimiter or _sniff_delimiter(text_sample, fmt)
        columns, rows = _csv(text, source, delimiter, encoding)
    return Table(source, fmt, encoding, delimiter, columns, rows, size, counter, guessed)


_UNICODE = {codecs.lookup(c).name for c in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                            "utf-32")}


_SURROGATE_SAFE = {"utf-8", "ascii"} | {codecs.lookup(c).name for c in (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1257", "latin-1", "iso8859-2",
    "iso8859-15", "koi8-r", "mac-roman", "cp437", "cp850")}


def duplicate_columns(columns: list[str]) -> list[str]:
    """The column names that occur more than once (empty names aside), in header order."""
    seen, repeated = set(), []
    for c in columns:
        if c and c in seen and c not in repeated:
            repeated.append(c)
        seen.add(c)
    return repeated


def _undecodable_note(names: list[str]) -> str:
    return f"undecodable bytes in column {', '.join(names)} (read as cp1252); {UNICODE_HINT}"


def _csv(text, source: str, delimiter: str, encoding: str):
    csv.field_size_limit(FIELD_LIMIT)
    lines = _Lines(text, source, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{source}: the file is empty; give a file with a header row and listings.") from None
    except csv.Error as exc:
        raise InputError(f"{source}: the header row cannot be read as CSV ({exc}).") from None
    header = [repair(h)[0].lstrip("\ufeff").strip() for h in header]
    if not any(header):
        raise InputError(f"{source}: the first row is empty; the first row must name the columns.")
    width = len(header)

    def clean(rest: list[str]) -> bool:
        """The lines after a record's first all read as rows of the header's width."""
        try:
            records = [r for r in csv.reader(rest, delimiter=delimiter) if r]
        except csv.Error:
            return False
        return bool(records) and all(len(r) == width for r in records)

    def unparsable(number: int, line: str, why: str) -> Row:
        raw, _ = repair(line.rstrip("\r\n"))
        return Row(number, {"pmrole_input": raw}, [f"the row cannot be parsed as CSV ({why}); "
                                                   "its text is kept as it was; fix the quotes"])

    def rows():
        number = 0
        while True:
            lines.taken = []
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                taken = lines.taken
                yield unparsable(number, taken[0] if taken else "", str(exc))
                lines.take_back(taken[1:])
                continue
            taken = lines.taken
            if not values:
                continue  # a blank line is not a row
            number += 1
            # An unbalanced quote swallows the lines after it into one field: when those lines
            # read as proper rows on their own, they are rows, and the quote's line is kept raw.
            ran_to_end = lines.at_end and not lines.pushed
            if len(taken) > 1 and (len(values) != width or ran_to_end) and clean(taken[1:]):
                yield unparsable(number, taken[0], "an opening quote is never closed")
                lines.take_back(taken[1:])
                continue
            problems, notes = [], []
            repaired = [repair(v) for v in values]
            values = [v for v, _ in repaired]
            bad = [header[i] if i < width else f"#{i + 1}" for i, (_, b) in enumerate(repaired) if b]
            if bad:
                notes.append(_undecodable_note(bad))
            if len(values) < width:
                problems.append(f"the row has {len(values)} fields, the header has {width}; "
                                "the missing cells were left empty")
                values = values + [""] * (width - len(values))
            elif len(values) > width:
                extra = len(values) - width
                problems.append(f"the row has {len(values)} fields, the header has {width}; the "
                                f"{extra} extra field(s) were joined into column {header[-1]!r}")
                values = values[:width - 1] + [delimiter.join(values[width - 1:])]
            yield Row(number, values, problems, notes)

    return header, rows()


def _json_object(line: str, repeated: list | None = None):
    """The JSON value of one line; ValueError (with a readable reason) when it cannot be read.
    Keys given twice in one object keep the last value (as JSON readers do); the earlier
    (key, value) pairs are appended to ``repeated``, so they are not lost silently."""
    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj and repeated is not None:
                repeated.append((key, obj[key]))
            obj[key] = value
        return obj

    try:
        return json.loads(line, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ValueError(exc.msg) from None
    except (ValueError, RecursionError):  # a number over Python's digit limit; deep nesting
        raise ValueError("nested too deeply or a number too long to read") from None


def _jsonl(text, source: str, encoding: str):
    lines = _text_lines(text, source, encoding)
    buffered = []
    columns: list[str] = []
    for line in lines:
        buffered.append(line)
        if line.strip():
            try:
                obj = _json_object(repair(line)[0])
            except ValueError as exc:
                raise InputError(f"{source}: the first line is not valid JSON ({exc}); give "
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
            fixed, bad = repair(line)
            notes = [f"undecodable bytes (read as cp1252); {UNICODE_HINT}"] if bad else []
            repeated: list = []
            try:
                obj = _json_object(fixed, repeated)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                yield Row(number, {"pmrole_input": fixed.rstrip("\r\n")},
                          [f"the line is not a JSON object ({exc})"], notes)
                continue
            if repeated:
                earlier = json.dumps([{k: v} for k, v in repeated], ensure_ascii=False)
                notes.append(f"key(s) {', '.join(sorted({repr(k) for k, _ in repeated}))} given more "
                             f"than once; the last value was used, the earlier ones are kept here: {earlier}")
            yield Row(number, obj, [], notes)

    return columns, rows()


def _chain(first, rest):
    yield from first
    yield from rest
