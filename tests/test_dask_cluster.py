"""`pmrole score --scheduler`: on a real Dask LocalCluster of two worker processes, the parts
hold every row once with the values of `pmrole score --jobs 1`, each worker loads the model
once, structural problems write nothing, and a worker killed midway costs no row."""

import csv
import os
import signal
import threading
import time

import pytest

pa = pytest.importorskip("pyarrow")
distributed = pytest.importorskip("distributed")
import pyarrow.dataset as ds  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from classifier.batch.cluster import SUCCESS, score_cluster  # noqa: E402
from classifier.batch.worker import model_loads  # noqa: E402
from classifier.errors import EXIT_INPUT, EXIT_ROW_ERRORS  # noqa: E402
from classifier.model.store import resolve  # noqa: E402

from .test_parquet import RESULTS, csv_results, typed_results, write_parquet, write_same_csv  # noqa: E402

SENTENCES = ("You will own the project plan and the budget and lead the delivery team. ",
             "You will interview customers and decide which features we build next. ",
             "Keep the risk register and send weekly status reports to the steering group. ",
             "Own the roadmap and check after each release that users adopt what we shipped. ")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_parquet_parts_equal_pmrole_score_jobs_1_cell_for_cell(client, run, tmp_path):
    inputs = tmp_path / "data"
    inputs.mkdir()
    tables = [write_parquet(inputs / f"{name}.parquet", n=40, row_group_size=16) for name in "ab"]
    result = score_cluster(str(inputs / "*.parquet"), tmp_path / "scored", scheduler="", client=client,
                           part_rows=10)
    assert result.rows == 80 and result.errors == 8
    folder = tmp_path / "scored"
    assert (folder / SUCCESS).exists()
    parts = sorted(p.name for p in folder.glob("part-*.parquet"))
    assert len(parts) == 8 and not list(folder.glob(".pmrole-tmp-*"))
    out = ds.dataset(folder, format="parquet").to_table()  # _SUCCESS is not data
    assert out.num_rows == 80
    expected = []
    for name, table in zip("ab", tables):
        write_same_csv(tmp_path / f"{name}.csv", table)
        assert run("score", tmp_path / f"{name}.csv", "-o", tmp_path / f"{name}.out.csv",
                   "--jobs", "1").exit_code == EXIT_ROW_ERRORS
        expected += csv_results(tmp_path / f"{name}.out.csv")
    assert typed_results(out) == expected
    assert out.select(tables[0].schema.names).to_pylist() == tables[0].to_pylist() + tables[1].to_pylist()
    # Row numbers in pmrole_error count from each file's first row, as locally.
    errors = out.column("pmrole_error").to_pylist()
    assert errors[2] == errors[42] == "row 3: column 'description' is empty; nothing to classify"


def test_each_worker_loads_the_model_once(client, tmp_path):
    write_parquet(tmp_path / "in.parquet", n=60, row_group_size=10)
    for run_number in range(2):
        score_cluster(str(tmp_path / "in.parquet"), tmp_path / f"out{run_number}", scheduler="",
                      client=client, part_rows=10)
    loads = client.run(model_loads)
    assert len(loads) == 2
    assert all(found == [str(resolve(None))] for found in loads.values()), loads


def test_csv_input_gives_csv_parts_equal_to_pmrole_score(client, run, tmp_path):
    inputs = tmp_path / "data"
    inputs.mkdir()
    for name in "ab":
        write_same_csv(inputs / f"{name}.csv", write_parquet(tmp_path / f"{name}.parquet", n=12))
    address = client.scheduler.address
    result = run("score", inputs / "*.csv", "-o", tmp_path / "scored", "--scheduler", address)
    assert result.exit_code == EXIT_ROW_ERRORS, result.output
    assert "scored 24 rows" in result.stderr
    for name, part in zip("ab", ("part-00000.csv", "part-00001.csv")):
        assert run("score", inputs / f"{name}.csv", "-o", tmp_path / f"{name}.csv",
                   "--jobs", "1").exit_code == EXIT_ROW_ERRORS
        assert read_csv(tmp_path / "scored" / part) == read_csv(tmp_path / f"{name}.csv")
    assert (tmp_path / "scored" / SUCCESS).exists()


def test_a_structural_problem_in_any_input_writes_nothing(client, run, tmp_path):
    inputs = tmp_path / "data"
    inputs.mkdir()
    write_parquet(inputs / "a.parquet", n=8)
    pq.write_table(pa.table({"id": [1], "notes": ["text"]}), inputs / "b.parquet")
    result = run("score", inputs / "*.parquet", "-o", tmp_path / "scored", "--scheduler",
                 client.scheduler.address)
    assert result.exit_code == EXIT_INPUT
    assert "b.parquet: cannot tell which column holds the posting text" in result.stderr
    assert not (tmp_path / "scored").exists()


def test_an_existing_output_folder_needs_force(client, run, tmp_path):
    write_parquet(tmp_path / "in.parquet", n=8)
    (tmp_path / "scored").mkdir()
    (tmp_path / "scored" / "notes.txt").write_text("mine")
    result = run("score", tmp_path / "in.parquet", "-o", tmp_path / "scored", "--scheduler",
                 client.scheduler.address)
    assert result.exit_code == EXIT_INPUT
    assert "already exists and is not empty; pass --force" in result.stderr
    assert sorted(p.name for p in (tmp_path / "scored").iterdir()) == ["notes.txt"]


def test_no_matching_input_is_refused(client, run, tmp_path):
    result = run("score", tmp_path / "*.parquet", "-o", tmp_path / "scored", "--scheduler",
                 client.scheduler.address)
    assert result.exit_code == EXIT_INPUT
    assert "no files match" in result.stderr


def test_a_worker_killed_midway_still_gives_every_row_once(client, tmp_path):
    n = 3000
    texts = [SENTENCES[i % 4] * 12 + f"Posting {i}." for i in range(n)]
    pq.write_table(pa.table({"id": list(range(n)), "title": ["Manager"] * n, "description": texts}),
                   tmp_path / "in.parquet", row_group_size=100)
    folder = tmp_path / "scored"
    outcome = {}

    def score():
        try:
            outcome["summary"] = score_cluster(str(tmp_path / "in.parquet"), folder, scheduler="",
                                               client=client, part_rows=100)
        except BaseException as exc:  # reported by the assertion below
            outcome["error"] = exc

    worker = threading.Thread(target=score)
    worker.start()
    deadline = time.monotonic() + 60
    while not list(folder.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.02)
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)
    killed_midway = not (folder / SUCCESS).exists()
    worker.join(timeout=240)
    assert "error" not in outcome, outcome.get("error")
    assert killed_midway
    assert outcome["summary"].rows == n
    out = ds.dataset(folder, format="parquet").to_table()
    assert sorted(out.column("id").to_pylist()) == list(range(n))
    assert out.column("pmrole_label").null_count == 0
    assert len(list(folder.glob("part-*.parquet"))) == n // 100
    assert not list(folder.glob(".pmrole-tmp-*"))
    assert victim not in client.run(os.getpid).values()
