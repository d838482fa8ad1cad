"""Scoring Parquet: record batches in, the same batches with typed ``pmrole_*`` columns out.

The input's columns, types and schema metadata are kept as they are; the result columns are
typed (see :mod:`.records`). Batches are read, scored and written one at a time, so memory
stays flat; the output is written to a temporary file beside it and renamed into place only
when complete, as ``pmrole score`` does for CSV.

Across formats, the output's name decides as elsewhere: Parquet scored into CSV, TSV or JSON
Lines writes each row's values as those formats hold them (text in CSV, JSON values in JSON
Lines); CSV, TSV or JSON Lines scored into Parquet (:class:`ParquetRows`) keeps every input
column as a string column (a JSON Lines value that is not a string as its JSON text), since
text formats carry no column types, and types the result columns.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..atomic import publish_mode, sweep_stale, temporary_beside
from ..errors import InputError
from ..reading.columns import choose_columns
from ..reading.parquet import ParquetTable, open_parquet, pyarrow
from .records import Tally, as_cell, scored_columns
from .score import _MODELS, CHUNK_ROWS, KEYWORDS_IN_CELL, PARALLEL_FROM_ROWS, ScoreSummary
from .writer import BOOL, FLOAT, Writer, cell_text, check_output, output_format, result_types, typed

# Rows per output row group: large enough for fast reading, small enough to keep memory flat.
GROUP_ROWS = 8192


def result_schema(labels):
    """The Arrow fields of the result columns, in output order."""
    pa = pyarrow()
    kinds = {FLOAT: pa.float64(), BOOL: pa.bool_()}
    return [pa.field(name, kinds.get(kind, pa.string())) for name, kind in result_types(labels).items()]


def check_table(table: ParquetTable, text_column, title_column, labels) -> tuple[str, str | None]:
    """The text and title columns of a Parquet table; InputError when it cannot be scored."""
    text_col, title_col = choose_columns(table.columns, text_column, title_column, table.source)
    clash = [f.name for f in result_schema(labels) if f.name in table.columns]
    if clash:
        raise InputError(f"{table.source}: already has column {clash[0]!r} (was it scored before?); "
                         "score the original file, or rename the pmrole_* columns.")
    return text_col, title_col


class ParquetOutput:
    """Writes scored batches to ``output`` through a temporary file beside it."""

    def __init__(self, output, schema):
        pa = pyarrow()
        self.pa, self.output = pa, Path(output)
        sweep_stale(self.output.parent)  # what killed runs left beside earlier outputs
        try:
            fd, self.tmp = temporary_beside(self.output, suffix=".part")
        except OSError as exc:
            raise InputError(f"{output}: cannot write in {self.output.parent} ({exc.strerror}); "
                             "choose another -o.") from None
        self.fh = os.fdopen(fd, "wb")
        self.schema = schema
        self.writer = pa.parquet.ParquetWriter(self.fh, schema)
        self.pending, self.pending_rows = [], 0

    def write(self, batch, columns: dict[str, list]) -> None:
        pa = self.pa
        results = list(self.schema)[batch.num_columns:]
        arrays = list(batch.columns) + [pa.array(columns[f.name], type=f.type) for f in results]
        self.pending.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.pending_rows += batch.num_rows
        if self.pending_rows >= GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(self.pa.Table.from_batches(self.pending, schema=self.schema),
                                    row_group_size=max(self.pending_rows, 1))
        self.pending, self.pending_rows = [], 0

    def commit(self) -> None:
        self._flush()
        self.writer.close()
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        publish_mode(self.tmp)
        os.replace(self.tmp, self.output)
        self.tmp = None

    def abort(self) -> None:
        if self.tmp is None:
            return
        try:
            self.writer.close()
        except Exception:  # the writer may be what failed
            pass
        self.fh.close()
        Path(self.tmp).unlink(missing_ok=True)
        self.tmp = None


class ParquetRows:
    """The :class:`~.writer.Writer` interface for rows read from CSV, TSV or JSON Lines, written
    as Parquet: input columns as strings, result columns typed, in row groups of GROUP_ROWS."""

    def __init__(self, output, columns: list[str], labels):
        pa = pyarrow()
        self.pa, self.columns = pa, list(columns)
        self.types = result_types(labels)
        schema = pa.schema([pa.field(c, pa.string()) for c in self.columns] + result_schema(labels))
        self.out = ParquetOutput(output, schema)
        self.rows: list[list] = []

    def write(self, values, results: dict[str, str]) -> None:
        if isinstance(values, dict):
            values = [values.get(c) for c in self.columns]
        cells = [None if v is None else cell_text(v) for v in values]
        self.rows.append(cells + [typed(cell, self.types[name]) for name, cell in results.items()])
        if len(self.rows) >= GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        pa, n = self.pa, len(self.columns)
        columns = list(zip(*self.rows))
        batch = pa.RecordBatch.from_arrays([pa.array(columns[i], type=pa.string()) for i in range(n)],
                                           names=self.columns)
        self.out.write(batch, {name: list(columns[n + k]) for k, name in enumerate(self.types)})
        self.rows = []

    def commit(self) -> None:
        self._flush()
        self.out.commit()

    def abort(self) -> None:
        self.rows = []
        self.out.abort()


def score_groups(table: ParquetTable, slices: list[tuple[int, int, int]] | None, output,
                 text_col: str, title_col: str | None, labels, model_dir: str, options: dict,
                 jobs: int = 1, chunk_rows: int = CHUNK_ROWS, out_fmt: str = "parquet") -> Tally:
    """Score the rows of ``table`` into ``output``, a Parquet file (or, with ``out_fmt``, a CSV,
    TSV or JSON Lines file or stream): all of them, or the ``(row group, start, stop)`` slices
    given (a cluster task's share of the file)."""
    if slices is None:
        slices = [(g, 0, n) for g, n in enumerate(table.group_rows)]
    schema = table.schema
    for f in result_schema(labels):
        schema = schema.append(f)

    def chunks():
        for group, start, stop in slices:
            at = 0  # the row of the group that the next batch starts at
            for batch in table.batches([group], chunk_rows):
                begins, at = at, at + batch.num_rows
                if begins >= stop:
                    break
                lo, hi = max(start - begins, 0), min(stop - begins, batch.num_rows)
                if lo >= hi:
                    continue
                batch = batch.slice(lo, hi - lo)
                first = table.first_number(group) + begins + lo
                texts = batch.column(text_col).to_pylist()
                titles = batch.column(title_col).to_pylist() if title_col else None
                yield batch, range(first, first + batch.num_rows), texts, titles

    tally = Tally()
    out = ParquetOutput(output, schema) if out_fmt == "parquet" else _RowsOut(output, out_fmt, schema)
    try:
        for batch, columns in scored_columns(chunks(), text_col, title_col, labels, model_dir,
                                             options, jobs, tally):
            out.write(batch, columns)
        out.commit()
    except BaseException:
        out.abort()
        raise
    return tally


class _RowsOut:
    """Scored record batches written as rows of CSV, TSV or JSON Lines."""

    def __init__(self, output, fmt: str, schema):
        self.writer = Writer(output, fmt, schema.names)

    def write(self, batch, columns: dict[str, list]) -> None:
        names = list(columns)
        for i, row in enumerate(batch.to_pylist()):
            self.writer.write(row, {name: as_cell(columns[name][i]) for name in names})

    def commit(self) -> None:
        self.writer.commit()

    def abort(self) -> None:
        self.writer.abort()


def score_parquet(input_path, output, *, model_path=None, text_column=None, title_column=None,
                  jobs: int | None = None, chunk_rows: int = CHUNK_ROWS, force: bool = False,
                  top: int = KEYWORDS_IN_CELL, review_confidence: float | None = None,
                  review_margin: float | None = None, log=None, model=None,
                  summary: ScoreSummary | None = None, **_ignored) -> ScoreSummary:
    """``pmrole score`` for a Parquet file: every row kept, in order, its columns and types
    unchanged, then the typed result columns. Structural problems raise InputError first."""
    from ..model.store import load

    say = log or (lambda msg: None)
    check_output(input_path, output, force)
    out_fmt = output_format(output, "csv")
    linear = model.linear if model is not None else load(model_path)  # a broken model fails here
    table = open_parquet(input_path)
    text_col, title_col = check_table(table, text_column, title_column, linear.labels)
    if table.rows == 0:
        raise InputError(f"{table.source}: the file has no rows to score; nothing was written.")
    say(f"pmrole: reading Parquet ({table.rows:,} rows in {len(table.group_rows)} row groups); "
        f"text column {text_col!r}, " + (f"title column {title_col!r}" if title_col else "no title column"))
    model_dir = str(linear.path)
    if model is not None:
        jobs = 1
        _MODELS[model_dir] = model
    elif jobs is None:
        jobs = (os.cpu_count() or 1) if table.rows >= PARALLEL_FROM_ROWS else 1
    if jobs == 1 and model_dir not in _MODELS:  # scoring in-process: reuse the model loaded above
        from ..explain.classifier import Classifier

        _MODELS[model_dir] = Classifier(linear)
    options = {"top": top, "review_confidence": review_confidence, "review_margin": review_margin}
    summary = summary if summary is not None else ScoreSummary()
    summary.output, summary.output_format = str(output), out_fmt
    summary.text_column, summary.title_column = text_col, title_col
    started = time.perf_counter()
    try:
        tally = score_groups(table, None, output, text_col, title_col, linear.labels, model_dir,
                             options, jobs, chunk_rows, out_fmt)
    finally:
        table.close()
    summary.rows, summary.labels, summary.needs_review, summary.errors = (
        tally.rows, tally.labels, tally.needs_review, tally.errors)
    summary.seconds = time.perf_counter() - started
    return summary
