"""Reading Parquet listings: the schema and row groups first (checked before anything is
written), then the rows as record batches, so memory stays flat however long the file is.

Paths may be local or any URL fsspec can read (``s3://…``, ``gs://…``, ``https://…``), so that
cluster workers can read their share of the input themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

from ..errors import InputError

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
NEEDS_PYARROW = ("reading and writing Parquet needs pyarrow; install it with "
                 "pip install 'pmrole[parquet]'.")


def is_parquet(path) -> bool:
    """A path (not a stream, not ``-``) whose name says Parquet."""
    return isinstance(path, (str, os.PathLike)) and os.fspath(path).lower().endswith(PARQUET_SUFFIXES)


def pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401  (pyarrow.parquet is a submodule)
    except ImportError:
        raise InputError(NEEDS_PYARROW) from None
    return pyarrow


@dataclass
class ParquetTable:
    source: str
    file: object                # pyarrow.parquet.ParquetFile
    schema: object              # pyarrow.Schema, as stored (types and metadata kept on output)
    columns: list[str]
    group_rows: list[int]       # rows in each row group

    @property
    def rows(self) -> int:
        return sum(self.group_rows)

    def first_number(self, group: int) -> int:
        """The row number (1 = the file's first row) that row group ``group`` starts at."""
        return sum(self.group_rows[:group]) + 1

    def close(self) -> None:
        self.file.close()

    def batches(self, groups: list[int] | None = None, batch_rows: int = 256) -> Iterator:
        """Record batches of at most ``batch_rows`` rows, in file order."""
        groups = list(range(len(self.group_rows))) if groups is None else groups
        if not groups:
            return iter(())
        return self.file.iter_batches(batch_size=batch_rows, row_groups=groups, use_threads=False)


def open_parquet(path) -> ParquetTable:
    """Open a Parquet file and read its footer; InputError says what is wrong with it."""
    pa = pyarrow()
    source = os.fspath(path)
    try:
        if "://" in source:
            import fsspec

            handle = fsspec.open(source, "rb").open()
        else:
            if os.path.isdir(source):
                raise InputError(f"{source}: is a directory; give a Parquet file, or a pattern such "
                                 "as 'data/*.parquet' with --scheduler.")
            handle = open(source, "rb")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file; check the path.") from None
    except PermissionError:
        raise InputError(f"{source}: cannot read the file (permission denied); check its permissions.") from None
    try:
        file = pa.parquet.ParquetFile(handle)
    except (pa.ArrowException, OSError) as exc:
        handle.close()
        raise InputError(f"{source}: is not a readable Parquet file ({exc}); check that the copy is "
                         "complete, or name a CSV file .csv.") from None
    schema = file.schema_arrow
    meta = file.metadata
    return ParquetTable(source, file, schema, list(schema.names),
                        [meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
