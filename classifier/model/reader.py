"""The model's duty reader: which units of a posting are its surroundings, not its duties.

A posting is cut into units (``reading/duties.py``). Each unit gets a linear score over the
model's own vocabulary: the mean of the reader weights of the distinct known terms in it (each
weighted 1/sqrt(n), the L2-normalised binary vector), plus an intercept. A unit scoring above 0
reads as company introduction, benefits, pay, equal-opportunity, application or legal text, and
its terms are left out of the label's features. Training and prediction both decide with
:func:`surrounding_features`, so the features a model was fitted on are the ones it sees.
"""

from __future__ import annotations

import numpy as np

# When fewer known text features than this remain in the duty units, the posting is too short or
# too unusual to tell its parts apart safely, and all of it is read.
MIN_KEPT_FEATURES = 30


def unit_of(starts: np.ndarray, unit_starts: np.ndarray) -> np.ndarray:
    """The index of the unit each text offset falls in (-1 before the first unit)."""
    return np.searchsorted(unit_starts, starts, side="right") - 1


def unit_scores(ids: np.ndarray, units: np.ndarray, n_units: int, weights: np.ndarray,
                intercept: float) -> np.ndarray:
    """Each unit's reader score from its known terms (``ids`` ≥ 0) and their ``units``."""
    known = (ids >= 0) & (units >= 0)
    vocabulary = len(weights)
    pairs = np.unique(units[known].astype(np.int64) * vocabulary + ids[known])
    unit, term = pairs // vocabulary, pairs % vocabulary
    counts = np.bincount(unit, minlength=n_units)
    sums = np.bincount(unit, weights=weights[term], minlength=n_units)
    scores = np.divide(sums, np.sqrt(counts), out=np.zeros(n_units), where=counts > 0) + intercept
    scores[counts == 0] = -np.inf  # a unit with no known term carries nothing either way
    return scores


def surrounding_features(ids: np.ndarray, text_starts: np.ndarray, unit_starts: np.ndarray,
                         weights: np.ndarray, intercept: float
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which features to leave out: (per-feature mask, per-unit surrounding flag, unit of each
    feature). The first ``len(text_starts)`` features are the text's n-grams, starting there;
    the others (title n-grams, trait matches) belong to no unit (-1) and are never left out.
    Nothing is left out when too little would remain."""
    units = np.full(len(ids), -1, dtype=np.int64)
    if not len(unit_starts):  # a blank text (a title alone): no unit, nothing to leave out
        return np.zeros(len(ids), dtype=bool), np.zeros(0, dtype=bool), units
    units[:len(text_starts)] = unit_of(text_starts, unit_starts)
    surrounding = unit_scores(ids, units, len(unit_starts), weights, intercept) > 0
    drop = (units >= 0) & surrounding[np.maximum(units, 0)]
    if int(((ids >= 0) & (units >= 0) & ~drop).sum()) < MIN_KEPT_FEATURES:
        drop[:] = False
        surrounding[:] = False
    return drop, surrounding, units


def read_analysis(ids: np.ndarray, analysis, weights: np.ndarray, intercept: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`surrounding_features` for a posting's Analysis (its text n-gram starts and units)."""
    text_starts = np.array(analysis.text_starts, dtype=np.int64)
    unit_starts = np.array([u[0] for u in analysis.units], dtype=np.int64)
    return surrounding_features(ids, text_starts, unit_starts, weights, intercept)
