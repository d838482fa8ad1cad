"""Scoring records that arrive as columns (Parquet record batches, DataFrame partitions).

The rows go through the very ``prepare`` and ``score_chunk`` that ``pmrole score`` uses, so every
result is the value ``pmrole score`` writes as text, here typed: probabilities and duty shares
as floats, the review flag as a boolean, the rest as strings, and null where a row was not
scored (or, for ``pmrole_error``, had nothing to report). :func:`as_cell` turns a typed value
back into the CSV text, which is how the two are compared.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from ..reading.tables import Row
from .score import Tally, _scored, prepare  # noqa: F401 (Tally: what parquet and cluster add up)
from .writer import result_types, typed


def _json_safe(value):
    """A cell ``prepare`` can read: text, None, a JSON value, or else its text (a date, a numpy
    number)."""
    if value is None or isinstance(value, (str, bool, int, float, list, dict)):
        return value
    return str(value)


def as_cell(value) -> str:
    """The text ``pmrole score`` writes in CSV for a typed result value."""
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value):
        return ""  # None, NaN or pandas' NA
    if type(value).__name__ in ("bool", "bool_"):  # Python's or numpy's
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def scored_columns(chunks: Iterable[tuple], text_column: str, title_column: str | None,
                   labels, model_dir: str, options: dict, jobs: int = 1,
                   tally: Tally | None = None) -> Iterator[tuple[object, dict[str, list]]]:
    """Score chunks of records, in order, in-process (``jobs`` 1) or by joblib workers.

    Each chunk is ``(payload, numbers, texts, titles)``: ``numbers`` name the rows in
    ``pmrole_error`` (``row N: ...``); ``titles`` may be None. Yields ``(payload, columns)``, the
    result columns as lists of typed values, one per record."""
    types = result_types(labels)
    names = list(types)
    payloads = []

    def prepared():
        for payload, numbers, texts, titles in chunks:
            payloads.append(payload)
            titles = titles if titles is not None else [None] * len(texts)
            batch = []
            for number, text, title in zip(numbers, texts, titles):
                values = {text_column: _json_safe(text)}
                if title_column:
                    values[title_column] = _json_safe(title)
                text, title, problems = prepare(Row(number, values), text_column, title_column, [])
                batch.append((number, None if text is None else (text, title), problems))
            yield batch

    for batch, scored in _scored(prepared(), model_dir, options, jobs):
        columns = {name: [] for name in names}
        for (number, _item, problems), cells in zip(batch, scored):
            if tally is not None:
                tally.rows += 1
                tally.errors += bool(problems)
                if cells is not None:
                    tally.labels[cells[0]] += 1
                    tally.needs_review += cells[names.index("pmrole_needs_review")] == "true"
            cells = cells if cells is not None else [""] * (len(names) - 1)
            error = f"row {number}: {'; '.join(problems)}" if problems else ""
            for name, cell in zip(names, cells + [error]):
                columns[name].append(typed(cell, types[name]))
        yield payloads.pop(0), columns
