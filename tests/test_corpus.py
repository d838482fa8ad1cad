"""The corpus check: the shipped corpus passes; each kind of defect is caught and named."""

import json
import shutil

import pytest

from classifier.training.corpus import DEFAULT_CORPUS, check, load_examples, near_duplicates
from classifier.errors import InputError
from classifier.labels import LABELS


@pytest.fixture
def corpus(tmp_path):
    """A writable copy of the shipped corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, target)
    return target


def _append(corpus, **fields):
    row = {"id": "t-001", "label": "other", "title": "", "text": " ".join(["Filler words for a plain posting"] * 10),
           "traits": [], "industry": "software", "seniority": "mid", **fields}
    with open(corpus / "examples" / "zz-test.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def test_shipped_corpus_passes_the_check():
    report = check(DEFAULT_CORPUS)
    assert report.ok, report.problems
    assert "labels:" in report.summary and "industries:" in report.summary
    assert "seniority:" in report.summary and "length (words):" in report.summary


def test_shipped_corpus_meets_the_issue_minimums():
    examples = load_examples(DEFAULT_CORPUS)
    counts = {label: sum(e.label == label for e in examples) for label in LABELS}
    assert counts["project-manager"] >= 120 and counts["product-manager"] >= 120
    assert counts["hybrid"] >= 70 and counts["other"] >= 90 and len(examples) >= 400


def test_unknown_label_is_a_problem(corpus):
    _append(corpus, label="programme-manager")
    assert any("unknown label 'programme-manager'" in p for p in check(corpus).problems)


def test_unknown_trait_is_a_problem(corpus):
    _append(corpus, traits=["charisma"])
    assert any("unknown trait(s) charisma; see corpus/traits.toml." in p for p in check(corpus).problems)


def test_too_short_text_is_a_problem(corpus):
    _append(corpus, text="Project manager wanted.")
    assert any("text has 3 words; a posting needs at least 20." in p for p in check(corpus).problems)


def test_exact_duplicate_is_a_problem(corpus):
    first = load_examples(corpus)[0]
    _append(corpus, id="t-dup", text=first.text.upper())
    assert any(f"exact duplicate of {first.id}." in p for p in check(corpus).problems)


def test_near_duplicates_are_found():
    base = " ".join(f"word{i}" for i in range(200))
    edited = base.replace("word100", "changed")
    assert near_duplicates([base, edited, "something else entirely " * 5]) == [(0, 1, pytest.approx(0.95, abs=0.03))]


def test_missing_field_is_an_error_naming_the_line(corpus):
    path = corpus / "examples" / "zz-test.jsonl"
    path.write_text(json.dumps({"id": "x", "label": "other", "text": "t"}) + "\n")
    with pytest.raises(InputError, match=r"zz-test.jsonl:1: missing field\(s\) title, traits, industry, seniority"):
        check(corpus)


def test_class_minimums_are_enforced(corpus):
    for path in (corpus / "examples").glob("*.jsonl"):
        rows = [json.loads(l) for l in path.read_text().splitlines()]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["label"] != "hybrid"))
    assert any("0 hybrid examples; the corpus needs at least 70." in p for p in check(corpus).problems)


def test_cli_corpus_check(run):
    result = run("corpus", "check")
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("corpus OK")


def test_cli_corpus_check_fails_loudly(run, corpus):
    _append(corpus, label="pm")
    result = run("corpus", "check", "--corpus", corpus)
    assert result.exit_code == 3
    assert "problem: " in result.stderr and "unknown label 'pm'" in result.stderr
