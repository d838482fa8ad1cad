"""`pmrole evaluate`: per-class report, calibration, coverage, misclassified, HTML report."""

import csv
import json

import pytest

from classifier.labels import LABELS, SINGLE_ROLE
from classifier.training.corpus import DEFAULT_CORPUS, load_examples

from .conftest import REALDATA


@pytest.fixture(scope="module")
def labelled_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("eval") / "labelled.csv"
    examples = [e for e in load_examples(DEFAULT_CORPUS) if e.split == "test"][:120]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["job_title", "description", "label"])
        w.writerows([e.title, e.text, e.label] for e in examples)
    return path


def test_evaluate_prints_the_report(run, labelled_csv):
    result = run("evaluate", labelled_csv)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(f"{labelled_csv}: 120 postings, model pmrole-")
    assert "label              precision  recall      f1  support" in out
    assert "confusion (rows: true, columns: predicted)" in out
    assert "expected calibration error" in out
    assert "coverage (postings below the confidence threshold go to review):" in out
    assert "misclassified: " in out


def test_evaluate_json(run, labelled_csv, model):
    obj = json.loads(run("evaluate", labelled_csv, "--json", "--no-title").stdout)
    assert obj["with_title"] is False and obj["n"] == 120 and obj["model"] == model.id
    rows = list(csv.DictReader(labelled_csv.open(encoding="utf-8")))
    truth = [r["label"] for r in rows]
    predicted = [model.classify(r["description"], None, evidence=False).label for r in rows]
    labels = obj["labels"]
    assert labels == list(LABELS)
    assert obj["confusion"] == [[sum(t == a and p == b for t, p in zip(truth, predicted)) for b in labels]
                                for a in labels]
    assert {k: v["support"] for k, v in obj["per_class"].items()} == {l: truth.count(l) for l in labels}
    right = sum(t == p for t, p in zip(truth, predicted))
    assert obj["accuracy"] == pytest.approx(right / 120)
    assert len(obj["misclassified"]) == 120 - right
    assert obj["macro_f1_single_role"] == pytest.approx(
        sum(obj["per_class"][l]["f1"] for l in SINGLE_ROLE) / 3)
    assert obj["coverage"][0] == {"threshold": 0.0, "coverage": 1.0, "accuracy": pytest.approx(right / 120)}
    assert sum(b["count"] for b in obj["calibration"]["bins"]) == 120
    with_title = json.loads(run("evaluate", labelled_csv, "--json").stdout)
    assert with_title["with_title"] is True and with_title["accuracy"] >= obj["accuracy"]


def test_evaluate_html_report_is_self_contained(run, labelled_csv, tmp_path):
    report = tmp_path / "report.html"
    assert run("evaluate", labelled_csv, "--report", report).exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "reliability diagram" in page and "coverage curve" in page
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")


def test_evaluate_unknown_label_names_the_row(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,label\n" + '"' + "word " * 30 + '",manager\n', encoding="utf-8")
    result = run("evaluate", path)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1].startswith(f"Error: {path} row 1: unknown label 'manager'")


@pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata/dev.jsonl is not here (it is only "
                    "beside the project in the developers' workspace and CI)")
def test_evaluate_on_the_real_postings(run, tmp_path):
    report = tmp_path / "dev.html"
    result = run("evaluate", REALDATA, "--report", report, "--json")
    assert result.exit_code == 0 and report.exists()
    obj = json.loads(result.stdout)
    # Floors a little under the README's measured numbers (macro-F1 0.910, accuracy 0.903 with titles): a model
    # that regresses past them fails here, not only in a reviewer's eyes.
    assert obj["macro_f1_single_role"] >= 0.87, obj["macro_f1_single_role"]
    assert obj["accuracy"] >= 0.86, obj["accuracy"]
