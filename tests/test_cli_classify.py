"""`pmrole classify`: output, JSON schema, exit codes and error messages."""

import json

import pytest

from classifier.errors import EXIT_INPUT, EXIT_MODEL
from classifier.labels import LABELS

from .conftest import ROOT

EXAMPLES = ROOT / "examples"


def test_classify_prints_label_keywords_traits_and_evidence(run):
    result = run("classify", EXAMPLES / "posting.html")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(f"{EXAMPLES / 'posting.html'} — Senior Project Manager – Warehouse Automation\n")
    assert "  project-manager  " in out
    for heading in ("probabilities:", "keywords (+ towards project-manager", "role traits found:", "evidence:"):
        assert heading in out
    assert "budget_and_cost" in out and "Owns the budget, the cost and the duration of the work." in out


def test_classify_json_schema(run):
    result = run("classify", "--json", EXAMPLES / "posting.txt")
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    assert {"schema_version", "file", "title", "label", "confidence", "runner_up", "needs_review",
            "probabilities", "keywords", "bias", "rest", "traits", "evidence", "model", "notes"} <= set(obj)
    assert obj["schema_version"] == 2
    assert obj["file"] == str(EXAMPLES / "posting.txt")
    assert obj["label"] == "product-manager"
    assert list(obj["probabilities"]) == list(LABELS)
    assert sum(obj["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert obj["model"].startswith("pmrole-")
    kw = obj["keywords"][0]
    assert set(kw) == {"term", "weight", "trait", "spans"} and set(kw["spans"][0]) == {"field", "start", "end"}
    trait = obj["traits"][0]
    assert {"name", "role", "idea", "count", "phrases", "spans"} <= set(trait)
    assert set(trait["spans"][0]) == {"field", "start", "end"}  # the keywords' shape
    assert 1 <= len(obj["evidence"]) <= 3


def test_classify_json_one_line_per_input_and_top(run):
    result = run("classify", "--json", "--top", "3", EXAMPLES / "posting.txt", EXAMPLES / "posting.json")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 2
    assert [len(json.loads(l)["keywords"]) for l in lines] == [3, 3]
    assert json.loads(lines[1])["title"] == "Digital Product & Delivery Lead"


def test_classify_reads_stdin(run):
    text = (EXAMPLES / "posting.txt").read_text(encoding="utf-8")
    result = run("classify", "--json", "-", input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["file"] == "<stdin>"


def test_classify_missing_file_exit_code_and_message(run, tmp_path):
    result = run("classify", tmp_path / "missing.txt")
    assert result.exit_code == EXIT_INPUT == 3
    assert result.stderr == f"Error: {tmp_path / 'missing.txt'}: no such file; check the path.\n"
    assert "Traceback" not in result.output


def test_classify_many_files_keeps_going_after_a_bad_one(run, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run("classify", "--json", empty, EXAMPLES / "posting.txt")
    assert result.exit_code == EXIT_INPUT
    assert len(result.stdout.splitlines()) == 1
    assert f"Error: {empty}: the file is empty" in result.stderr


def test_classify_missing_model_exit_code(run, tmp_path):
    result = run("classify", "--model", tmp_path / "nowhere", EXAMPLES / "posting.txt")
    assert result.exit_code == EXIT_MODEL == 4
    assert result.stderr.startswith(f"Error: {tmp_path / 'nowhere'}: no model here. Train one with")


def test_classify_corrupt_model_names_the_file(run, shipped_model_copy):
    coef = shipped_model_copy / "coef.npy"
    coef.write_bytes(coef.read_bytes()[: len(coef.read_bytes()) // 2])
    result = run("classify", "--model", shipped_model_copy, EXAMPLES / "posting.txt")
    assert result.exit_code == EXIT_MODEL
    assert result.stderr == (f"Error: {coef}: the file does not match the sha256 in card.json (corrupt or "
                             "edited). Rebuild it with `pmrole train`, or switch to a kept version with "
                             "`pmrole models use`.\n")


def test_classify_model_missing_a_file(run, shipped_model_copy):
    (shipped_model_copy / "idf.npy").unlink()
    result = run("classify", "--model", shipped_model_copy, EXAMPLES / "posting.txt")
    assert result.exit_code == EXIT_MODEL
    assert "the model is incomplete (idf.npy is missing)" in result.stderr


def test_classify_model_of_another_format_version(run, shipped_model_copy):
    card = json.loads((shipped_model_copy / "card.json").read_text())
    card["format_version"] = 99
    (shipped_model_copy / "card.json").write_text(json.dumps(card))
    result = run("classify", "--model", shipped_model_copy, EXAMPLES / "posting.txt")
    assert result.exit_code == EXIT_MODEL
    assert "model format version 99, but this pmrole reads versions 1, 2" in result.stderr


def test_usage_error_exit_code(run):
    result = run("classify")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
