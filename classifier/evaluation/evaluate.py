"""How a model does on labelled postings (`pmrole evaluate`), as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..explain.explain import display_term
from ..labels import LABELS
from ..reading.labelled import LabelledRow, read_labelled
from .metrics import format_report, report


@dataclass
class Evaluation:
    source: str
    model: str
    with_title: bool
    metrics: dict
    misclassified: list[dict]

    def to_dict(self) -> dict:
        return {"file": self.source, "model": self.model, "with_title": self.with_title,
                **self.metrics, "misclassified": self.misclassified}

    def text(self) -> str:
        m = self.metrics
        lines = [f"{self.source}: {m['n']} postings, model {self.model}, "
                 f"{'with titles' if self.with_title else 'text only'}", "", format_report(m), ""]
        lines.append("coverage (postings below the confidence threshold go to review):")
        for row in m["coverage"][::2]:
            if row["accuracy"] is not None:
                lines.append(f"  threshold {row['threshold']:.2f}: auto-accept {row['coverage']:6.1%}, "
                             f"accuracy {row['accuracy']:.3f}")
        if m.get("duty_mix_by_label"):
            lines.append("\nduty mix by true label (mean shares: project / product / neither):")
            for label, mix in m["duty_mix_by_label"].items():
                lines.append(f"  {label:<16} {mix['project']:.2f} / {mix['product']:.2f} / {mix['neither']:.2f}"
                             f"  (n {mix['n']})")
        lines.append(f"\nmisclassified: {len(self.misclassified)}")
        for item in self.misclassified[:25]:
            lines.append(f"  {item['where']}: {item['label']} → {item['predicted']} ({item['confidence']:.2f}) "
                         f"{item['title'][:50]!r}; {', '.join(item['keywords'][:5])}")
        return "\n".join(lines)


def evaluate(model, rows: list[LabelledRow], source: str, with_title: bool = True) -> Evaluation:
    unknown = [r for r in rows if r.label not in LABELS]
    if unknown:
        r = unknown[0]
        raise InputError(f"{r.where}: unknown label {r.label!r}; labels are {', '.join(LABELS)} "
                         f"({len(unknown)} row(s) affected).")
    if not rows:
        raise InputError(f"{source}: no labelled rows to evaluate.")
    predictions = [model.classify(r.text, r.title if with_title else None, evidence=False) for r in rows]
    metrics = report([r.label for r in rows], [p.label for p in predictions],
                     [p.confidence for p in predictions])
    wrong = [{"where": r.where, "title": r.title, "label": r.label, "predicted": p.label,
              "confidence": p.confidence, "needs_review": p.needs_review,
              "duty_mix": _shares(p),
              "keywords": [f"{display_term(k.term)} {k.weight:+.2f}" for k in p.keywords[:8]]}
             for r, p in zip(rows, predictions) if p.label != r.label]
    metrics["duty_mix_by_label"] = _mix_by_label(rows, predictions)
    return Evaluation(source, model.id, with_title, metrics, wrong)


def _shares(p) -> dict:
    mix = p.duty_mix
    return {k: round(getattr(mix, k), 4) for k in ("project", "product", "neither")} if mix else {}


def _mix_by_label(rows, predictions) -> dict:
    """The mean duty mix of the postings of each true label (how the duties read, by label)."""
    out = {}
    for label in LABELS:
        mixes = [_shares(p) for r, p in zip(rows, predictions) if r.label == label and p.duty_mix]
        if mixes:
            out[label] = {k: round(sum(m[k] for m in mixes) / len(mixes), 4)
                          for k in ("project", "product", "neither")} | {"n": len(mixes)}
    return out


def evaluate_file(path: str, model=None, *, with_title=True, text_column=None, title_column=None,
                  label_column=None, log=None) -> Evaluation:
    """Evaluate ``model`` (a loaded Classifier, or a model path; default: the shipped model) on
    the labelled rows of ``path``; ``log(message)`` is told which columns were chosen."""
    if model is None or isinstance(model, (str, Path)):
        from ..explain.classifier import load_model

        model = load_model(model)
    rows = read_labelled(path, text_column=text_column, title_column=title_column,
                         label_column=label_column, log=log)
    return evaluate(model, rows, path, with_title)


def to_json(evaluation: Evaluation) -> str:
    return json.dumps(evaluation.to_dict(), ensure_ascii=False)
