"""`pmrole evaluate`: per-class report, calibration, coverage, misclassified, HTML report."""

import csv
import json

import pytest

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


def test_evaluate_json(run, labelled_csv):
    obj = json.loads(run("evaluate", labelled_csv, "--json", "--no-title").stdout)
    assert obj["with_title"] is False and obj["n"] == 120
    assert set(obj["per_class"]) == {"project-manager", "product-manager", "hybrid", "other"}
    assert 0 <= obj["calibration"]["ece"] <= 1 and obj["coverage"][0]["coverage"] == 1.0
    assert len(obj["confusion"]) == 4


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
    assert result.stderr.startswith(f"Error: {path} row 1: unknown label 'manager'")


@pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata/dev.jsonl is not here (it is only "
                    "beside the project in the developers' workspace and CI)")
def test_evaluate_on_the_real_postings(run, tmp_path):
    report = tmp_path / "dev.html"
    result = run("evaluate", REALDATA, "--report", report)
    assert result.exit_code == 0
    assert "project-manager" in result.stdout and report.exists()
