"""``pmrole score 'data/*.parquet' -o scored/ --scheduler ADDRESS``: scoring on a Dask cluster.

The client only plans: it checks every input's columns (a structural problem stops the run
before anything is written), cuts the input into parts (Parquet by row-group slices, other
tables by file), and hands each part to the cluster as one task. Workers read their part of the
input themselves, keep the model loaded for the next task (one load per worker process), and
write their part into the output folder through a private temporary folder, renamed into place
whole. A part has a fixed name, so a task that Dask runs again after losing a worker replaces
the same file: every row is written exactly once. ``_SUCCESS`` appears only when every part has.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..atomic import TMP_PREFIX, temporary_folder, write_text
from ..errors import InputError, ModelError
from ..reading.columns import choose_columns
from ..reading.parquet import is_parquet, open_parquet
from .records import Tally
from .score import KEYWORDS_IN_CELL, ScoreSummary
from .worker import worker_model

SUCCESS = "_SUCCESS"
# Rows per Parquet task: enough that a task's fixed costs (opening the file, writing a part)
# are small beside scoring it (~4 s a core), few enough that two workers share a 24,000-row file.
PART_ROWS = 4096
WORKERS_TIMEOUT = 60  # seconds to wait for a worker to join an empty cluster


def _worker_ready(model_path: str) -> str:
    return worker_model(model_path).id


@dataclass
class Part:
    name: str                                   # the file name in the output folder
    source: str                                 # the input file (path or fsspec URL)
    slices: list | None = None                  # Parquet: [(row group, start, stop)]


def expand(pattern: str) -> list[str]:
    """The input files a path or glob pattern names, sorted; fsspec URLs keep their protocol."""
    if "://" in pattern:
        import fsspec

        fs, path = fsspec.core.url_to_fs(pattern)
        protocol = pattern.split("://", 1)[0]
        found = sorted(fs.glob(path)) if glob.has_magic(path) else ([path] if fs.exists(path) else [])
        return [f"{protocol}://{p.split('://', 1)[-1]}" for p in found]
    if os.path.isdir(pattern):  # a folder: its files, less hidden ones and markers (_SUCCESS)
        return sorted(str(p) for p in Path(pattern).iterdir()
                      if p.is_file() and not p.name.startswith((".", "_")))
    if not glob.has_magic(pattern):
        return [pattern] if os.path.exists(pattern) else []
    return sorted(p for p in glob.glob(pattern) if os.path.isfile(p))


def _open_stream(source: str):
    import fsspec

    return fsspec.open(source, "rb").open()


def plan(files: list[str], text_column, title_column, labels, table_options: dict,
         part_rows: int = PART_ROWS) -> tuple[list[Part], str, str | None, str]:
    """Check every input and cut it into parts: (parts, text column, title column, format)."""
    from .parquet import check_table

    parquet = [is_parquet(f) for f in files]
    if any(parquet) and not all(parquet):
        raise InputError(f"{files[parquet.index(False)]}: the inputs mix Parquet and other formats; "
                         "score them in separate runs.")
    parts, chosen = [], None
    for source in files:
        if all(parquet):
            table = open_parquet(source)
            try:
                columns = check_table(table, text_column, title_column, labels)
            finally:
                table.close()
            for slices in _slices(table.group_rows, part_rows):
                parts.append(Part(f"part-{len(parts):05d}.parquet", source, slices))
            fmt = "parquet"
        else:
            columns, fmt = _check_listing(source, text_column, title_column, labels, table_options)
            parts.append(Part(f"part-{len(parts):05d}.{fmt}", source))
        if chosen is not None and columns != chosen:
            raise InputError(f"{source}: its text and title columns ({columns[0]!r}, {columns[1]!r}) "
                             f"differ from the first file's ({chosen[0]!r}, {chosen[1]!r}); pass "
                             "--text-column and --title-column.")
        chosen = columns
    if not parts:
        raise InputError(f"{files[0]}: no rows to score; nothing was written.")
    return parts, chosen[0], chosen[1], fmt


def _slices(group_rows: list[int], part_rows: int) -> list[list[tuple[int, int, int]]]:
    """Row groups cut into parts of about ``part_rows`` rows (small groups share a part)."""
    parts, current, size = [], [], 0
    for group, n in enumerate(group_rows):
        start = 0
        while start < n:
            take = min(n - start, part_rows - size)
            current.append((group, start, start + take))
            size, start = size + take, start + take
            if size >= part_rows:
                parts.append(current)
                current, size = [], 0
    if current:
        parts.append(current)
    return parts


def _check_listing(source: str, text_column, title_column, labels, options: dict):
    from ..reading.tables import open_table
    from .writer import result_columns

    stream = _open_stream(source) if "://" in source else source
    table = open_table(stream, name=source if "://" in source else None, **options)
    try:
        columns = choose_columns(table.columns, text_column, title_column, table.source)
        clash = [c for c in result_columns(labels) if c in table.columns]
        if clash:
            raise InputError(f"{table.source}: already has column {clash[0]!r} (was it scored "
                             "before?); score the original file, or rename the pmrole_* columns.")
        if next(table.rows, None) is None:
            raise InputError(f"{table.source}: the file has a header but no rows to score; "
                             "nothing was written.")
    finally:
        table.counter.close()
    return columns, table.format


def check_folder(output: Path, force: bool) -> None:
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: is a file; with --scheduler, -o names a folder for the parts.")
    if output.is_dir() and any(output.iterdir()) and not force:
        raise InputError(f"{output}: already exists and is not empty; pass --force to replace its "
                         "parts, or choose another -o.")
    if not output.parent.is_dir():
        raise InputError(f"{output}: the folder {output.parent} does not exist; create it first.")
    if not os.access(output.parent, os.W_OK | os.X_OK):
        raise InputError(f"{output}: the folder {output.parent} is not writable; choose another -o.")


def score_part(part: Part, folder: str, text_col: str, title_col: str | None, model_path: str,
               model_id: str, options: dict, table_options: dict) -> dict:
    """A task: score one part into ``folder``/``part.name``; returns its Tally as a dict."""
    model = worker_model(model_path)
    if model.id != model_id:
        raise ModelError(f"a worker loaded model {model.id} from {model_path}, but the run uses "
                         f"{model_id}; give every worker the same model folder.")
    folder = Path(folder)
    private = temporary_folder(folder)  # only this task writes or sweeps here
    try:
        target = private / part.name
        if part.slices is not None:
            from .parquet import score_groups

            table = open_parquet(part.source)
            try:
                tally = score_groups(table, part.slices, target, text_col, title_col, model.labels,
                                     model_path, options)
            finally:
                table.close()
        else:
            tally = _score_listing(part, target, text_col, title_col, model, options, table_options)
        os.replace(target, folder / part.name)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return {"rows": tally.rows, "labels": dict(tally.labels), "needs_review": tally.needs_review,
            "errors": tally.errors}


def _score_listing(part: Part, target: Path, text_col, title_col, model, options, table_options):
    from .score import score_file

    url = "://" in part.source
    source = _open_stream(part.source) if url else part.source
    try:
        s = score_file(source, str(target), text_column=text_col, title_column=title_col, jobs=1,
                       force=True, model=model, name=part.source if url else None,
                       out_fmt=part.name.rsplit(".", 1)[1], **options, **table_options)
    finally:
        if url:
            source.close()
    return Tally(s.rows, s.labels, s.needs_review, s.errors)


def connect(scheduler: str):
    """A Client for ``scheduler`` (an address, or ``local`` for a LocalCluster on this machine)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--scheduler needs Dask; install it with pip install 'pmrole[dask]'.") from None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc}); "
                         "start one with dask-scheduler, or use --scheduler local.") from None


def _prepare_workers(client, model_path: str, model_id: str) -> None:
    """Every worker loads the model now, so a worker that cannot stops the run before any part."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        raise InputError(f"the scheduler has no workers after {WORKERS_TIMEOUT} s; start some with "
                         "dask-worker ADDRESS.") from None
    try:
        ids = client.run(_worker_ready, model_path)
    except ModelError:
        raise
    except Exception as exc:
        raise InputError(f"the workers cannot load pmrole's model ({type(exc).__name__}: {exc}); "
                         "install pmrole on every worker (pip install 'pmrole[dask]') and make "
                         f"{model_path} readable there.") from None
    wrong = {w: i for w, i in ids.items() if i != model_id}
    if wrong:
        worker, found = next(iter(wrong.items()))
        raise ModelError(f"worker {worker} has model {found} at {model_path}, but the run uses "
                         f"{model_id}; give every worker the same model folder.")


def score_cluster(pattern: str, output, *, scheduler: str, model_path=None, text_column=None,
                  title_column=None, fmt=None, delimiter=None, encoding=None, force: bool = False,
                  top: int = KEYWORDS_IN_CELL, review_confidence: float | None = None,
                  review_margin: float | None = None, log=None, part_rows: int = PART_ROWS,
                  client=None) -> ScoreSummary:
    """Score every file ``pattern`` names on a Dask cluster into the folder ``output``.

    ``client``, an existing distributed.Client, is used instead of connecting to ``scheduler``."""
    from ..model.store import load

    say = log or (lambda msg: None)
    files = expand(str(pattern))
    if not files:
        raise InputError(f"{pattern}: no files match; check the path or pattern (quote it so the "
                         "shell does not expand it).")
    linear = load(model_path)  # a broken model fails here
    model_dir = str(linear.path)
    table_options = {"fmt": fmt, "delimiter": delimiter, "encoding": encoding}
    parts, text_col, title_col, in_fmt = plan(files, text_column, title_column, linear.labels,
                                              table_options, part_rows)
    folder = Path(output)
    check_folder(folder, force)
    say(f"pmrole: {len(files)} {in_fmt.upper()} file(s) in {len(parts)} parts; text column "
        f"{text_col!r}, " + (f"title column {title_col!r}" if title_col else "no title column"))
    options = {"top": top, "review_confidence": review_confidence, "review_margin": review_margin}
    own = client is None
    if own:
        client, cluster = connect(scheduler)
    try:
        _prepare_workers(client, model_dir, linear.id)
        folder.mkdir(exist_ok=True)
        _clear(folder)
        started = time.perf_counter()
        tally = _run(client, parts, str(folder.resolve()), text_col, title_col, model_dir, linear.id,
                     options, table_options)
        seconds = time.perf_counter() - started
        _clear_temporaries(folder)
        write_text(folder / SUCCESS, json.dumps({
            "parts": [p.name for p in parts], "rows": tally.rows, "errors": tally.errors,
            "model": linear.id, "inputs": files}, indent=1) + "\n")
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()
    return ScoreSummary(rows=tally.rows, labels=tally.labels, needs_review=tally.needs_review,
                        errors=tally.errors, seconds=seconds, output=str(folder),
                        text_column=text_col, title_column=title_col, output_format=in_fmt)


def _run(client, parts, folder, text_col, title_col, model_dir, model_id, options, table_options):
    from distributed import as_completed

    run = uuid.uuid4().hex[:8]
    futures = [client.submit(score_part, part, folder, text_col, title_col, model_dir, model_id,
                             options, table_options, key=f"pmrole-{run}-{part.name}", pure=False)
               for part in parts]
    tally = Tally()
    try:
        for future in as_completed(futures):
            done = future.result()  # a part's InputError (a damaged file) stops the run here
            tally.add(Tally(done["rows"], Counter(done["labels"]), done["needs_review"], done["errors"]))
    except BaseException:
        client.cancel(futures)
        raise
    return tally


def _clear(folder: Path) -> None:
    """With --force: the parts and marker of an earlier run go before the new ones are written."""
    for path in folder.iterdir():
        if path.name == SUCCESS or path.name.startswith("part-"):
            path.unlink()


def _clear_temporaries(folder: Path) -> None:
    """Every task has finished: what is left under a temporary name is from an attempt that a
    lost worker did not finish, and nothing will complete it."""
    for path in folder.glob(TMP_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
