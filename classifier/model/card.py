"""The model card as a type: what a model was trained on, how it measured, what its files are.

``card.json`` is written from a plain dict by :mod:`.format` (so its bytes do not depend on this
class); :meth:`ModelCard.from_dict` reads one, tolerating the keys an older or unsaved card lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelCard:
    model_id: str = "unsaved"
    format_version: int | None = None
    labels: tuple[str, ...] = ()
    examples: int | None = None
    added_examples: int = 0
    class_counts: dict[str, int] = field(default_factory=dict)
    corpus_fingerprint: str = ""
    features: int | None = None
    temperature: float | None = None
    settings: dict = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    cross_validation: dict = field(default_factory=dict)   # folds, with_title, text_only: metrics
    cv_macro_f1_corpus_only: float | None = None
    fixed_split_test: dict | None = None
    dev: dict | None = None                                 # file, with_title, text_only: metrics
    artifacts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, card: dict) -> "ModelCard":
        known = {k: v for k, v in card.items() if k in cls.__dataclass_fields__}
        if "labels" in known:
            known["labels"] = tuple(known["labels"])
        return cls(**known)

    @property
    def cv_with_title(self) -> dict:
        """Cross-validated metrics with titles ({} when the card has none)."""
        return self.cross_validation.get("with_title", {})

    @property
    def corpus_macro_f1(self) -> float:
        """The cross-validated macro-F1 on the corpus examples, which the regression guard
        compares (older cards only have it over corpus and added examples together)."""
        if self.cv_macro_f1_corpus_only is not None:
            return self.cv_macro_f1_corpus_only
        return self.cv_with_title.get("macro_f1_single_role", 0.0)


def _metrics_line(name: str, m: dict) -> str:
    return (f"  {name:<28} macro-F1 {m['macro_f1_single_role']:.3f} · accuracy {m['accuracy']:.3f} · "
            f"single-role called hybrid {m['single_role_called_hybrid']:.1%}"
            + (f" · ECE {m['calibration']['ece']:.3f}" if "calibration" in m else ""))


def describe(card: ModelCard) -> str:
    """The card in readable form (`pmrole model info`)."""
    lines = [f"model {card.model_id}  (format {card.format_version})",
             f"  labels: {', '.join(card.labels)}",
             f"  trained on {card.examples} examples: "
             + ", ".join(f"{k} {v}" for k, v in card.class_counts.items())
             + (f" (incl. {card.added_examples} added)" if card.added_examples else ""),
             f"  corpus fingerprint: {card.corpus_fingerprint[:16]}…",
             f"  features: {card.features} · temperature {card.temperature}",
             "  versions: " + ", ".join(f"{k} {v}" for k, v in card.versions.items()),
             "metrics (macro-F1 over project-manager / product-manager / other):"]
    for key, name in (("with_title", "cross-validated"), ("text_only", "cross-validated, no title")):
        if key in card.cross_validation:
            lines.append(_metrics_line(name, card.cross_validation[key]))
    if card.fixed_split_test:
        lines.append(_metrics_line("fixed test split", card.fixed_split_test))
    if card.dev:
        lines.append(_metrics_line(f"{card.dev['file']}", card.dev["with_title"]))
        lines.append(_metrics_line(f"{card.dev['file']}, no title", card.dev["text_only"]))
    review = card.cross_validation.get("review")
    if "review_confidence" in card.settings:
        rule = f"  review rule: needs_review when p(label) < {card.settings['review_confidence']}"
        if review and "target_errors_flagged" in review:
            rule += (f" (the lowest threshold that flags ≥ {review['target_errors_flagged']:.0%} "
                     f"of the cross-validated errors)")
        elif review:  # models trained before round 8's rule
            rule += (f" (the lowest threshold whose unflagged cross-validated postings are "
                     f"≥ {review['target_accuracy']:.0%} right)")
        lines.append(rule)
    if "wrapped_label_changed" in card.cross_validation:
        lines.append(f"  surrounding passages: labels changed by wrapping held-out postings in 2–5 "
                     f"passages, cross-validated: {card.cross_validation['wrapped_label_changed']:.1%}")
    lines.append("artifacts (sha256):")
    lines += [f"  {name}  {digest}" for name, digest in sorted(card.artifacts.items())]
    return "\n".join(lines)
