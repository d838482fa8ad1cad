"""The model's math: TF-IDF block vectors times a linear layer, softmax at a temperature.

:func:`block_normalise` is the one implementation of the block scaling, used by training on its
sparse matrices and by :meth:`LinearModel.score` on one posting, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from ..language.features import BLOCKS, Analysis, block_of
from .reader import read_analysis

@dataclass
class Scores:
    """A posting's model scores: the features found (indices, weights) and per-label logits."""

    indices: np.ndarray
    values: np.ndarray
    logits: np.ndarray
    term_ids: np.ndarray                     # vocabulary index of each feature used, -1 if unknown or left out
    feature_spans: list[tuple[str, int, int]]
    units: list[tuple[int, int]] = field(default_factory=list)  # the text's units (duty reader)
    surrounding: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per unit
    feature_units: np.ndarray | None = None  # the unit of each feature, -1 outside the text's units
    known_words: int = 0  # the text's words in the vocabulary, before the reader sets any aside

    @property
    def probabilities(self) -> np.ndarray:
        z = self.logits - self.logits.max()
        e = np.exp(z)
        return e / e.sum()

    def spans(self, wanted=None) -> dict[int, list[tuple[str, int, int]]]:
        """Where each vocabulary term occurs (all terms, or only those in ``wanted``)."""
        ids = self.term_ids
        at = (np.flatnonzero(ids >= 0) if wanted is None
              else np.flatnonzero(np.isin(ids, np.fromiter(wanted, dtype=np.int64))))
        found: dict[int, list] = {}
        spans = self.feature_spans
        for k, j in zip(at.tolist(), ids[at].tolist()):
            found.setdefault(j, []).append(spans[k])
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
                 settings=None, card=None, path=None, reader_coef=None, reader_intercept=0.0):
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
        # The duty reader (model/reader.py); a model without one reads the whole text.
        self.reader_coef = None if reader_coef is None else np.asarray(reader_coef, dtype=np.float64)
        self.reader_intercept = float(reader_intercept)
        self.blocks = np.array([block_of(t) for t in self.vocabulary], dtype=np.int64)
        self.text_words = np.array([b == 0 and " " not in t for t, b in zip(self.vocabulary, self.blocks)])
        self.block_weights = block_weights(self.settings)

    @property
    def id(self) -> str:
        return self.card.get("model_id", "unsaved")

    def score(self, analysis: Analysis) -> Scores:
        """The same numbers as training's scikit-learn pipeline, for one posting."""
        ids, surrounding, units, known = self.feature_ids(analysis)
        used = ids[ids >= 0]
        indices, counts = np.unique(used, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[indices]
        values = block_normalise(values, self.blocks[indices], np.zeros(len(indices), dtype=np.int64),
                                 1, self.block_weights)
        logits = (self.coef[:, indices] @ values + self.intercept) / self.temperature
        return Scores(indices, values, logits, ids, analysis.spans, analysis.units, surrounding,
                      units, known)

    def feature_ids(self, analysis: Analysis) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The vocabulary index of each feature the label is decided on (-1: unknown, or in a unit
        the duty reader reads as surroundings), which units it read so, each feature's unit, and
        how many of the text's words the vocabulary knows."""
        ids = np.fromiter(map(self.index.get, analysis.features, repeat(-1)), dtype=np.int64,
                          count=len(analysis.features))
        # a word the vocabulary knows is one of its text unigrams (stop words and digits never are)
        known = int(np.count_nonzero(self.text_words[ids[ids >= 0]]))
        if self.reader_coef is None or not analysis.units:
            # No reader: nothing is left out (a weight vector of zeros and a negative intercept
            # reads every unit as duties), and the units are still found for the duty mix.
            weights, intercept = np.zeros(len(self.vocabulary)), -1.0
        else:
            weights, intercept = self.reader_coef, self.reader_intercept
        drop, surrounding, units = read_analysis(ids, analysis, weights, intercept)
        ids[drop] = -1
        return ids, surrounding, units, known
