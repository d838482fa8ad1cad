"""What a classification returns: plain dataclasses with a stable ``to_dict()`` (JSON schema).

The same objects serve the CLI (terminal and ``--json``), batch scoring and the Python API.
``SCHEMA_VERSION`` changes whenever a field is renamed or removed; adding a field does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..language.traits import Trait

SCHEMA_VERSION = 2  # 2: trait spans have the keywords' {field, start, end} shape; duty_mix
# Defaults of a classification, here (not beside the numpy code) so the CLI can show them in
# --help without importing numpy.
DEFAULT_TOP = 10          # keywords listed per posting
REVIEW_CONFIDENCE = 0.6   # below this probability for the label, a person should look
REVIEW_MARGIN = 0.2       # ... or when the runner-up is this close


@dataclass(frozen=True)
class Keyword:
    """A model term with its exact contribution to ``label`` over ``runner_up`` (log-odds).

    ``spans`` are ``(field, start, end)`` character offsets into the posting's text or title;
    a ``trait:`` term's spans are the phrases of that trait that matched.
    """

    term: str
    weight: float
    spans: tuple[tuple[str, int, int], ...]
    trait: str | None = None  # the role trait whose phrase this term is, if any

    def to_dict(self) -> dict:
        return {"term": self.term, "weight": round(self.weight, 4), "trait": self.trait,
                "spans": [{"field": f, "start": s, "end": e} for f, s, e in self.spans]}


@dataclass(frozen=True)
class TraitHit:
    """A role trait found in the posting (its name, role and the article's idea are the trait's),
    the phrases of it that matched, and where."""

    trait: Trait
    phrases: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    name = property(lambda self: self.trait.name)
    role = property(lambda self: self.trait.role)
    idea = property(lambda self: self.trait.idea)

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "idea": self.idea, "count": len(self.spans),
                "phrases": list(self.phrases),
                "spans": [{"field": "text", "start": s, "end": e} for s, e in self.spans]}


@dataclass(frozen=True)
class Evidence:
    """A sentence of the posting that carries much of the decision."""

    text: str
    start: int
    end: int
    weight: float

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "weight": round(self.weight, 4)}


@dataclass(frozen=True)
class DutyUnit:
    """A duty sentence or bullet, the share it counts towards, and its weight (log-odds)."""

    share: str   # "project" | "product" | "neither"
    text: str
    start: int
    end: int
    weight: float

    def to_dict(self) -> dict:
        return {"share": self.share, "text": self.text, "start": self.start, "end": self.end,
                "weight": round(self.weight, 4)}


@dataclass(frozen=True)
class DutyMix:
    """Shares of the posting's duty weight that are project delivery, product, and neither
    (summing to 1, or all 0 when no duty carries weight), with the sentences behind each share
    and how many units were read as surroundings and left out."""

    project: float
    product: float
    neither: float
    sentences: tuple[DutyUnit, ...] = ()
    surrounding_units: int = 0

    def to_dict(self) -> dict:
        return {"project": round(self.project, 4), "product": round(self.product, 4),
                "neither": round(self.neither, 4), "sentences": [d.to_dict() for d in self.sentences],
                "surrounding_units": self.surrounding_units}


@dataclass(frozen=True)
class Prediction:
    """The label of one posting, how sure the model is, and why.

    ``keywords`` hold the terms pushing towards ``label`` (positive weight) or towards
    ``runner_up`` (negative), strongest first; ``rest`` is the summed weight of the terms not
    listed, ``bias`` the model's intercept difference. ``sum(keywords) + rest + bias`` equals
    ``log(p[label] / p[runner_up])`` exactly.
    """

    label: str
    probabilities: dict[str, float]
    runner_up: str
    needs_review: bool
    keywords: tuple[Keyword, ...]
    bias: float
    rest: float
    traits: tuple[TraitHit, ...]
    evidence: tuple[Evidence, ...]
    model: str
    text: str = ""
    title: str = ""
    source: str = ""
    notes: tuple[str, ...] = field(default=())
    duty_mix: DutyMix | None = None

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    @property
    def margin(self) -> float:
        return self.probabilities[self.label] - self.probabilities[self.runner_up]

    def _repr_html_(self) -> str:
        """The highlighted view `pmrole serve` shows, for Jupyter (stylesheet inline)."""
        from .view import standalone

        return standalone(self.to_dict(), self.text, self.title)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "file": self.source,
            "title": self.title,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "runner_up": self.runner_up,
            "needs_review": self.needs_review,
            "probabilities": {k: round(v, 6) for k, v in self.probabilities.items()},
            "keywords": [k.to_dict() for k in self.keywords],
            "bias": round(self.bias, 4),
            "rest": round(self.rest, 4),
            "traits": [t.to_dict() for t in self.traits],
            "evidence": [e.to_dict() for e in self.evidence],
            "model": self.model,
            "notes": list(self.notes),
            "duty_mix": self.duty_mix.to_dict() if self.duty_mix is not None else None,
        }
