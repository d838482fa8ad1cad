"""The trained model as plain files: numbers in ``.npy`` arrays, everything else in JSON.

A model directory holds ``model.json`` (labels, vocabulary, temperature, traits, settings),
``idf.npy``, ``coef.npy``, ``intercept.npy`` and ``card.json`` (provenance, metrics and the
sha256 of every other file). Loading executes nothing from the files (``allow_pickle=False``),
checks every hash and shape, and needs neither scikit-learn nor any code from the model.

A model *store* is a folder of model directories with a ``CURRENT`` file naming the one in use;
``--model`` accepts either a store or a model directory.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelError
from .language.features import BLOCKS, Analysis, block_of
from .labels import LABELS
from .language.traits import Trait

FORMAT = "pmrole-model"
FORMAT_VERSION = 1
ARRAYS = ("idf", "coef", "intercept")
ARTIFACTS = ("model.json",) + tuple(f"{a}.npy" for a in ARRAYS)
CURRENT = "CURRENT"
DEFAULT_STORE = Path(__file__).resolve().parent.parent / "models"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_id(hashes: dict[str, str]) -> str:
    """A model's id: a digest of its artifacts, so equal files mean an equal id."""
    joined = "".join(f"{name}:{hashes[name]}\n" for name in ARTIFACTS)
    return "pmrole-" + hashlib.sha256(joined.encode()).hexdigest()[:12]


@dataclass
class Scores:
    """A posting's model scores: the features found (indices, weights) and per-label logits."""

    indices: np.ndarray
    values: np.ndarray
    logits: np.ndarray
    term_ids: list[int]                      # vocabulary index of each analysed feature, -1 if unknown
    feature_spans: list[tuple[str, int, int]]

    @property
    def probabilities(self) -> np.ndarray:
        z = self.logits - self.logits.max()
        e = np.exp(z)
        return e / e.sum()

    def spans(self, wanted=None) -> dict[int, list[tuple[str, int, int]]]:
        """Where each vocabulary term occurs (all terms, or only those in ``wanted``)."""
        found: dict[int, list] = {}
        for j, span in zip(self.term_ids, self.feature_spans):
            if j >= 0 and (wanted is None or j in wanted):
                found.setdefault(j, []).append(span)
        return found


def block_weights(settings: dict) -> np.ndarray:
    return np.array([settings.get("block_weights", {}).get(b, 1.0) for b in BLOCKS])


class LinearModel:
    """TF-IDF features times a linear layer, softmax at a temperature.

    The feature vector has three blocks (text n-grams, title n-grams, trait matches); each is
    TF-IDF weighted (sublinear tf), L2-normalised on its own and scaled by its block weight, so
    a short title or a handful of trait matches is not drowned by a long text.
    """

    def __init__(self, *, labels, vocabulary, idf, coef, intercept, temperature, traits,
                 settings=None, card=None, path=None):
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
        self.blocks = np.array([block_of(t) for t in self.vocabulary], dtype=np.int64)
        self.block_weights = block_weights(self.settings)

    @property
    def id(self) -> str:
        return self.card.get("model_id", "unsaved")

    def score(self, analysis: Analysis) -> Scores:
        """The same numbers as training's scikit-learn pipeline, for one posting."""
        get = self.index.get
        term_ids = [get(term, -1) for term in analysis.features]
        ids = np.fromiter(term_ids, dtype=np.int64, count=len(term_ids))
        indices, counts = np.unique(ids[ids >= 0], return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[indices]
        if len(indices):
            blocks = self.blocks[indices]
            norms = np.sqrt(np.bincount(blocks, weights=values * values, minlength=len(BLOCKS)))
            scale = np.divide(self.block_weights, norms, out=np.zeros(len(BLOCKS)), where=norms > 0)
            values = values * scale[blocks]
        logits = (self.coef[:, indices] @ values + self.intercept) / self.temperature
        return Scores(indices, values, logits, term_ids, analysis.spans)

    # --- files -------------------------------------------------------------------------------

    def save(self, directory: Path, card: dict) -> dict:
        """Write the artifacts and the card into an (empty) directory; return the final card."""
        directory.mkdir(parents=True, exist_ok=True)
        spec = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "labels": list(self.labels),
            "temperature": self.temperature, "settings": self.settings,
            "traits": [t.to_dict() for t in self.traits], "vocabulary": self.vocabulary,
        }
        (directory / "model.json").write_text(json.dumps(spec, ensure_ascii=False, sort_keys=True),
                                              encoding="utf-8")
        for name in ARRAYS:
            np.save(directory / f"{name}.npy", np.ascontiguousarray(getattr(self, name)),
                    allow_pickle=False)
        hashes = {name: sha256(directory / name) for name in ARTIFACTS}
        card = {**card, "model_id": model_id(hashes), "artifacts": hashes,
                "format_version": FORMAT_VERSION, "labels": list(self.labels)}
        (directory / "card.json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n",
                                             encoding="utf-8")
        self.card = card
        self.path = directory
        return card


def resolve(path: str | Path | None) -> Path:
    """The model directory meant by ``path``: a model directory, or a store's current model."""
    path = Path(path) if path is not None else DEFAULT_STORE
    if (path / "model.json").exists() or (path / "card.json").exists():
        return path
    pointer = path / CURRENT
    if pointer.exists():
        name = pointer.read_text(encoding="utf-8").strip()
        return path / name
    if not path.exists():
        raise ModelError(f"{path}: no model here. Train one with `pmrole train --output {path}`, "
                         "or pass --model with the folder of an existing model.")
    raise ModelError(f"{path}: not a model folder (no model.json, no CURRENT file); pass --model "
                     "with a model folder, or train one with `pmrole train`.")


def load(path: str | Path | None = None) -> LinearModel:
    """Load and verify a model directory (or a store's current model)."""
    directory = resolve(path)
    fix = ("Rebuild it with `pmrole train`, or switch to a kept version with `pmrole models use`.")
    card_path = directory / "card.json"
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{directory}: the model is incomplete (card.json is missing). {fix}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelError(f"{card_path}: the model card is corrupt (not valid JSON). {fix}") from None
    if card.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{directory}: model format version {card.get('format_version')!r}, but this "
                         f"pmrole reads version {FORMAT_VERSION}. Retrain with `pmrole train`, or use "
                         "the pmrole version that made it.")
    for name in ARTIFACTS:
        file = directory / name
        if not file.exists():
            raise ModelError(f"{directory}: the model is incomplete ({name} is missing). {fix}")
        if sha256(file) != card.get("artifacts", {}).get(name):
            raise ModelError(f"{file}: the file does not match the sha256 in card.json (corrupt "
                             f"or edited). {fix}")
    try:
        spec = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        arrays = {a: np.load(directory / f"{a}.npy", allow_pickle=False) for a in ARRAYS}
        labels, vocabulary = spec["labels"], spec["vocabulary"]
        traits = [Trait.from_dict(t) for t in spec["traits"]]
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise ModelError(f"{directory}: the model files cannot be read ({exc}). {fix}") from None
    n_labels, n_terms = len(labels), len(vocabulary)
    if (arrays["coef"].shape != (n_labels, n_terms) or arrays["idf"].shape != (n_terms,)
            or arrays["intercept"].shape != (n_labels,) or set(labels) != set(LABELS)):
        raise ModelError(f"{directory}: the model's arrays do not fit its labels and vocabulary. {fix}")
    return LinearModel(labels=labels, vocabulary=vocabulary, temperature=spec["temperature"],
                       traits=traits, settings=spec.get("settings"), card=card, path=directory,
                       **arrays)
