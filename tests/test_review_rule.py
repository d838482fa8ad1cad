"""The review rule: the lowest confidence threshold that flags three in four out-of-fold errors."""

import numpy as np

from classifier.training.fit import REVIEW_ERRORS_CAUGHT, review_curve


def _logits(confidences, labels, n_labels=4):
    """Logits whose softmax gives each row ``confidence`` on ``label`` and the rest spread evenly."""
    rows = []
    for c, label in zip(confidences, labels):
        p = np.full(n_labels, (1 - c) / (n_labels - 1))
        p[label] = c
        rows.append(np.log(p))
    return np.array(rows)


def test_review_threshold_is_the_lowest_that_flags_three_in_four_errors():
    # 8 errors at confidences 0.40 … 0.99 and 92 right answers at 0.99
    wrong = [0.40, 0.55, 0.60, 0.70, 0.80, 0.90, 0.97, 0.99]
    confidences = wrong + [0.99] * 92
    predicted = [0] * 100
    truth = [1] * 8 + [0] * 92
    review = review_curve(_logits(confidences, predicted), np.array(truth), temperature=1.0)
    chosen = review["confidence_threshold"]
    assert review["target_errors_flagged"] == REVIEW_ERRORS_CAUGHT == 0.75
    # 0.90 is the sixth error's confidence: a threshold just above it flags 6 of 8
    assert chosen == 0.905
    point = next(c for c in review["curve"] if c["threshold"] == chosen)
    assert point["errors_flagged"] == 0.75 and point["unflagged"] == 0.94
    below = next(c for c in review["curve"] if c["threshold"] == 0.9)
    assert below["errors_flagged"] == 0.625


def test_review_threshold_with_no_errors_flags_nothing_it_need_not():
    review = review_curve(_logits([0.9] * 10, [0] * 10), np.zeros(10, dtype=int), temperature=1.0)
    assert review["confidence_threshold"] == 0.3
