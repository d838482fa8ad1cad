"""Explanations are exact for the model, and point at the words that decided."""

import math

import pytest

from classifier.language.features import TITLE_PREFIX

from .conftest import ROOT

POSTINGS = {
    "project": ("Project Manager", (ROOT / "examples" / "posting.html").read_text()),
    "product": ("", (ROOT / "examples" / "posting.txt").read_text()),
}


@pytest.mark.parametrize("name", POSTINGS)
def test_weights_add_up_to_the_log_odds_of_label_over_runner_up(model, name):
    title, text = POSTINGS[name]
    p = model.classify(text, title, top=5)
    total = sum(k.weight for k in p.keywords) + p.rest + p.bias
    assert total == pytest.approx(math.log(p.probabilities[p.label] / p.probabilities[p.runner_up]), rel=1e-9)


def test_keyword_spans_point_at_the_words(model):
    text = ("You will own the project plan and the budget, run the risk register and send weekly "
            "status reports to the steering group.")
    p = model.classify(text, "Project Manager", top=30)
    lang = model.language
    assert len(p.keywords) >= 20 and all(k.spans for k in p.keywords)  # every known term is listed
    fields = set()
    for k in p.keywords:
        for field, start, end in k.spans:
            fields.add(field)
            source = text if field == "text" else "Project Manager"
            assert " ".join(lang.lemmas(source[start:end])) == k.term.removeprefix(TITLE_PREFIX)
    assert fields == {"text", "title"}


def test_probabilities_sum_to_one_and_labels_are_ordered(model):
    p = model.classify("Schedule, budget, milestones and the delivery team.")
    assert list(p.probabilities) == list(model.labels)
    assert sum(p.probabilities.values()) == pytest.approx(1.0)
    assert p.label == max(p.probabilities, key=p.probabilities.get)


def test_traits_found_carry_the_articles_idea(model):
    p = model.classify("You will manage the project budget and keep the risk register.")
    by_name = {t.name: t for t in p.traits}
    assert by_name["budget_and_cost"].idea == "Owns the budget, the cost and the duration of the work."
    assert "project budget" in by_name["budget_and_cost"].phrases


def test_empty_text_is_a_prediction_not_a_crash(model):
    p = model.classify("", None)
    assert p.label in model.labels and p.keywords == ()


@pytest.mark.parametrize("text", ["", "   \n  "], ids=["empty", "blank"])
def test_a_title_alone_is_classified_by_the_title(model, text):
    p = model.classify(text, "Senior Project Manager")
    assert p.label == "project-manager"
    assert p.keywords and all(k.term.startswith("title:") for k in p.keywords)
    assert p.duty_mix.project == p.duty_mix.product == 0.0  # the title is not a duty


def test_batch_form_matches_single_calls(model):
    texts = [POSTINGS["project"][1], (POSTINGS["product"][1], "Product Manager")]
    many = model.classify_many(texts)
    assert [m.label for m in many] == [model.classify(POSTINGS["project"][1]).label,
                                       model.classify(POSTINGS["product"][1], "Product Manager").label]
