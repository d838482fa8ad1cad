"""What pmrole writes, and what it leaves behind (issue 10): nothing overwritten without --force,
no partial file or live worker after SIGTERM, only dead runs' temporaries swept, files that
respect the umask, a closed stdout and a malformed model card reported with their exit codes."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from classifier.atomic import TMP_PREFIX, prefix, sweep_stale, write_text
from classifier.errors import (EXIT_INPUT, EXIT_MODEL, EXIT_PIPE_CLOSED, EXIT_TERMINATED)
from classifier.model.store import CURRENT, clean_temporary

PROJECT = ("You will own the project plan and the budget, lead the delivery team, keep the risk "
           "register and send weekly status reports to the steering group until go-live.")


def write_listing(path, rows=3):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "description"])
        w.writerows([["Project Manager", PROJECT]] * rows)
    return path


def labelled(path):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "text", "label"])
        w.writerow(["Project Manager", PROJECT, "project-manager"])
    return path


# --- evaluate --report -----------------------------------------------------------------------------

def test_evaluate_report_does_not_overwrite_without_force(run, tmp_path):
    src = labelled(tmp_path / "labels.csv")
    report = tmp_path / "report.html"
    report.write_text("mine", encoding="utf-8")
    result = run("evaluate", src, "--report", report)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {report}: already exists; pass --force to replace it, or choose "
                             "another --report.\n")
    assert result.stdout == ""  # refused before the evaluation, not after it
    assert report.read_text(encoding="utf-8") == "mine"
    assert run("evaluate", src, "--report", report, "--force").exit_code == 0
    assert report.read_text(encoding="utf-8").lower().startswith("<!doctype html>")


def test_evaluate_report_never_replaces_its_own_input(run, tmp_path):
    src = labelled(tmp_path / "labels.csv")
    before = src.read_bytes()
    result = run("evaluate", src, "--report", src, "--force")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == f"Error: {src}: is the input file; write to another file.\n"
    assert src.read_bytes() == before


def test_evaluate_says_which_columns_it_chose_and_never_reads_the_label_as_title(run, tmp_path):
    src = tmp_path / "labels.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["description", "role"])
        w.writerow([PROJECT, "project-manager"])
    result = run("evaluate", src)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"pmrole: reading {src}: text column 'description', no title column, "
                                    "label column 'role'\n")


# --- output paths ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("out.xlsx", "{out}: pmrole writes CSV, TSV, JSON Lines or Parquet, not .xlsx; name the output "
                 ".csv, .tsv, .jsonl (add .gz to compress) or .parquet."),
    ("out.parquet.gz", "{out}: Parquet compresses itself; name the output .parquet, without .gz."),
    ("missing/out.csv", "{out}: the folder {parent} does not exist; create it first."),
], ids=["xlsx", "parquet-gz", "missing-folder"])
def test_output_path_refused_before_scoring(run, tmp_path, name, message):
    src = write_listing(tmp_path / "in.csv")
    out = tmp_path / name
    result = run("score", src, "-o", out)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == f"Error: {message.format(out=out, parent=out.parent)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_output_that_is_a_directory_is_refused_even_with_force(run, tmp_path):
    src = write_listing(tmp_path / "in.csv")
    (tmp_path / "d").mkdir()
    result = run("score", src, "-o", tmp_path / "d", "--force")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == f"Error: {tmp_path / 'd'}: is a directory; give a file name to -o.\n"


def test_output_that_is_a_device_is_never_replaced(run, tmp_path):
    src = write_listing(tmp_path / "in.csv")
    result = run("score", src, "-o", "/dev/null", "--force")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == "Error: /dev/null: is not a regular file; give a file name to -o, or - for stdout.\n"
    assert Path("/dev/null").is_char_device()


def test_output_on_proc_is_an_input_error(run, tmp_path):
    src = write_listing(tmp_path / "in.csv")
    result = run("score", src, "-o", "/proc/pmrole-scored.csv")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == ("Error: /proc/pmrole-scored.csv: cannot write in /proc (No such file or "
                             "directory); choose another -o.\n")  # before reading: no column line


def test_output_files_respect_the_umask(run, tmp_path):
    src = write_listing(tmp_path / "in.csv")
    old = os.umask(0o022)
    try:
        assert run("score", src, "-o", tmp_path / "o.csv").exit_code == 0
        write_text(tmp_path / "note.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "o.csv").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "note.txt").stat().st_mode & 0o777 == 0o644


# --- temporaries -----------------------------------------------------------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_temporaries_of_dead_runs_are_swept(tmp_path):
    dead = tmp_path / f"{TMP_PREFIX}{_dead_pid()}-abc.part"
    dead.write_text("partial")
    live = tmp_path / f"{prefix()}def.part"
    live.write_text("being written")
    other_live = tmp_path / f"{TMP_PREFIX}1-ghi"  # pid 1 is always alive
    other_live.mkdir()
    assert sweep_stale(tmp_path) == [dead]
    assert live.exists() and other_live.exists() and not dead.exists()


def test_store_cleaning_leaves_a_concurrent_save_alone(tmp_path):
    concurrent = tmp_path / f"{TMP_PREFIX}1-save"
    concurrent.mkdir()
    (concurrent / "model.json").write_text("{}")
    stale = tmp_path / f"{TMP_PREFIX}{_dead_pid()}-save"
    stale.mkdir()
    clean_temporary(tmp_path)
    assert concurrent.is_dir() and not stale.exists()


# --- the model store -------------------------------------------------------------------------------

@pytest.mark.parametrize("content", ["[]", '{"format_version": 2, "artifacts": []}', "1" * 5000],
                         ids=["list", "wrong-types", "huge-number"])
def test_malformed_card_is_a_model_error(run, tmp_path, shipped_model_copy, content):
    (shipped_model_copy / "card.json").write_text(content, encoding="utf-8")
    posting = tmp_path / "p.txt"
    posting.write_text("Project Manager\n\n" + PROJECT, encoding="utf-8")
    result = run("classify", "--model", shipped_model_copy, posting)
    assert result.exit_code == EXIT_MODEL
    assert result.stderr.startswith(f"Error: {shipped_model_copy}")
    assert "Traceback" not in result.stderr


def test_models_list_survives_a_malformed_card(run, tmp_path, shipped_model_copy):
    store = tmp_path / "store"
    store.mkdir()
    shipped_model_copy.rename(store / "pmrole-broken")
    (store / "pmrole-broken" / "card.json").write_text("[]", encoding="utf-8")
    (store / CURRENT).write_text("pmrole-broken\n")
    result = run("models", "list", "--store", store)
    assert result.exit_code == 0
    assert "pmrole-broken" in result.stdout


# --- processes -------------------------------------------------------------------------------------

def _pmrole(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "classifier", *map(str, args)], **kw)


def test_sigterm_during_parallel_scoring_is_like_ctrl_c(tmp_path):
    src = write_listing(tmp_path / "in.csv", rows=40_000)
    out = tmp_path / "o.csv"
    proc = _pmrole("score", src, "-o", out, "--jobs", "2", "-q", stderr=subprocess.PIPE, text=True)
    me = psutil.Process(proc.pid)
    deadline = time.time() + 60
    workers = []
    while time.time() < deadline and not workers:
        workers = [c for c in me.children(recursive=True) if "loky" in " ".join(c.cmdline()) or
                   "joblib" in " ".join(c.cmdline())]
        time.sleep(0.1)
    assert workers, "the workers never started"
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_TERMINATED, stderr
    assert "Terminated." in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers still running: {[p.pid for p in alive]}"


def test_closed_stdout_is_exit_141_with_a_message(tmp_path):
    src = write_listing(tmp_path / "in.csv", rows=3000)
    proc = _pmrole("score", src, "-o", "-", "--jobs", "1", "-q", stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode == EXIT_PIPE_CLOSED, stderr
    assert stderr == ("pmrole: the output was closed before pmrole finished writing (e.g. by `| head`); "
                      "the output is incomplete.\n")


def test_small_inputs_are_scored_without_starting_workers():
    from classifier.batch.score import PARALLEL_FROM_ROWS, _default_jobs

    small = iter([[object()] * 40])
    jobs, batches = _default_jobs(small, 256)
    assert jobs == 1 and len(list(batches)) == 1
    big = iter([[object()] * 256 for _ in range(PARALLEL_FROM_ROWS // 256 + 3)])
    jobs, batches = _default_jobs(big, 256)
    assert jobs == (os.cpu_count() or 1)
    assert len(list(batches)) == PARALLEL_FROM_ROWS // 256 + 3  # none lost to the look-ahead
