"""``score_dataframe``: a pandas or Dask DataFrame in, the same frame with the ``pmrole_*``
columns added (the values ``pmrole score`` writes, typed as in Parquet output).

    >>> from classifier import score_dataframe
    >>> scored = score_dataframe(df, text_column="description", title_column="title")

A Dask DataFrame gives back a lazy Dask DataFrame (``map_partitions`` with the result columns'
``meta``); each worker loads the model once, the first time one of its tasks needs it.
"""

from __future__ import annotations

from ..errors import InputError
from ..reading.columns import choose_columns
from .records import scored_columns
from .writer import BOOL, FLOAT, result_types
from .score import CHUNK_ROWS, KEYWORDS_IN_CELL

_DTYPES = {FLOAT: "float64", BOOL: "boolean", "string": "string"}


def score_dataframe(df, text_column: str | None = None, title_column: str | None = None, *,
                    model=None, top: int = KEYWORDS_IN_CELL, review_confidence: float | None = None,
                    review_margin: float | None = None):
    """``df`` with the result columns added after its own, row for row (index and order kept).

    ``model`` is a loaded :class:`~classifier.Classifier`, or a model folder or store path
    (default: the shipped model). In ``pmrole_error`` a row is named by its index label. Raises
    InputError, before any row is scored, when the columns cannot be chosen or the frame already
    has result columns."""
    from ..explain.classifier import Classifier

    if isinstance(model, Classifier):
        model_path, labels = str(model.linear.path), model.labels
    else:
        from ..model.store import load

        linear = load(model)  # a broken model fails here, not in every partition
        model_path, labels = str(linear.path), linear.labels
    columns = [str(c) for c in df.columns]
    text_col, title_col = choose_columns(columns, text_column, title_column, "the DataFrame")
    clash = [c for c in result_types(labels) if c in columns]
    if clash:
        raise InputError(f"the DataFrame already has column {clash[0]!r} (was it scored before?); "
                         "drop or rename the pmrole_* columns first.")
    options = {"top": top, "review_confidence": review_confidence, "review_margin": review_margin}
    args = (_column(df, text_col), _column(df, title_col) if title_col else None, labels,
            model_path, options)
    if hasattr(df, "map_partitions") and hasattr(df, "npartitions"):  # a Dask DataFrame
        meta = score_partition(df._meta, *args)
        return df.map_partitions(score_partition, *args, meta=meta)
    from .score import _MODELS

    # In this process: score with the model already loaded (the caller's, or the one just checked).
    _MODELS.setdefault(model_path, model if isinstance(model, Classifier) else Classifier(linear))
    return score_partition(df, *args)


def _column(df, name: str):
    """The frame's own label for the column chosen by its string name."""
    return next(c for c in df.columns if str(c) == name)


def score_partition(frame, text_col, title_col, labels, model_path: str, options: dict):
    """One pandas frame scored in this process (a Dask task runs this on a partition)."""
    import pandas as pd

    from .worker import worker_model

    if len(frame):
        worker_model(model_path)  # loaded once per process, kept for the next partition
    texts, titles = frame[text_col], frame[title_col] if title_col is not None else None

    def chunks():
        for start in range(0, len(frame), CHUNK_ROWS):
            stop = start + CHUNK_ROWS
            yield (None, list(frame.index[start:stop]), _values(texts.iloc[start:stop]),
                   _values(titles.iloc[start:stop]) if titles is not None else None)

    types = result_types(labels)
    values = {name: [] for name in types}
    for _payload, columns in scored_columns(chunks(), str(text_col), str(title_col) if title_col is not None else None,
                                            labels, model_path, options):
        for name in types:
            values[name].extend(columns[name])
    out = frame.copy(deep=False)
    for name, kind in types.items():
        out[name] = pd.array(values[name], dtype=_DTYPES[kind])
    return out


def _values(series) -> list:
    """Cells as Python values, missing ones (NaN, NA, None) as None."""
    return [None if _missing(v) else v for v in series.tolist()]


def _missing(value) -> bool:
    import pandas as pd

    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
