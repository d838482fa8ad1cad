"""The duty mix: how much of a posting's duty weight is project delivery, product, or neither.

Exact for the model, like the keywords. For project-manager (P), product-manager (Q) and other
(O), a term's weight towards each role is its value times ``W[P] - W[O]`` (or ``W[Q] - W[O]``)
over the temperature: the model's own log-odds of that role against "neither". A term found in
several places shares its weight equally among them. Each duty unit (a sentence or bullet the
duty reader kept) sums the weights of its terms; it is *project* when its project weight is
positive and above its product weight, *product* likewise, else *neither*, and it counts with
the larger of the two weights' sizes. The shares are those counts over all duty units; the title
is not a duty and takes no part. Units read as surroundings take no part either: their terms
were not used.
"""

from __future__ import annotations

import numpy as np

from ..labels import LABELS
from ..model.linear import LinearModel, Scores
from .prediction import DutyMix, DutyUnit

SHARES = ("project", "product", "neither")
SENTENCES_PER_SHARE = 3
SENTENCE_MIN_WORDS = 4  # headings count in the shares but are not shown as the sentences behind them


def duty_mix(model: LinearModel, scores: Scores, text: str, with_sentences: bool = True) -> DutyMix:
    """The posting's duty mix; ``with_sentences=False`` leaves out the sentences (batch scoring
    shows only the shares)."""
    units = scores.units
    surrounding = int(scores.surrounding.sum()) if len(scores.surrounding) else 0
    if not units or not len(scores.indices):
        return DutyMix(0.0, 0.0, 0.0, (), surrounding)
    P, Q, O = (LABELS.index(x) for x in ("project-manager", "product-manager", "other"))
    j = scores.indices
    coef = model.coef[:, j]  # the posting's columns first: indexing rows first copies the whole vocabulary
    towards = scores.values * (coef[[P, Q]] - coef[O]) / model.temperature  # (2, k)
    ids = scores.term_ids
    unit = scores.feature_units
    used = (ids >= 0) & (unit >= 0)
    ids, unit = ids[used], unit[used]
    position = np.searchsorted(j, ids)  # scores.indices is sorted (np.unique)
    occurrences = np.bincount(position, minlength=len(j))
    share = towards[:, position] / occurrences[position]
    per_unit = np.vstack([np.bincount(unit, weights=share[r], minlength=len(units)) for r in (0, 1)])
    project, product = per_unit
    kind = np.where((project > 0) & (project >= product), 0, np.where((product > 0) & (product > project), 1, 2))
    weight = np.maximum(np.abs(project), np.abs(product))
    total = float(weight.sum())
    if total <= 0:
        return DutyMix(0.0, 0.0, 0.0, (), surrounding)
    shares = [float(weight[kind == k].sum()) / total for k in range(3)]
    chosen = []
    for k in range(3 if with_sentences else 0):
        members = [u for u in np.flatnonzero((kind == k) & (weight > 0))
                   if len(text[units[u][0]:units[u][1]].split()) >= SENTENCE_MIN_WORDS]
        members = np.array(members, dtype=np.int64)
        best = members[np.argsort(-weight[members], kind="stable")[:SENTENCES_PER_SHARE]]
        chosen += [DutyUnit(SHARES[k], text[units[u][0]:units[u][1]], units[u][0], units[u][1],
                            float(weight[u])) for u in best]
    chosen.sort(key=lambda d: d.start)
    return DutyMix(*shares, tuple(chosen), surrounding)
