"""Labelled postings from CSV, TSV or JSONL files (for `train --add` and `evaluate`)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import InputError
from ..labels import LABELS
from .columns import choose_columns, describe_columns
from .tables import open_table

LABEL_CANDIDATES = ("label", "role", "class", "category", "pm_label")


@dataclass
class LabelledRow:
    number: int       # 1 = first row after the header
    text: str
    title: str
    label: str
    source: str

    @property
    def where(self) -> str:
        return f"{self.source} row {self.number}"


def normalise_label(value: str) -> str:
    """'Project Manager', 'project_manager' and 'project-manager' are the same label."""
    return re.sub(r"[\s_]+", "-", value.strip().lower())


# Words people use for a label that spelling distance would match to the wrong one.
_SYNONYMS = {"both": "hybrid", "mixed": "hybrid", "project-and-product": "hybrid",
             "project/product": "hybrid", "neither": "other", "none": "other", "n/a": "other",
             "project": "project-manager", "product": "product-manager", "pjm": "project-manager",
             "pdm": "product-manager", "programme-manager": "project-manager",
             "program-manager": "project-manager", "product-owner": "product-manager"}


def suggest_label(value: str) -> str | None:
    normal = normalise_label(value)
    if normal in _SYNONYMS:
        return _SYNONYMS[normal]
    match = difflib.get_close_matches(normal, LABELS, n=1, cutoff=0.4)
    return match[0] if match else None


def read_labelled(path: str, *, text_column: str | None = None, title_column: str | None = None,
                  label_column: str | None = None, log=None) -> list[LabelledRow]:
    """Every row with its text, title and label (labels normalised, not yet validated).

    The label column is chosen first and is never also the text or title (a label read as a
    title would leak the answer into the features); ``log(message)`` is told the choice."""
    table = open_table(path)
    if label_column is not None and label_column not in table.columns:
        raise InputError(f"{table.source}: no column {label_column!r}; the columns are "
                         f"{', '.join(repr(c) for c in table.columns)}. Pass --label-column.")
    if label_column is None:
        lowered = {c.lower(): c for c in reversed(table.columns)}
        label_column = next((lowered[c] for c in LABEL_CANDIDATES if c in lowered), None)
        if label_column is None:
            raise InputError(f"{table.source}: no label column (looked for {', '.join(LABEL_CANDIDATES)}); "
                             "pass --label-column NAME.")
    text_col, title_col = choose_columns(table.columns, text_column, title_column, table.source,
                                         taken={label_column: "label"})
    if log is not None:
        log(describe_columns(table.source, text_col, title_col, label_column))
    rows = []
    for row in table.rows:
        if row.problems or row.notes:
            problem = (row.problems + row.notes)[0]
            fix = "" if "fix the" in problem or "re-export" in problem else "; fix the file"
            raise InputError(f"{table.source} row {row.number}: {problem}{fix}.")
        get = (row.values.get if isinstance(row.values, dict)
               else dict(zip(table.columns, row.values)).get)
        rows.append(LabelledRow(row.number, str(get(text_col) or ""),
                                str(get(title_col) or "") if title_col else "",
                                normalise_label(str(get(label_column) or "")), table.source))
    return rows
