"""Explanations that are exact for the linear model: term contributions, traits and evidence.

For the predicted label *a* and the runner-up *b*, a term's weight is
``x_j * (W[a, j] - W[b, j]) / T``: its TF-IDF value times the difference of the two labels'
coefficients at the model's temperature. All weights plus the intercept difference add up to
``log(p[a] / p[b])``, so the listed keywords are the model's own reasons, not an approximation.
"""

from __future__ import annotations

import numpy as np

from ..language.features import TITLE_PREFIX, Analysis, Language
from ..model.linear import LinearModel, Scores
from .doubt import doubt_notes, english_words, known_words
from .duty_mix import duty_mix
from .prediction import (DEFAULT_TOP, REVIEW_CONFIDENCE, REVIEW_MARGIN, Evidence, Keyword,
                         Prediction, TraitHit)


def contributions(model: LinearModel, scores: Scores, a: int, b: int) -> tuple[np.ndarray, float]:
    """Per-feature weights for label a against b, and the intercept's share."""
    diff = (model.coef[a, scores.indices] - model.coef[b, scores.indices]) / model.temperature
    bias = float(model.intercept[a] - model.intercept[b]) / model.temperature
    return scores.values * diff, bias


def keywords(model: LinearModel, language: Language, scores: Scores, weights: np.ndarray,
             top: int) -> list[Keyword]:
    order = np.argsort(-np.abs(weights), kind="stable")[:top]
    spans = scores.spans({int(scores.indices[k]) for k in order})
    result = []
    for k in order:
        j = int(scores.indices[k])
        term = model.vocabulary[j]
        trait = language.phrase_traits.get(term.removeprefix(TITLE_PREFIX))
        result.append(Keyword(term, float(weights[k]), tuple(spans[j]), trait))
    return result


def traits_found(model: LinearModel, analysis: Analysis, text: str) -> list[TraitHit]:
    by_name: dict[str, list[tuple[int, int]]] = {}
    for name, _field, start, end in analysis.trait_hits:
        by_name.setdefault(name, []).append((start, end))
    hits = []
    for trait in model.traits:
        spans = by_name.get(trait.name)
        if spans:
            phrases = tuple(dict.fromkeys(text[s:e].lower() for s, e in spans))
            hits.append(TraitHit(trait, phrases, tuple(spans)))
    hits.sort(key=lambda h: -len(h.spans))
    return hits


def evidence(language: Language, text: str, scores: Scores, weights: np.ndarray,
             limit: int = 3) -> list[Evidence]:
    """The sentences whose terms carry the most weight towards the label."""
    sentences = language.sentences(text)
    if not sentences:
        return []
    starts = np.array([s for s, _ in sentences])
    totals = np.zeros(len(sentences))
    all_spans = scores.spans()
    for k, j in enumerate(scores.indices):
        spans = [s for s in all_spans[int(j)] if s[0] == "text"]
        for _field, start, _end in spans:
            i = int(np.searchsorted(starts, start, side="right")) - 1
            if i >= 0 and start < sentences[i][1]:
                totals[i] += weights[k] / len(spans)
    best = [i for i in np.argsort(-totals, kind="stable")[:limit] if totals[i] > 0]
    return [Evidence(text[sentences[i][0]:sentences[i][1]], sentences[i][0], sentences[i][1],
                     float(totals[i])) for i in sorted(best)]


def predict(model: LinearModel, language: Language, text: str, title: str = "", *, top: int = DEFAULT_TOP,
            with_evidence: bool = True, source: str = "", review_confidence: float | None = None,
            review_margin: float | None = None, notes: tuple[str, ...] = ()) -> Prediction:
    """Classify one posting and explain the decision.

    The review rule is the model's own (chosen on its cross-validation when it was trained) unless
    ``review_confidence`` or ``review_margin`` is given."""
    analysis = language.analyze(text, title or "")
    scores = model.score(analysis)
    p = scores.probabilities
    order = np.argsort(-p, kind="stable")
    a, b = int(order[0]), int(order[1])
    weights, bias = contributions(model, scores, a, b)
    listed = keywords(model, language, scores, weights, top)
    rest = float(weights.sum()) - sum(k.weight for k in listed)
    probabilities = {label: float(p[i]) for i, label in enumerate(model.labels)}
    confidence_rule, margin_rule = review_rule(model)
    confidence_rule = confidence_rule if review_confidence is None else review_confidence
    margin_rule = margin_rule if review_margin is None else review_margin
    needs_review = bool(p[a] < confidence_rule or p[a] - p[b] < margin_rule)
    doubts = doubt_notes(english_words(analysis), known_words(analysis, scores))
    if doubts:
        needs_review, notes = True, tuple(notes) + tuple(doubts)
    return Prediction(
        label=model.labels[a], probabilities=probabilities, runner_up=model.labels[b],
        needs_review=needs_review, keywords=tuple(listed), bias=bias, rest=rest,
        traits=tuple(traits_found(model, analysis, text)),
        evidence=tuple(evidence(language, text, scores, weights) if with_evidence else ()),
        model=model.id, text=text, title=title or "", source=source, notes=notes,
        duty_mix=duty_mix(model, scores, text, with_sentences=with_evidence),
    )


def review_rule(model: LinearModel) -> tuple[float, float]:
    """The model's review rule: (confidence under which, margin under which, a posting is flagged).
    Models trained before the rule was chosen by cross-validation keep the old fixed rule."""
    settings = model.settings
    return (float(settings.get("review_confidence", REVIEW_CONFIDENCE)),
            float(settings.get("review_margin", REVIEW_MARGIN)))


def display_term(term: str) -> str:
    """How a model term reads to a person (title terms are marked as such)."""
    return f"{term[len(TITLE_PREFIX):]} (in title)" if term.startswith(TITLE_PREFIX) else term
