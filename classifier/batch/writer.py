"""Writing scored rows: CSV/TSV or JSONL, gzip by suffix, to a temporary file beside the output
that is renamed into place only when the run completes (or to stdout)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from pathlib import Path

from ..atomic import check_writable, publish_mode, sweep_stale, temporary_beside
from ..errors import InputError
from ..reading.parquet import PARQUET_SUFFIXES

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def result_columns(labels) -> list[str]:
    return (["pmrole_label", "pmrole_confidence"]
            + [f"pmrole_p_{label.replace('-', '_')}" for label in labels]
            + ["pmrole_runner_up", "pmrole_needs_review", "pmrole_keywords", "pmrole_traits",
               "pmrole_duty_project", "pmrole_duty_product", "pmrole_model", "pmrole_error"])


FLOAT, BOOL, STRING = "float", "bool", "string"


def result_types(labels) -> dict[str, str]:
    """Each result column's type, in output order: what JSONL, Parquet and DataFrames hold."""
    return {name: _kind(name) for name in result_columns(labels)}


def _kind(name: str) -> str:
    if name == "pmrole_confidence" or name.startswith(("pmrole_p_", "pmrole_duty_")):
        return FLOAT
    return BOOL if name == "pmrole_needs_review" else STRING


def typed(cell: str, kind: str):
    """A result cell's text as its typed value; an empty cell (not scored, nothing to report) is
    null."""
    if cell == "":
        return None
    if kind == FLOAT:
        return float(cell)
    if kind == BOOL:
        return cell == "true"
    return cell


def neutralise(cell: str) -> str:
    """A result cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


class Writer:
    """Writes rows as CSV/TSV or JSONL to the final path via a temporary file, to stdout, or
    to a binary stream the caller owns (left open)."""

    def __init__(self, output, fmt: str, header: list[str]):
        self.output, self.fmt, self.header = output, fmt, header
        self.tmp = None
        self.stream = output == "-" or hasattr(output, "write")
        if self.stream:
            sink = sys.stdout.buffer if output == "-" else output
            self.fh = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=False)
        else:
            target = Path(output)
            sweep_stale(target.parent)  # what killed runs left beside earlier outputs
            try:
                fd, self.tmp = temporary_beside(target, suffix=".part")
            except OSError as exc:
                raise InputError(f"{output}: cannot write in {target.parent} ({exc.strerror}); "
                                 "choose another -o.") from None
            raw = os.fdopen(fd, "wb")
            binary = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if output.endswith(".gz") else raw
            self._raw = raw
            self.fh = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        if fmt != "jsonl":
            self.csv = csv.writer(self.fh, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            self.csv.writerow(header)

    def write(self, values, results: dict[str, str]):
        if self.fmt == "jsonl":
            obj = dict(values) if isinstance(values, dict) else dict(zip(self.header, values))
            # JSON can say what the text of a CSV cell cannot: numbers, booleans and null
            obj.update({name: typed(cell, _kind(name)) for name, cell in results.items()})
            self.fh.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        else:
            if isinstance(values, dict):
                values = [_cell(values.get(c, "")) for c in self.header[:-len(results)]]
            # a spreadsheet runs a cell that looks like a formula; JSON readers do not
            self.csv.writerow(list(values) + [neutralise(cell) for cell in results.values()])

    def commit(self):
        self.fh.flush()
        if self.stream:
            self.fh.detach()  # leave sys.stdout (or the caller's stream) open
            return
        self.fh.close()
        if not self._raw.closed:
            self._raw.close()
        publish_mode(self.tmp)
        os.replace(self.tmp, self.output)
        self.tmp = None

    def abort(self):
        if self.stream:
            self.fh.flush()
            self.fh.detach()
        elif self.tmp is not None:
            try:
                self.fh.close()
            except Exception:
                pass
            Path(self.tmp).unlink(missing_ok=True)
            self.tmp = None


def kept_in_error(obj: dict, columns: list[str]) -> list[str]:
    """JSONL read into CSV: what the CSV columns cannot hold is kept in pmrole_error."""
    if list(obj) == ["pmrole_input"]:
        return [f"the line was: {obj['pmrole_input']}"]
    extra = {k: v for k, v in obj.items() if k not in columns}
    if extra:
        return [f"fields not in the first line's columns (write .jsonl output to keep them as "
                f"columns): {json.dumps(extra, ensure_ascii=False)}"]
    return []


def _cell(value) -> str:
    return "" if value is None else cell_text(value)


def cell_text(value) -> str:
    """A value as a text cell: strings as they are, JSON values as JSON, anything else (a date,
    a decimal from Parquet) as its text."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float, list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".tsv": "tsv", ".tab": "tsv", ".csv": "csv",
                  **dict.fromkeys(PARQUET_SUFFIXES, "parquet"), ".txt": None, "": None}


def _output_suffix(output) -> str:
    suffixes = [s.lower() for s in Path(output).suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    return suffix if len(suffix) <= 8 and suffix[1:].isalnum() else ""  # "v1.2-final": no suffix


def output_format(output, default: str) -> str:
    """The output's format from its name, else ``default`` (the input's)."""
    named = output != "-" and not hasattr(output, "write")
    return (OUTPUT_SUFFIXES.get(_output_suffix(output)) if named else None) or default


def check_output(input_path, output, force: bool) -> None:
    if output == "-" or hasattr(output, "write"):
        return
    target = Path(output)
    if _output_suffix(output) not in OUTPUT_SUFFIXES:
        raise InputError(f"{output}: pmrole writes CSV, TSV, JSON Lines or Parquet, not "
                         f"{_output_suffix(output)}; name the output .csv, .tsv, .jsonl (add .gz to "
                         "compress) or .parquet.")
    if OUTPUT_SUFFIXES[_output_suffix(output)] == "parquet" and output.lower().endswith(".gz"):
        raise InputError(f"{output}: Parquet compresses itself; name the output .parquet, without .gz.")
    check_writable(target, "-o", force, input_path)
