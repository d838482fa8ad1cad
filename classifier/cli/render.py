"""Human-readable terminal output for a Prediction (the CLI's non-JSON view)."""

from __future__ import annotations

import textwrap

import click

from ..explain.explain import display_term
from ..explain.prediction import Prediction

POSITIVE, NEGATIVE = "green", "red"


def percent(p: float) -> str:
    """A probability as a percentage that never claims certainty the model does not have."""
    if 0.995 <= p < 1.0:
        return ">99%"
    if 0.0 < p < 0.005:
        return "<1%"
    return f"{p:.0%}"


def _highlight(sentence: str, offset: int, prediction: Prediction, color: bool) -> str:
    """The sentence with keyword spans marked: coloured on a terminal, [brackets] otherwise."""
    marks = []
    for keyword in prediction.keywords:
        for field, start, end in keyword.spans:
            if field == "text" and offset <= start and end <= offset + len(sentence):
                marks.append((start - offset, end - offset, keyword.weight > 0))
    marks.sort(key=lambda m: (m[0], -m[1]))  # at one start, the longest term wins
    out, pos = [], 0
    for start, end, positive in marks:
        if start < pos:
            continue
        out.append(sentence[pos:start])
        word = sentence[start:end]
        out.append(click.style(word, fg=POSITIVE if positive else NEGATIVE, bold=True) if color
                   else f"[{word}]")
        pos = end
    out.append(sentence[pos:])
    return "".join(out)


def render_prediction(prediction: Prediction, color: bool = False) -> str:
    p = prediction
    style = (lambda s, **kw: click.style(s, **kw)) if color else (lambda s, **kw: s)
    header = p.source or "posting"
    if p.title:
        header += f" — {p.title}"
    review = style("  needs review", fg="yellow") if p.needs_review else ""
    lines = [
        style(header, bold=True),
        f"  {style(p.label, bold=True)}  {percent(p.confidence)}   runner-up: {p.runner_up} "
        f"{percent(p.probabilities[p.runner_up])}{review}",
        "  probabilities: " + " · ".join(f"{k} {v:.2f}" for k, v in p.probabilities.items()),
        f"  keywords (+ towards {p.label}, − towards {p.runner_up}):",
    ]
    roles = {t.name: t.role.split("-")[0] for t in p.traits}
    for k in p.keywords:
        sign = style(f"{k.weight:+.2f}", fg=POSITIVE if k.weight > 0 else NEGATIVE)
        count = f" ×{len(k.spans)}" if len(k.spans) > 1 else ""
        trait = f"  → {roles.get(k.trait, '')} trait {k.trait}".replace("  trait", " trait") if k.trait else ""
        lines.append(f"    {sign}  {display_term(k.term)}{count}{trait}")
    if p.traits:
        lines.append("  role traits found:")
        for t in p.traits:
            phrases = ", ".join(f'"{x}"' for x in t.phrases[:4])
            lines.append(f"    {t.role.split('-')[0]:<8} {t.name} ×{len(t.spans)} — {t.idea} ({phrases})")
    else:
        lines.append("  role traits found: none")
    mix = p.duty_mix
    if mix is not None and (mix.project or mix.product or mix.neither):
        left_out = f"; {mix.surrounding_units} surrounding units left out" if mix.surrounding_units else ""
        lines.append(f"  duty mix: project {mix.project:.0%} · product {mix.product:.0%} · "
                     f"neither {mix.neither:.0%}{left_out}")
        for d in mix.sentences:
            if d.share != "neither":
                lines.append(f"    {d.share:<8} " + textwrap.shorten(d.text, width=86, placeholder=" …"))
    for note in p.notes:
        lines.append(f"  note: {note}")
    if p.evidence:
        lines.append("  evidence:")
        for e in p.evidence:
            text = _highlight(e.text, e.start, p, color)
            wrapped = textwrap.fill(text, width=100, initial_indent="    • ", subsequent_indent="      ")
            lines.append(wrapped)
    return "\n".join(lines) + "\n"
