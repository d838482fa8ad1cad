"""`pmrole train`: validation of new examples, the regression guard, versioned and atomic saves."""

import json
import shutil
import signal
import subprocess
import sys

import pytest

from classifier.training.corpus import DEFAULT_CORPUS
from classifier.errors import EXIT_INPUT, EXIT_REGRESSION
from classifier.model.store import CURRENT, load

from .conftest import ROOT

ROTATE = {"project-manager": "product-manager", "product-manager": "other", "other": "project-manager",
          "hybrid": "other"}


@pytest.fixture(scope="module")
def split_corpus(tmp_path_factory):
    """A third of the corpus, 340 held-out examples (40 kept good, 300 to be mislabelled), and a
    store holding a model trained on that third."""
    root = tmp_path_factory.mktemp("lifecycle")
    corpus = root / "corpus"
    shutil.copytree(DEFAULT_CORPUS, corpus)
    held = []
    for path in sorted((corpus / "examples").glob("*.jsonl")):
        rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()]
        keep = []
        for i, row in enumerate(rows):
            # A third of each writer's examples trains the model (three trainings here: time);
            # the held-out ones come from another third.
            if i % 3 == 1 and len(held) < 340:
                held.append(row)
            elif i % 3 == 0:
                keep.append(row)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep), encoding="utf-8")
    good = root / "good.csv"
    import csv

    with good.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "text", "label"])
        for r in held[:40]:
            w.writerow([r["title"], r["text"], r["label"]])
    bad = root / "mislabelled.jsonl"
    bad.write_text("".join(json.dumps({"title": r["title"], "text": r["text"], "label": ROTATE[r["label"]]})
                           + "\n" for r in held[40:]), encoding="utf-8")
    store = root / "store"
    from click.testing import CliRunner

    from classifier.cli import cli

    result = CliRunner().invoke(cli, ["train", "--corpus", str(corpus), "--output", str(store)])
    assert result.exit_code == 0, result.output
    return {"root": root, "corpus": corpus, "good": good, "bad": bad, "store": store}


def test_first_training_saves_a_current_version(split_corpus):
    store = split_corpus["store"]
    version = (store / CURRENT).read_text().strip()
    assert load(store).id == version
    assert (store / version / "card.json").exists()


def test_mislabelled_examples_are_refused_and_the_current_model_stays(run, split_corpus):
    store = split_corpus["store"]
    before = (store / CURRENT).read_text()
    folders = sorted(p.name for p in store.iterdir())
    result = run("train", "--corpus", split_corpus["corpus"], "--output", store, "--add", split_corpus["bad"])
    assert result.exit_code == EXIT_REGRESSION == 6
    assert "Not saved: " in result.stderr and "The current model" in result.stderr
    assert "pass --force to save it anyway." in result.stderr
    assert (store / CURRENT).read_text() == before
    assert sorted(p.name for p in store.iterdir()) == folders


def test_good_examples_are_added_and_the_old_version_kept(run, split_corpus, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(split_corpus["store"], store)
    old = (store / CURRENT).read_text().strip()
    mine = tmp_path / "mine.jsonl"
    result = run("train", "--corpus", split_corpus["corpus"], "--output", store,
                 "--add", split_corpus["good"], "--save-examples", mine)
    assert result.exit_code == 0, result.output
    assert "new examples: 40 accepted, 0 problem(s)" in result.stdout
    assert "new examples right (new: out-of-fold)" in result.stdout
    new = (store / CURRENT).read_text().strip()
    assert new != old and f"previous: {old}" in result.stdout
    assert len(mine.read_text().splitlines()) == 40
    listing = run("models", "list", "--store", store).stdout
    assert f"* {new}" in listing and f"  {old}" in listing
    assert run("models", "use", old, "--store", store).exit_code == 0
    assert (store / CURRENT).read_text().strip() == old


def test_new_examples_are_validated_with_row_numbers(run, split_corpus, tmp_path):
    corpus_text = json.loads((split_corpus["corpus"] / "examples" / "w1.jsonl").read_text().splitlines()[0])["text"]
    long_text = "You will plan the work, hold the budget, lead the team and report to the board every week. " * 3
    src = tmp_path / "new.csv"
    import csv

    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows([[long_text, "projet manager"], ["Too short to learn from.", "other"],
                     [corpus_text, "other"], [long_text + " Extra.", "project-manager"],
                     [long_text + " Extra.", "hybrid"]])
    result = run("train", "--corpus", split_corpus["corpus"], "--output", tmp_path / "s", "--add", src, "--strict")
    assert result.exit_code == EXIT_INPUT
    err = result.stderr
    assert f"{src} row 1: unknown label 'projet-manager'; did you mean 'project-manager'?" in err
    assert f"{src} row 2: text has 5 words; an example needs at least 20." in err
    assert f"{src} row 3: exact duplicate of corpus example " in err
    assert f"{src}: the same text has conflicting labels: row 4 (project-manager), row 5 (hybrid)." in err
    assert "--strict: nothing trained" in err
    assert not (tmp_path / "s").exists()


def test_save_examples_refuses_the_shipped_corpus(run, split_corpus):
    result = run("train", "--corpus", split_corpus["corpus"], "--output", split_corpus["root"] / "x",
                 "--add", split_corpus["good"], "--save-examples", DEFAULT_CORPUS / "examples" / "mine.jsonl")
    assert result.exit_code == EXIT_INPUT
    assert "is inside the shipped corpus" in result.stderr
    assert not (DEFAULT_CORPUS / "examples" / "mine.jsonl").exists()


# Kills the saving process at each step of a save: the new version's files half-written, the
# version folder complete but not yet renamed into place, the folder in place but CURRENT not
# yet replaced. The last call before each step is where SIGKILL lands.
SAVE_AND_DIE = """
import os, signal, sys
from pathlib import Path

import classifier.atomic
import classifier.model.format
import classifier.model.store
from classifier.model.store import load, save_version

point, store = sys.argv[1], Path(sys.argv[2])
model = load(store)
model.temperature *= 1.01  # another model, so another version id
card = {k: v for k, v in model.card.items() if k not in ("model_id", "artifacts")}


def dying(module, name, nth):
    real, calls = getattr(module, name), []

    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) == nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(module, name, call)


if point == "files half-written":
    dying(classifier.model.format.np, "save", 2)
elif point == "folder not yet in place":
    dying(classifier.model.store.os, "replace", 1)
elif point == "CURRENT not yet replaced":
    dying(classifier.atomic.os, "replace", 1)
save_version(store, model, card)
"""


@pytest.mark.parametrize("point", ["files half-written", "folder not yet in place", "CURRENT not yet replaced"])
def test_sigkill_during_the_save_leaves_the_previous_model_working(point, tmp_path):
    from classifier.packaged import packaged_store

    store = tmp_path / "store"
    shutil.copytree(packaged_store(), store)
    before = (store / CURRENT).read_text()
    proc = subprocess.run([sys.executable, "-c", SAVE_AND_DIE, point, str(store)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr  # killed inside the save, as planned
    assert (store / CURRENT).read_text() == before
    assert load(store).id == before.strip()
    from click.testing import CliRunner

    from classifier.cli import cli

    result = CliRunner().invoke(cli, ["classify", "--model", str(store), str(ROOT / "examples" / "posting.txt")])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(cli, ["models", "list", "--store", str(store)]).stdout
    assert f"* {before.strip()} " in listed and ".pmrole-tmp-" not in listed


def test_model_info(run):
    result = run("model", "info")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("model pmrole-")  # after "in use: …"
    assert "cross-validated" in result.stdout and "artifacts (sha256):" in result.stdout
    card = json.loads(run("model", "info", "--json").stdout)
    assert card["model_id"].startswith("pmrole-")
