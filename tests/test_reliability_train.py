"""The retraining guard and `train`'s paths (issue 10): confident disagreements refused, near
copies kept once, every path checked before training, refused examples never saved.

Training here runs on a tiny corpus (4 writers, 60 examples); the current model of the store is
a copy of the shipped one, so its disagreements with swapped labels are confident.
"""

import csv
import json
import shutil

import pytest

from classifier.errors import EXIT_INPUT, EXIT_REGRESSION
from classifier.model.store import CURRENT, resolve
from classifier.reading.labelled import LabelledRow, suggest_label
from classifier.training.corpus import DEFAULT_CORPUS
from classifier.training.retrain import (DISAGREE_P, confident_disagreements, too_many_disagreements,
                                         validate_new)

SWAP = {"project-manager": "product-manager", "product-manager": "project-manager"}
WRITERS = ("r2a", "r2b", "r2c", "r2d")


def corpus_rows(name):
    return [json.loads(l) for l in (DEFAULT_CORPUS / "examples" / f"{name}.jsonl").read_text(
        encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A 60-example corpus, a store whose current model is the shipped one, and 12 postings from
    other writers with project and product labels swapped."""
    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "corpus"
    (corpus / "examples").mkdir(parents=True)
    for item in DEFAULT_CORPUS.iterdir():
        if item.is_file():  # traits and guidelines; no bank of surrounding passages: faster
            shutil.copy(item, corpus / item.name)
    for name in WRITERS:
        rows = corpus_rows(name)[:15]
        (corpus / "examples" / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    store = root / "store"
    shipped = resolve(None)
    shutil.copytree(shipped, store / shipped.name)
    (store / CURRENT).write_text(shipped.name + "\n", encoding="utf-8")
    swapped = root / "swapped.csv"
    picked = [r for r in corpus_rows("r2e") + corpus_rows("r2f") if r["label"] in SWAP][:12]
    with swapped.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "text", "label"])
        for r in picked:
            w.writerow([r["title"], r["text"], SWAP[r["label"]]])
    return {"root": root, "corpus": corpus, "store": store, "swapped": swapped, "current": shipped.name}


@pytest.fixture(scope="module")
def refused(tiny):
    from click.testing import CliRunner

    from classifier.cli import cli

    mine = tiny["root"] / "mine.jsonl"
    result = CliRunner().invoke(cli, ["train", "--corpus", tiny["corpus"], "--output", tiny["store"],
                                      "--add", tiny["swapped"], "--save-examples", mine])
    return result, mine


def test_swapped_labels_are_refused_with_each_confident_disagreement(refused, tiny):
    result, _ = refused
    assert result.exit_code == EXIT_REGRESSION
    out = result.stderr
    assert f"the current model confidently disagrees with 12 of the 12 new labels (its probability for the given label under {DISAGREE_P}):" in out
    rows = [l for l in out.splitlines() if l.startswith(f"  {tiny['swapped']} row ")]
    assert any(": labelled product-manager, current model p=0.0" in l for l in rows)
    assert len([l for l in rows if "current model p=" in l]) == 12
    not_saved = next(l for l in out.splitlines() if l.startswith("Not saved: "))
    assert ("the current model confidently disagrees with 12 of the 12 new labels; check that the label "
            "column is the right one and the labels are not swapped") in not_saved
    assert f"The current model {tiny['current']} stays in use" in not_saved
    assert (tiny["store"] / CURRENT).read_text().strip() == tiny["current"]


def test_refused_examples_are_not_saved(refused):
    result, mine = refused
    assert result.exit_code == EXIT_REGRESSION
    assert not mine.exists()
    assert f"the new examples were not added to {mine}" in result.stderr


def test_forced_save_names_the_store_in_the_way_back_and_saves_the_examples(refused, tiny, run):
    mine = tiny["root"] / "forced.jsonl"
    result = run("train", "--corpus", tiny["corpus"], "--output", tiny["store"], "--add", tiny["swapped"],
                 "--save-examples", mine, "--force")
    assert result.exit_code == 0, result.output
    assert (f"`pmrole models use {tiny['current']} --model {tiny['store']}` goes back" in result.stdout)
    assert len(mine.read_text(encoding="utf-8").splitlines()) == 12
    assert "(corpus examples only: the guard's basis)" in result.stdout
    assert "(all examples each model was trained on)" in result.stdout
    # train says which columns it chose, as score does
    assert f"pmrole: reading {tiny['swapped']}: text column 'text', title column 'title', label column 'label'" in result.stderr


def test_a_few_disagreements_are_reported_but_do_not_refuse():
    assert not too_many_disagreements(2, 100)
    assert not too_many_disagreements(20, 100)
    assert too_many_disagreements(26, 100)
    assert too_many_disagreements(3, 4)


def test_confident_disagreements_use_the_current_models_probability(model):
    from classifier.training.corpus import Example

    rows = [r for r in corpus_rows("r2a") if r["label"] in SWAP][:4]
    added = [Example(id=r["id"], label=SWAP[r["label"]], text=r["text"], title=r["title"]) for r in rows]
    added.append(Example(id="right", label=rows[0]["label"], text=rows[0]["text"], title=rows[0]["title"]))
    predictions = [model.classify(e.text, e.title, evidence=False) for e in added]
    found = confident_disagreements(added, predictions)
    assert [e.id for e, _ in found] and "right" not in [e.id for e, _ in found]
    assert all(p.probabilities[e.label] < DISAGREE_P for e, p in found)


# --- validation of the new rows ------------------------------------------------------------------

def _row(number, text, label="project-manager"):
    return LabelledRow(number, text, "Project Manager", label, "new.csv")


def test_near_copies_within_the_added_file_are_kept_once():
    base = corpus_rows("r2a")[0]["text"]
    rows = [_row(1, base)] + [_row(n, base + f" Reference code {n}{n}{n}.") for n in range(2, 7)]
    result = validate_new(rows, corpus=[])
    assert len(result.accepted) == 1 and result.accepted[0].origin == "new.csv row 1"
    assert [i for i in result.issues if "near copy" in i] == [
        f"new.csv row {n}: near copy of row 1 (Jaccard 0.99); kept once." for n in range(2, 7)]


def test_label_both_suggests_hybrid():
    assert suggest_label("both") == "hybrid"
    assert suggest_label("neither") == "other"
    result = validate_new([_row(1, "word " * 30, label="both")], corpus=[])
    assert result.issues == ["new.csv row 1: unknown label 'both'; did you mean 'hybrid'?"]


# --- paths checked before training ---------------------------------------------------------------

def test_missing_evaluate_on_is_found_before_training(run, tmp_path):
    result = run("train", "--output", tmp_path / "store", "--evaluate-on", tmp_path / "missing.jsonl")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == f"Error: {tmp_path / 'missing.jsonl'}: no such file; check the path.\n"
    assert not (tmp_path / "store").exists()


def test_save_examples_that_is_not_jsonl_is_refused_before_training(run, tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("title,text,label\nPM,plan,project-manager\n", encoding="utf-8")
    result = run("train", "--output", tmp_path / "store", "--save-examples", notes)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {notes} line 1: not an example of a --save-examples file (a JSON "
                             "object with an id); give a new file, or one it wrote before.\n")
    assert notes.read_text(encoding="utf-8") == "title,text,label\nPM,plan,project-manager\n"


def test_save_examples_in_a_missing_folder_is_refused_before_training(run, tmp_path):
    result = run("train", "--output", tmp_path / "store", "--save-examples", tmp_path / "no" / "x.jsonl")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {tmp_path / 'no' / 'x.jsonl'}: the folder {tmp_path / 'no'} does "
                             "not exist; create it first.\n")


def test_store_on_proc_is_refused_before_training(run):
    result = run("train", "--output", "/proc/pmrole-store")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == ("Error: /proc/pmrole-store: cannot create or write the model store in /proc "
                             "(No such file or directory); choose another --model.\n")


def test_output_that_is_a_file_is_refused_before_training(run, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep me", encoding="utf-8")
    result = run("train", "--output", target)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {target}: is a file, not a model store; give --model a folder "
                             "(it is created if missing).\n")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_an_unclosed_quote_in_an_added_file_names_its_row(run, tmp_path):
    text = " ".join(["word"] * 30)
    added = tmp_path / "add.csv"
    added.write_text(f'title,text,label\nPM,"{text},project-manager\nPO,{text},product-manager\n',
                     encoding="utf-8")
    result = run("train", "--output", tmp_path / "store", "--add", added)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.endswith(f"Error: {added} row 1: the row cannot be parsed as CSV (an opening quote "
                                  "is never closed); its text is kept as it was; fix the quotes.\n")
    assert not (tmp_path / "store").exists()
