"""The model on disk: exact scikit-learn equivalence, deterministic training, safe loading."""

import json

import numpy as np
import pytest

from classifier.training.corpus import DEFAULT_CORPUS, load_examples, load_surroundings
from classifier.model.format import ARTIFACTS
from classifier.model.store import load, resolve
from classifier.model.store import save_version
from classifier.language.traits import load_traits
from classifier.language.features import language_for
from classifier.labels import LABELS
from classifier.training.fit import (DEFAULT_SETTINGS, _fit, _logits, _training_rows, analyze_examples,
                                    duty_features, fit_reader, fit_vocabulary, linear_model, train_model)


@pytest.fixture(scope="module")
def corpus():
    return load_examples(DEFAULT_CORPUS), load_traits(DEFAULT_CORPUS / "traits.toml")


def test_training_twice_gives_byte_identical_artifacts(corpus, tmp_path):
    """Two trainings in one process give the same files (on a tenth of the corpus, for time)."""
    examples, traits = corpus
    folders = []
    for i in range(2):
        result = train_model(examples[::10], traits, surroundings=load_surroundings(DEFAULT_CORPUS)[::3])
        save_version(tmp_path / f"store{i}", result.model, result.card)
        folders.append(resolve(tmp_path / f"store{i}"))
    for name in ARTIFACTS:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name


def test_shipped_model_is_what_train_rebuilds_from_the_corpus(trained_store):
    """The shipped model is not stale. Same machine, same files (the test above); across CPUs,
    BLAS kernels may round the last bits differently, so the weights are compared to 1e-7 (a
    corpus change moves them far more) and everything else exactly."""
    shipped, fresh = load(None), load(trained_store)
    stale = "models/ is stale: run `pmrole train --model models` and commit the new model"
    assert fresh.vocabulary == shipped.vocabulary, stale
    assert (fresh.labels, fresh.traits) == (shipped.labels, shipped.traits), stale
    for name in ("idf", "coef", "intercept", "reader_coef"):
        assert np.allclose(getattr(fresh, name), getattr(shipped, name), rtol=1e-6, atol=1e-7), (stale, name)
    numbers = {k for k, v in shipped.settings.items() if isinstance(v, float)}
    assert {k: v for k, v in fresh.settings.items() if k not in numbers} == \
        {k: v for k, v in shipped.settings.items() if k not in numbers}, stale
    for k in numbers:
        assert fresh.settings[k] == pytest.approx(shipped.settings[k], rel=1e-6, abs=1e-9), (stale, k)
    assert fresh.temperature == pytest.approx(shipped.temperature, rel=1e-6)
    assert fresh.reader_intercept == pytest.approx(shipped.reader_intercept, rel=1e-6, abs=1e-9)


def test_numpy_inference_equals_the_scikit_learn_pipeline(corpus):
    """LinearModel.score (numpy, per posting, duty reader included) gives the logits of the fitted
    scikit-learn pipeline on the features training kept."""
    examples, traits = corpus
    examples = examples[::3]
    surroundings = load_surroundings(DEFAULT_CORPUS)
    lang = language_for(traits)
    settings = DEFAULT_SETTINGS
    featurized = analyze_examples(lang, examples, surroundings, settings)
    vocabulary = fit_vocabulary([a.features for a in featurized.with_title + featurized.without], settings)
    reader = fit_reader(examples, featurized.without, [lang.analyze(t) for t in surroundings], vocabulary,
                        settings)
    index = {t: i for i, t in enumerate(vocabulary)}
    with_title = [duty_features(a, index, reader) for a in featurized.with_title]
    without = [duty_features(a, index, reader) for a in featurized.without]
    assert sum(map(len, without)) < sum(len(a.features) for a in featurized.without)  # it leaves some out
    y = np.array([LABELS.index(e.label) for e in examples])
    vectorizer, clf = _fit(*_training_rows(range(len(examples)), with_title, without, y, examples),
                           settings, vocabulary)
    linear = linear_model(vectorizer, clf, 0.5, traits, settings, reader)
    sample = examples[::10]
    ours = np.array([linear.score(lang.analyze(e.text, e.title)).logits for e in sample])
    theirs = _logits(vectorizer, clf, with_title[::10]) / 0.5
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_loading_refuses_pickles(shipped_model_copy):
    """A model file holding a pickled object is refused, not executed."""
    import hashlib
    import pickle

    payload = pickle.dumps(object())
    idf = shipped_model_copy / "idf.npy"
    np.save(idf, np.array([payload], dtype=object), allow_pickle=True)
    card = json.loads((shipped_model_copy / "card.json").read_text())
    card["artifacts"]["idf.npy"] = hashlib.sha256(idf.read_bytes()).hexdigest()
    (shipped_model_copy / "card.json").write_text(json.dumps(card))
    from classifier.errors import ModelError

    with pytest.raises(ModelError, match="the model files cannot be read"):
        load(shipped_model_copy)


def test_card_records_what_a_user_needs(model):
    card = model.card
    for key in ("model_id", "artifacts", "labels", "class_counts", "corpus_fingerprint", "versions",
                "cross_validation", "fixed_split_test", "temperature", "settings"):
        assert key in card, key
    assert set(card["versions"]) >= {"python", "scikit-learn", "spacy", "numpy", "pmrole"}


def test_partial_views_keep_some_units_in_order_chosen_by_the_id():
    """Training's partial views: the duties said in fewer words, the same ones every run."""
    from classifier.training.fit import partial_view

    lines = [f"Line {i}: you will look after part {i} of the work." for i in range(40)]
    text = "\n".join(lines)
    view = partial_view("x-001", text, 0.25)
    kept = view.split("\n")
    assert view == partial_view("x-001", text, 0.25)
    assert view != partial_view("x-002", text, 0.25)
    assert 2 <= len(kept) < 25 and kept == [l for l in lines if l in kept]
    assert partial_view("x-001", "One line only.\nAnd another.", 0.0) == "One line only.\nAnd another."
