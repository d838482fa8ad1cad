"""Features: spaCy's lookup lemmas over a fast tokenizer; traits by PhraseMatcher; sentences."""

import pytest

from classifier.training.corpus import DEFAULT_CORPUS
from classifier.language.features import TITLE_PREFIX, TRAIT_PREFIX, language_for
from classifier.language.traits import load_traits


@pytest.fixture(scope="module")
def lang():
    return language_for(load_traits(DEFAULT_CORPUS / "traits.toml"))


def test_lemmas_are_spacys_lookup_lemmatizer_lemmas(lang):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    text = "managed budgets leading teams stakeholders prioritised requirements was better studies"
    assert lang.lemmas(text) == [t.lemma_.lower() for t in nlp(text.lower())]


def test_language_is_built_once_per_process(lang):
    assert language_for(load_traits(DEFAULT_CORPUS / "traits.toml")) is lang


def test_features_are_lemma_unigrams_bigrams_title_terms_and_traits(lang):
    a = lang.analyze("Managing budgets.", "Project Manager")
    assert a.features[:3] == ["manage", "budget", "manage budget"]
    assert TITLE_PREFIX + "project manager" in a.features
    assert TRAIT_PREFIX + "budget_and_cost" in a.features
    assert ("budget_and_cost", "text", 9, 16) in a.trait_hits


def test_trait_phrases_match_inflected_forms(lang):
    hits = {h[0] for h in lang.analyze("She prioritised the product roadmaps and ran customer interviews.").trait_hits}
    assert {"product_functions", "needs_research", "external_stakeholders"} <= hits


def test_sentences_split_bullets_and_headings_but_not_soft_wraps(lang):
    wrapped = "We are looking for an experienced manager to plan, run and report on\nour programme."
    text = f"About the role\n{wrapped} It pays 37.5 hours.\n- Own the plan\n- Report progress"
    spans = [text[s:e] for s, e in lang.sentences(text)]
    assert spans == ["About the role", wrapped,
                     "It pays 37.5 hours.", "- Own the plan", "- Report progress"]
