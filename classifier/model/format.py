"""The model on disk: numbers in ``.npy`` arrays, everything else in JSON, one format version.

A model directory holds ``model.json`` (labels, vocabulary, temperature, traits, settings, the
duty reader's intercept), ``idf.npy``, ``coef.npy``, ``intercept.npy``, ``reader_coef.npy`` (the
duty reader's weights, one per vocabulary term) and ``card.json`` (provenance, metrics and the
sha256 of every other file). Reading executes nothing from the files (``allow_pickle=False``),
checks every hash and shape, and needs neither scikit-learn nor any code from the model.

``FORMAT_VERSION`` changes when the files change meaning; :data:`READERS` holds one reader per
version this pmrole can read, so an old format is read in one known place.

Versions: 1, the linear layer alone (the whole text is read); 2 adds the duty reader.
To bump it: raise ``FORMAT_VERSION``, make :func:`write` write the new files, add a ``_read_vN``
for the new layout, and keep every older reader in :data:`READERS` (or drop one on purpose, with
the message saying which pmrole still reads it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..labels import LABELS
from ..language.traits import Trait
from .linear import LinearModel

FORMAT = "pmrole-model"
FORMAT_VERSION = 2
ARRAYS_V1 = ("idf", "coef", "intercept")
ARRAYS = ARRAYS_V1 + ("reader_coef",)
ARTIFACTS_V1 = ("model.json",) + tuple(f"{a}.npy" for a in ARRAYS_V1)
ARTIFACTS = ("model.json",) + tuple(f"{a}.npy" for a in ARRAYS)
_FIX = "Rebuild it with `pmrole train`, or switch to a kept version with `pmrole models use`."


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_id(hashes: dict[str, str], artifacts: tuple[str, ...] = ARTIFACTS) -> str:
    """A model's id: a digest of its artifacts, so equal files mean an equal id."""
    joined = "".join(f"{name}:{hashes[name]}\n" for name in artifacts)
    return "pmrole-" + hashlib.sha256(joined.encode()).hexdigest()[:12]


def write(model: LinearModel, directory: Path, card: dict) -> dict:
    """Write the artifacts and the card into an (empty) directory; return the final card."""
    directory.mkdir(parents=True, exist_ok=True)
    spec = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "labels": list(model.labels),
        "temperature": model.temperature, "settings": model.settings,
        "traits": [t.to_dict() for t in model.traits], "vocabulary": model.vocabulary,
        "reader_intercept": model.reader_intercept,
    }
    for name in ARRAYS:
        array = getattr(model, name)
        if array is None:  # no duty reader: weights 0 and a negative intercept read every unit
            array, spec["reader_intercept"] = np.zeros(len(model.vocabulary)), -1.0
        np.save(directory / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    (directory / "model.json").write_text(json.dumps(spec, ensure_ascii=False, sort_keys=True),
                                          encoding="utf-8")
    hashes = {name: sha256(directory / name) for name in ARTIFACTS}
    card = {**card, "model_id": model_id(hashes), "artifacts": hashes,
            "format_version": FORMAT_VERSION, "labels": list(model.labels)}
    (directory / "card.json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n",
                                         encoding="utf-8")
    model.card = card
    model.path = directory
    return card


def _read(directory: Path, card: dict, artifacts: tuple[str, ...], arrays_named: tuple[str, ...]):
    """The verified spec and arrays of a model directory."""
    for name in artifacts:
        file = directory / name
        if not file.exists():
            raise ModelError(f"{directory}: the model is incomplete ({name} is missing). {_FIX}")
        if sha256(file) != card.get("artifacts", {}).get(name):
            raise ModelError(f"{file}: the file does not match the sha256 in card.json (corrupt "
                             f"or edited). {_FIX}")
    try:
        spec = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        arrays = {a: np.load(directory / f"{a}.npy", allow_pickle=False) for a in arrays_named}
        labels, vocabulary = spec["labels"], spec["vocabulary"]
        traits = [Trait.from_dict(t) for t in spec["traits"]]
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise ModelError(f"{directory}: the model files cannot be read ({exc}). {_FIX}") from None
    n_labels, n_terms = len(labels), len(vocabulary)
    if (arrays["coef"].shape != (n_labels, n_terms) or arrays["idf"].shape != (n_terms,)
            or arrays["intercept"].shape != (n_labels,) or set(labels) != set(LABELS)
            or arrays.get("reader_coef", arrays["idf"]).shape != (n_terms,)):
        raise ModelError(f"{directory}: the model's arrays do not fit its labels and vocabulary. {_FIX}")
    return spec, arrays, labels, vocabulary, traits


def _read_v1(directory: Path, card: dict) -> LinearModel:
    spec, arrays, labels, vocabulary, traits = _read(directory, card, ARTIFACTS_V1, ARRAYS_V1)
    return LinearModel(labels=labels, vocabulary=vocabulary, temperature=spec["temperature"],
                       traits=traits, settings=spec.get("settings"), card=card, path=directory,
                       **arrays)


def _read_v2(directory: Path, card: dict) -> LinearModel:
    spec, arrays, labels, vocabulary, traits = _read(directory, card, ARTIFACTS, ARRAYS)
    try:
        reader_intercept = float(spec["reader_intercept"])
    except (KeyError, TypeError, ValueError):
        raise ModelError(f"{directory}: the model files cannot be read (no duty reader intercept). "
                         f"{_FIX}") from None
    return LinearModel(labels=labels, vocabulary=vocabulary, temperature=spec["temperature"],
                       traits=traits, settings=spec.get("settings"), card=card, path=directory,
                       reader_intercept=reader_intercept, **arrays)


READERS = {1: _read_v1, 2: _read_v2}


def read(directory: Path) -> LinearModel:
    """Read and verify the model in ``directory``, by the reader of its format version."""
    card_path = directory / "card.json"
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{directory}: the model is incomplete (card.json is missing). {_FIX}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelError(f"{card_path}: the model card is corrupt (not valid JSON). {_FIX}") from None
    reader = READERS.get(card.get("format_version"))
    if reader is None:
        raise ModelError(f"{directory}: model format version {card.get('format_version')!r}, but this "
                         f"pmrole reads versions {', '.join(map(str, sorted(READERS)))}. Retrain with `pmrole train`, or use "
                         "the pmrole version that made it.")
    return reader(directory, card)
