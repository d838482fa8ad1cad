"""Classification metrics in plain numpy: per-class P/R/F1, confusion matrix, calibration.

Kept free of scikit-learn so that evaluation runs on the same light stack as prediction.
"""

from __future__ import annotations

import numpy as np

from ..labels import LABELS, SINGLE_ROLE


def confusion(truth: list[str], predicted: list[str], labels=LABELS) -> list[list[int]]:
    """Rows are the true labels, columns the predicted ones, both in ``labels`` order."""
    pos = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(truth, predicted):
        matrix[pos[t], pos[p]] += 1
    return matrix.tolist()


def per_class(truth: list[str], predicted: list[str], labels=LABELS) -> dict[str, dict]:
    result = {}
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted))
        n_pred = sum(p == label for p in predicted)
        n_true = sum(t == label for t in truth)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_true if n_true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = {"precision": precision, "recall": recall, "f1": f1, "support": n_true}
    return result


def macro_f1(truth: list[str], predicted: list[str], labels=SINGLE_ROLE) -> float:
    """Mean F1 over ``labels`` (by default the three single-role labels the bars are set on)."""
    scores = per_class(truth, predicted, labels)
    return float(np.mean([scores[label]["f1"] for label in labels]))


def calibration(confidences: list[float], correct: list[bool], bins: int = 10) -> dict:
    """Expected calibration error and the reliability diagram's bins (equal-width)."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        n = int(mask.sum())
        if n:
            acc, mean_conf = float(hit[mask].mean()), float(conf[mask].mean())
            ece += n / len(conf) * abs(acc - mean_conf)
            rows.append({"low": float(lo), "high": float(hi), "count": n, "accuracy": acc,
                         "confidence": mean_conf})
    return {"ece": float(ece), "bins": rows}


def coverage_curve(confidences: list[float], correct: list[bool]) -> list[dict]:
    """Accuracy of the postings kept when those under a confidence threshold go to review."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    rows = []
    for threshold in np.round(np.arange(0.0, 1.0, 0.05), 2):
        keep = conf >= threshold
        n = int(keep.sum())
        rows.append({"threshold": float(threshold), "coverage": n / len(conf) if len(conf) else 0.0,
                     "accuracy": float(hit[keep].mean()) if n else None})
    return rows


def report(truth: list[str], predicted: list[str], confidences: list[float] | None = None,
           labels=LABELS) -> dict:
    """Everything an evaluation prints: accuracy, macro-F1s, per-class scores, confusion, ECE."""
    correct = [t == p for t, p in zip(truth, predicted)]
    single = [i for i, (t, p) in enumerate(zip(truth, predicted)) if t in SINGLE_ROLE]
    out = {
        "n": len(truth),
        "accuracy": float(np.mean(correct)) if truth else 0.0,
        "macro_f1_single_role": macro_f1(truth, predicted),
        "macro_f1_all": macro_f1(truth, predicted, labels),
        "per_class": per_class(truth, predicted, labels),
        "labels": list(labels),
        "confusion": confusion(truth, predicted, labels),
        "single_role_called_hybrid": (sum(predicted[i] == "hybrid" for i in single) / len(single)
                                      if single else 0.0),
    }
    if confidences is not None:
        out["calibration"] = calibration(confidences, correct)
        out["coverage"] = coverage_curve(confidences, correct)
    return out


def format_report(rep: dict) -> str:
    """A plain-text table of a :func:`report`."""
    labels = rep["labels"]
    lines = [f"{'label':<18}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for label in labels:
        s = rep["per_class"][label]
        lines.append(f"{label:<18}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{s['support']:>9}")
    lines.append("")
    lines.append(f"accuracy {rep['accuracy']:.3f} · macro-F1 (project/product/other) "
                 f"{rep['macro_f1_single_role']:.3f} · macro-F1 (all four) {rep['macro_f1_all']:.3f} · "
                 f"single-role called hybrid {rep['single_role_called_hybrid']:.1%} · n {rep['n']}")
    if "calibration" in rep:
        lines.append(f"expected calibration error {rep['calibration']['ece']:.3f}")
    lines.append("")
    short = {"project-manager": "project", "product-manager": "product", "hybrid": "hybrid", "other": "other"}
    lines.append("confusion (rows: true, columns: predicted)")
    lines.append(" " * 10 + "".join(f"{short.get(l, l)[:9]:>10}" for l in labels))
    for label, row in zip(labels, rep["confusion"]):
        lines.append(f"{short.get(label, label)[:9]:<10}" + "".join(f"{v:>10}" for v in row))
    return "\n".join(lines)
