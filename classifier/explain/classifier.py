"""A loaded model that classifies postings and explains each decision: the Python API, used by
the CLI, batch scoring and the server too.

    >>> from classifier import load_model
    >>> model = load_model()
    >>> model.classify("You will own the roadmap ...", title="Product Manager").label
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import PmroleError
from ..language.features import language_for
from ..model.linear import LinearModel
from ..model.store import load
from ..reading.postings import Posting, read_posting
from . import explain
from .prediction import DEFAULT_TOP, Prediction


class Classifier:
    """A loaded model with its language pipeline: classify postings, explain each decision."""

    def __init__(self, linear: LinearModel):
        self.linear = linear
        self.language = language_for(linear.traits)

    @property
    def id(self) -> str:
        return self.linear.id

    @property
    def labels(self) -> tuple[str, ...]:
        return self.linear.labels

    @property
    def card(self) -> dict:
        return self.linear.card

    def classify(self, text: str, title: str | None = None, *, top: int = DEFAULT_TOP,
                 evidence: bool = True, source: str = "", notes: tuple[str, ...] = (),
                 **review) -> Prediction:
        """Label one posting's text (and title, if known) with probabilities and reasons.

        ``review`` may set ``review_confidence`` and ``review_margin`` (see ``needs_review``)."""
        return explain.predict(self.linear, self.language, text, title or "", top=top,
                               with_evidence=evidence, source=source, notes=notes, **review)

    def classify_posting(self, posting: Posting, **options) -> Prediction:
        notes = () if posting.title else ("no title found; classified on the text alone",)
        return self.classify(posting.text, posting.title, source=posting.source, notes=notes, **options)

    def classify_file(self, path: str | Path, **options) -> Prediction:
        return self.classify_posting(read_posting(path), **options)

    def classify_many(self, items: Iterable[str | tuple[str, str | None]], *,
                      evidence: bool = False, **options) -> list[Prediction]:
        """Label many postings: each item is a text or a (text, title) pair."""
        results = []
        for item in items:
            text, title = (item, None) if isinstance(item, str) else item
            results.append(self.classify(text, title, evidence=evidence, **options))
        return results


def load_model(path: str | Path | None = None) -> Classifier:
    """Load a model directory or store (default: the shipped model) and verify its files."""
    return Classifier(load(path))


def classify_files(paths: Iterable[str | Path], model_path: str | Path | None = None, *,
                   top: int = DEFAULT_TOP) -> Iterator[Prediction | PmroleError]:
    """Classify posting files (``-`` is stdin) with one model, in order: a Prediction for each
    file, or the PmroleError that says why that file could not be read. A broken model raises."""
    model = load_model(model_path)
    for path in paths:
        try:
            posting = read_posting(path)
        except PmroleError as error:
            yield error
            continue
        yield model.classify_posting(posting, top=top)
