"""Batch scoring: a listing file in, the same rows with result columns out.

Every input row is written, in input order, with its columns unchanged and first, followed by
the ``pmrole_*`` result columns. Rows are read and written in chunks (memory stays flat), scored
in parallel by joblib workers that each load the model once, and written to a temporary file
beside the output that is renamed into place only when the run completes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from ..errors import InputError
from ..reading.columns import choose_columns
from ..reading.postings import MAX_TEXT_CHARS
from ..reading.tables import Row, Table, duplicate_columns, open_table
from .writer import Writer, check_output, kept_in_error, output_format, result_columns

KEYWORDS_IN_CELL = 5
CHUNK_ROWS = 256
# Without --jobs, workers start only for inputs this long: each worker spends about 1.5 s loading
# the model, which a smaller file does not win back (2 workers break even near 5,000 rows).
PARALLEL_FROM_ROWS = 4096


def prepare(row: Row, text_column: str, title_column: str | None, columns: list[str],
            results: list[str] = ()):
    """(text, title, problems): the row's text and title to score, or text None when the row
    cannot be scored (its problems say why; it is still written)."""
    problems = list(row.problems) + list(row.notes)
    if row.problems:  # ragged or unparsable: written as read, not scored
        return None, None, problems
    if isinstance(row.values, dict):
        taken = {k: row.values[k] for k in results if k in row.values}
        if taken:  # the result columns would overwrite them: keep them here, do not score
            return None, None, problems + [
                f"the row already has result field(s) {', '.join(map(repr, taken))}, kept here: "
                f"{json.dumps(taken, ensure_ascii=False)}; rename them and score again"]
        text, title = row.values.get(text_column), row.values.get(title_column) if title_column else ""
        text = "" if text is None else text if isinstance(text, str) else json.dumps(text)
        title = "" if title is None else title if isinstance(title, str) else json.dumps(title)
    else:
        text = row.values[columns.index(text_column)]
        title = row.values[columns.index(title_column)] if title_column else ""
    if "\x00" in text or "\x00" in title:
        return None, None, [f"column {text_column!r} contains NUL bytes; clean the export"]
    if not text.strip():
        return None, None, [f"column {text_column!r} is empty; nothing to classify"]
    if len(text) > MAX_TEXT_CHARS:
        problems.append(f"text of {len(text):,} characters truncated to the first {MAX_TEXT_CHARS:,}")
        text = text[:MAX_TEXT_CHARS]
    return text, title, problems


# --- scoring, in workers ------------------------------------------------------------------

_MODELS: dict[str, object] = {}


def _classifier(model_dir: str):
    if model_dir not in _MODELS:
        from ..explain.classifier import load_model

        _MODELS[model_dir] = load_model(model_dir)
    return _MODELS[model_dir]


def _duty_cells(p) -> list[str]:
    mix = p.duty_mix
    return [f"{mix.project:.4f}", f"{mix.product:.4f}"] if mix is not None else ["", ""]


def score_chunk(model_dir: str, items: list, options: dict) -> list[list[str] | None]:
    """Result cells (all but pmrole_error) for each (text, title), None where the item is None."""
    model = _classifier(model_dir)
    out = []
    for item in items:
        if item is None:
            out.append(None)
            continue
        p = model.classify(item[0], item[1], evidence=False, top=options["top"],
                           review_confidence=options["review_confidence"],
                           review_margin=options["review_margin"])
        keywords = "; ".join(f"{k.term} {k.weight:+.2f}" for k in p.keywords)
        out.append([p.label, f"{p.confidence:.4f}", *(f"{p.probabilities[l]:.4f}" for l in model.labels),
                    p.runner_up, "true" if p.needs_review else "false", keywords,
                    ",".join(t.name for t in p.traits), *_duty_cells(p), p.model])
    return out


# --- the run --------------------------------------------------------------------------------

@dataclass
class Tally:
    """What a run wrote, added up as chunks are scored (the numbers of the summary line)."""

    rows: int = 0
    labels: Counter = field(default_factory=Counter)
    needs_review: int = 0
    errors: int = 0

    def add(self, other: "Tally") -> None:
        self.rows += other.rows
        self.labels.update(other.labels)
        self.needs_review += other.needs_review
        self.errors += other.errors


@dataclass
class ScoreSummary(Tally):
    seconds: float = 0.0
    output: str = ""
    text_column: str = ""        # the choices made, set before the first row is written
    title_column: str | None = None
    output_format: str = ""

    def describe(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        labels = " · ".join(f"{k} {v:,}" for k, v in sorted(self.labels.items())) or "none"
        return (f"pmrole: scored {self.rows:,} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s): "
                f"{labels}; {self.needs_review:,} need review; {self.errors:,} with errors"
                f"{' (see pmrole_error)' if self.errors else ''}. Output: {self.output}")


def score_file(input_path, output, *, model_path=None, text_column=None, title_column=None,
               fmt=None, delimiter=None, encoding=None, jobs: int | None = None,
               chunk_rows: int = CHUNK_ROWS, force: bool = False, top: int = KEYWORDS_IN_CELL,
               review_confidence: float | None = None, review_margin: float | None = None,
               progress: bool = False, log=None, model=None, name: str | None = None,
               out_fmt: str | None = None, summary: ScoreSummary | None = None) -> ScoreSummary:
    """Score every row of ``input_path`` into ``output``; structural problems raise InputError
    before anything is written. ``log(message)`` receives the column choice and notices.

    ``input_path`` and ``output`` may also be binary streams (a server's request and response;
    ``name`` names the input in messages, ``out_fmt`` sets the output format, default the
    input's). ``model``, an already loaded classifier, is used in-process instead of loading
    ``model_path`` in workers. ``summary`` is filled as rows are written."""
    from ..model.store import load
    from ..reading.parquet import is_parquet

    if is_parquet(input_path):  # typed columns, read by record batches
        from .parquet import score_parquet

        return score_parquet(input_path, output, model_path=model_path, text_column=text_column,
                             title_column=title_column, jobs=jobs, chunk_rows=chunk_rows, force=force,
                             top=top, review_confidence=review_confidence,
                             review_margin=review_margin, log=log, model=model, summary=summary)
    say = log or (lambda msg: None)
    check_output(input_path, output, force)
    linear = model.linear if model is not None else load(model_path)  # a broken model fails here
    table = open_table(input_path, fmt=fmt, delimiter=delimiter, encoding=encoding, name=name)
    text_col, title_col = choose_columns(table.columns, text_column, title_column, table.source)
    labels = linear.labels
    results = result_columns(labels)
    clash = [c for c in results if c in table.columns]
    if clash:
        raise InputError(f"{table.source}: already has column {clash[0]!r} (was it scored before?); "
                         "score the original file, or rename the pmrole_* columns.")
    guess = "; the encoding is a guess: pass --encoding if accents look wrong" if table.guessed else ""
    say((f"pmrole: reading {table.format.upper()} ({table.encoding}); text column {text_col!r}, "
         f"title column {title_col!r}" if title_col else
         f"pmrole: reading {table.format.upper()} ({table.encoding}); text column {text_col!r}, "
         "no title column") + guess)
    out_fmt = out_fmt or output_format(output, table.format)
    repeated = duplicate_columns(table.columns)
    if repeated and out_fmt in ("jsonl", "parquet") and table.format != "jsonl":
        kind = "a JSON object" if out_fmt == "jsonl" else "a Parquet file"
        raise InputError(f"{table.source}: the header names column {repeated[0]!r} more than once, "
                         f"and {kind} can hold only one of them; rename the columns, or "
                         "write CSV output (-o scored.csv), which keeps them all.")
    header = table.columns + results
    options = {"top": top, "review_confidence": review_confidence, "review_margin": review_margin}
    model_dir = str(linear.path)
    review_at = results.index("pmrole_needs_review")

    def chunks():
        batch = []
        for row in table.rows:
            text, title, problems = prepare(row, text_col, title_col, table.columns, results)
            batch.append((row, None if text is None else (text, title), problems))
            if len(batch) >= chunk_rows:
                yield batch
                batch = []
        if batch:
            yield batch

    batches = chunks()
    if model is not None:
        jobs = 1
    elif jobs is None:
        jobs, batches = _default_jobs(batches, chunk_rows)
    if model is not None:
        _MODELS[model_dir] = model
    elif jobs == 1 and model_dir not in _MODELS:  # scoring in-process: reuse the model loaded above
        from ..explain.classifier import Classifier

        _MODELS[model_dir] = Classifier(linear)

    summary = summary if summary is not None else ScoreSummary()
    summary.output = (name or "<stream>") if hasattr(output, "write") else str(output)
    summary.text_column, summary.title_column, summary.output_format = text_col, title_col, out_fmt
    bar = _progress(table, progress)
    if out_fmt == "parquet":
        from .parquet import ParquetRows

        writer = ParquetRows(output, table.columns, labels)
    else:
        writer = Writer(output, out_fmt, header)
    started = time.perf_counter()
    try:
        for batch, scored in _scored(batches, model_dir, options, jobs):
            for (row, _item, problems), cells in zip(batch, scored):
                if out_fmt != "jsonl" and isinstance(row.values, dict):
                    problems = problems + kept_in_error(row.values, table.columns)
                error = "; ".join(problems)
                if problems:
                    error = f"row {row.number}: {error}"
                    summary.errors += 1
                if cells is None:
                    cells = [""] * (len(results) - 1)
                else:
                    summary.labels[cells[0]] += 1
                    summary.needs_review += cells[review_at] == "true"
                values = dict(zip(results, cells + [error]))
                writer.write(row.values, values)
                summary.rows += 1
            if bar is not None:
                bar.update(table.bytes_read - bar.n if table.size else len(batch))
                rate = summary.rows / max(time.perf_counter() - started, 1e-9)
                bar.set_postfix_str(f"{summary.rows:,} rows, {rate:,.0f} rows/s", refresh=False)
        if summary.rows == 0 and not hasattr(output, "write"):
            raise InputError(f"{table.source}: the file has a header but no rows to score; nothing "
                             "was written.")
        writer.commit()
    except BaseException:
        writer.abort()
        if jobs > 1:
            _end_workers()
        raise
    finally:
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _default_jobs(batches, chunk_rows: int):
    """All cores when the input has at least PARALLEL_FROM_ROWS rows, else 1; the chunks read
    to find out are scored, not lost."""
    import itertools

    ahead = []
    for batch in batches:
        ahead.append(batch)
        if len(ahead) * chunk_rows >= PARALLEL_FROM_ROWS:
            return os.cpu_count() or 1, itertools.chain(ahead, batches)
    return 1, iter(ahead)


def _end_workers() -> None:
    """Stop joblib's worker processes now: an interrupted run must not leave them behind."""
    try:
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=False, kill_workers=True)
    except Exception:  # no executor was started, or it is already gone
        pass


def _scored(chunks, model_dir: str, options: dict, jobs: int):
    """(chunk, results) pairs in input order, scored in-process or by joblib workers."""
    def items(batch):
        return [item for _row, item, _p in batch]

    if jobs == 1:
        for batch in chunks:
            yield batch, score_chunk(model_dir, items(batch), options)
        return
    from joblib import Parallel, delayed

    pending = []

    def tasks():
        for batch in chunks:
            pending.append(batch)
            yield delayed(score_chunk)(model_dir, items(batch), options)

    parallel = Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs", batch_size=1)
    try:
        for scored in parallel(tasks()):
            yield pending.pop(0), scored
    except BaseException:
        _end_workers()
        raise


def _progress(table: Table, wanted: bool):
    if not wanted or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    if table.size:
        return tqdm(total=table.size, unit="B", unit_scale=True, file=sys.stderr, desc="pmrole score")
    return tqdm(unit=" rows", file=sys.stderr, desc="pmrole score")
