"""The model's math: TF-IDF block vectors times a linear layer, softmax at a temperature.

:func:`block_normalise` is the one implementation of the block scaling, used by training on its
sparse matrices and by :meth:`LinearModel.score` on one posting, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..language.features import BLOCKS, Analysis, block_of

@dataclass
class Scores:
    """A posting's model scores: the features found (indices, weights) and per-label logits."""

    indices: np.ndarray
    values: np.ndarray
    logits: np.ndarray
    term_ids: list[int]                      # vocabulary index of each analysed feature, -1 if unknown
    feature_spans: list[tuple[str, int, int]]

    @property
    def probabilities(self) -> np.ndarray:
        z = self.logits - self.logits.max()
        e = np.exp(z)
        return e / e.sum()

    def spans(self, wanted=None) -> dict[int, list[tuple[str, int, int]]]:
        """Where each vocabulary term occurs (all terms, or only those in ``wanted``)."""
        found: dict[int, list] = {}
        for j, span in zip(self.term_ids, self.feature_spans):
            if j >= 0 and (wanted is None or j in wanted):
                found.setdefault(j, []).append(span)
        return found


def block_weights(settings: dict) -> np.ndarray:
    return np.array([settings.get("block_weights", {}).get(b, 1.0) for b in BLOCKS])


def block_normalise(values: np.ndarray, blocks: np.ndarray, rows: np.ndarray, n_rows: int,
                    weights: np.ndarray) -> np.ndarray:
    """TF-IDF values with each (row, block) L2-normalised and scaled by the block's weight.

    ``values[k]`` is a nonzero of row ``rows[k]`` in block ``blocks[k]``; an empty block stays
    empty. Training passes a sparse matrix's data, prediction one posting's (rows all 0).
    """
    key = rows * len(BLOCKS) + blocks
    norms = np.sqrt(np.bincount(key, weights=values ** 2, minlength=n_rows * len(BLOCKS)))
    scale = np.divide(np.tile(weights, n_rows), norms, out=np.zeros_like(norms), where=norms > 0)
    return values * scale[key]


class LinearModel:
    """TF-IDF features times a linear layer, softmax at a temperature.

    The feature vector has three blocks (text n-grams, title n-grams, trait matches); each is
    TF-IDF weighted (sublinear tf), L2-normalised on its own and scaled by its block weight, so
    a short title or a handful of trait matches is not drowned by a long text.
    """

    def __init__(self, *, labels, vocabulary, idf, coef, intercept, temperature, traits,
                 settings=None, card=None, path=None):
        self.labels = tuple(labels)
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.temperature = float(temperature)
        self.traits = list(traits)
        self.settings = dict(settings or {})
        self.card = dict(card or {})
        self.path = path
        self.blocks = np.array([block_of(t) for t in self.vocabulary], dtype=np.int64)
        self.block_weights = block_weights(self.settings)

    @property
    def id(self) -> str:
        return self.card.get("model_id", "unsaved")

    def score(self, analysis: Analysis) -> Scores:
        """The same numbers as training's scikit-learn pipeline, for one posting."""
        get = self.index.get
        term_ids = [get(term, -1) for term in analysis.features]
        ids = np.fromiter(term_ids, dtype=np.int64, count=len(term_ids))
        indices, counts = np.unique(ids[ids >= 0], return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[indices]
        values = block_normalise(values, self.blocks[indices], np.zeros(len(indices), dtype=np.int64),
                                 1, self.block_weights)
        logits = (self.coef[:, indices] @ values + self.intercept) / self.temperature
        return Scores(indices, values, logits, term_ids, analysis.spans)
