"""Duty reading: a posting's parts, surroundings that do not move the label, and the duty mix."""

import json
import random

import pytest

from classifier.reading.duties import read_parts, units
from classifier.training.corpus import DEFAULT_CORPUS, load_examples, load_surroundings
from classifier.training.fit import wrap

POSTING = """About us
Brightwell is a leading provider of payroll software, trusted by 4,000 customers since 1998.

The role
- Plan and run the migration project to schedule and budget.
- Lead the delivery team and report progress to the steering group.
- Keep the risk register, manage suppliers and control changes to scope.
- Run the cutover and close the project with a lessons-learned review.

What we offer
- 27 days holiday and a 6% pension
- Private health insurance

How to apply
Send your CV by 30 June. We are an equal opportunity employer.
"""


def kinds(text):
    return [(p.kind, text[p.start:p.end]) for p in read_parts(text)]


def test_headed_sections_name_the_parts_of_a_posting():
    assert kinds(POSTING) == [
        ("company", "About us"),
        ("company", "Brightwell is a leading provider of payroll software, trusted by 4,000 customers since 1998."),
        ("duties", "The role"),
        ("duties", "- Plan and run the migration project to schedule and budget."),
        ("duties", "- Lead the delivery team and report progress to the steering group."),
        ("duties", "- Keep the risk register, manage suppliers and control changes to scope."),
        ("duties", "- Run the cutover and close the project with a lessons-learned review."),
        ("benefits", "What we offer"),
        ("benefits", "- 27 days holiday and a 6% pension"),
        ("benefits", "- Private health insurance"),
        ("application", "How to apply"),
        ("application", "Send your CV by 30 June."),
        ("equal_opportunity", "We are an equal opportunity employer."),
    ]


def test_soft_wrapped_lines_stay_one_unit_and_bullets_do_not():
    text = "- You will talk to owners and decide which\n  features to build. Then ship.\n- Lead the team"
    assert [text[s:e] for s, e in units(text)] == [
        "- You will talk to owners and decide which\n  features to build.", "Then ship.", "- Lead the team"]


def test_unheaded_surroundings_are_named_by_their_wording():
    text = ("We are a global bank with offices in 30 countries. You will own the delivery plan and budget. "
            "We offer a generous pension and 30 days holiday. Please apply with your CV by Friday.")
    assert [k for k, _ in kinds(text)] == ["company", "summary", "benefits", "application"]


def test_the_model_reads_surrounding_units_and_leaves_them_out(model):
    p = model.classify(POSTING, "Project Manager")
    assert p.label == "project-manager"
    assert p.duty_mix.surrounding_units >= 4
    used = {POSTING[s:e].lower() for k in p.keywords for f, s, e in k.spans if f == "text"}
    assert not used & {"pension", "holiday", "cv", "health insurance", "customer"}


@pytest.fixture(scope="module")
def corpus_and_bank():
    bank = load_surroundings(DEFAULT_CORPUS, "heldout")
    if not bank:
        pytest.skip("corpus/surroundings/heldout.jsonl is missing")
    return load_examples(DEFAULT_CORPUS), bank


@pytest.mark.parametrize("with_title", [True, False], ids=["with-title", "text-only"])
def test_surrounding_passages_never_seen_in_training_move_at_most_2_percent_of_labels(
        model, corpus_and_bank, with_title):
    """Every corpus posting wrapped in 2–5 passages of the held-out bank (never read by training)."""
    examples, bank = corpus_and_bank
    changed = []
    for e in examples:
        title = e.title if with_title else None
        before = model.classify(e.text, title, evidence=False).label
        after = model.classify(wrap(e.id, e.text, bank, 2, 5), title, evidence=False).label
        if before != after:
            changed.append(e.id)
    assert len(changed) / len(examples) <= 0.02, changed


def test_duty_mix_shares_add_up_and_point_at_the_posting(model):
    p = model.classify(POSTING, "Project Manager")
    mix = p.duty_mix
    assert mix.project + mix.product + mix.neither == pytest.approx(1.0)
    assert mix.project > 0.5 > mix.product
    for d in mix.sentences:
        assert POSTING[d.start:d.end] == d.text
        assert d.share in ("project", "product", "neither")
    assert any(d.share == "project" and "schedule and budget" in d.text for d in mix.sentences)


def test_a_posting_that_does_both_has_both_shares_substantial(model):
    text = ("Our 20-person software firm needs one person for both halves of the job.\n"
            "- Interview customers, research their needs and decide which features go on the roadmap.\n"
            "- Write the product requirements and prioritise the backlog with the founders.\n"
            "- Measure adoption after each release and improve the product from user feedback.\n"
            "- Own the project plan, the schedule and the budget for every release.\n"
            "- Manage the contractors and the delivery team, track risks and report status to the board.\n"
            "- Run the implementation and go-live with our clients' IT teams.\n")
    p = model.classify(text)
    assert p.duty_mix.project >= 0.25 and p.duty_mix.product >= 0.25, p.duty_mix
    assert "hybrid" in (p.label, p.runner_up)


def test_classify_json_carries_the_duty_mix(run, tmp_path):
    path = tmp_path / "posting.txt"
    path.write_text("Project Manager\n\n" + POSTING, encoding="utf-8")
    result = run("classify", "--json", path)
    mix = json.loads(result.stdout)["duty_mix"]
    assert set(mix) == {"project", "product", "neither", "sentences", "surrounding_units"}
    assert set(mix["sentences"][0]) == {"share", "text", "start", "end", "weight"}


def test_a_system_file_is_not_a_posting_and_says_so(model, tmp_path, run):
    path = tmp_path / "version.txt"
    path.write_text("Linux version 6.1.0 (builder@host) (gcc 12.2.0, GNU ld 2.40) #1 SMP PREEMPT_DYNAMIC\n",
                    encoding="utf-8")
    result = json.loads(run("classify", "--json", path).stdout)
    assert result["needs_review"] is True
    assert any(n.startswith("only ") and "the label is a guess" in n for n in result["notes"]), result["notes"]


def test_a_french_posting_gets_a_note_and_review(run, tmp_path):
    path = tmp_path / "offre.txt"
    path.write_text("Nous recherchons un chef de projet pour piloter le planning, le budget et les ressources "
                    "de nos chantiers. Vous animerez les équipes internes et rendrez compte au comité de "
                    "pilotage chaque mois avec rigueur et bienveillance.\n", encoding="utf-8")
    result = json.loads(run("classify", "--json", path).stdout)
    assert result["needs_review"] is True
    assert any("does not read as English" in n for n in result["notes"])
