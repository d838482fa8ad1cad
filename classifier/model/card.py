"""The model card in readable form (`pmrole model info`)."""

from __future__ import annotations


def _metrics_line(name: str, m: dict) -> str:
    return (f"  {name:<28} macro-F1 {m['macro_f1_single_role']:.3f} · accuracy {m['accuracy']:.3f} · "
            f"single-role called hybrid {m['single_role_called_hybrid']:.1%}"
            + (f" · ECE {m['calibration']['ece']:.3f}" if "calibration" in m else ""))


def describe(card: dict) -> str:
    lines = [f"model {card.get('model_id')}  (format {card.get('format_version')})",
             f"  labels: {', '.join(card.get('labels', []))}",
             f"  trained on {card.get('examples')} examples: "
             + ", ".join(f"{k} {v}" for k, v in card.get("class_counts", {}).items())
             + (f" (incl. {card['added_examples']} added)" if card.get("added_examples") else ""),
             f"  corpus fingerprint: {card.get('corpus_fingerprint', '')[:16]}…",
             f"  features: {card.get('features')} · temperature {card.get('temperature')}",
             "  versions: " + ", ".join(f"{k} {v}" for k, v in card.get("versions", {}).items()),
             "metrics (macro-F1 over project-manager / product-manager / other):"]
    cv = card.get("cross_validation", {})
    for key, name in (("with_title", "cross-validated"), ("text_only", "cross-validated, no title")):
        if key in cv:
            lines.append(_metrics_line(name, cv[key]))
    if "fixed_split_test" in card:
        lines.append(_metrics_line("fixed test split", card["fixed_split_test"]))
    dev = card.get("dev")
    if dev:
        lines.append(_metrics_line(f"{dev['file']}", dev["with_title"]))
        lines.append(_metrics_line(f"{dev['file']}, no title", dev["text_only"]))
    lines.append("artifacts (sha256):")
    lines += [f"  {name}  {digest}" for name, digest in sorted(card.get("artifacts", {}).items())]
    return "\n".join(lines)
