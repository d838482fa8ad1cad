"""The model on disk: numbers in ``.npy`` arrays, everything else in JSON, one format version.

A model directory holds ``model.json`` (labels, vocabulary, temperature, traits, settings, the
duty reader's intercept), ``idf.npy``, ``coef.npy``, ``intercept.npy``, ``reader_coef.npy`` (the
duty reader's weights, one per vocabulary term) and ``card.json`` (provenance, metrics and the
sha256 of every other file). Reading executes nothing from the files (``allow_pickle=False``),
checks every hash and shape, and needs neither scikit-learn nor any code from the model.

``FORMAT_VERSION`` changes when the files change meaning; :data:`READERS` holds one reader per
version this pmrole can read, so an old format is read in one known place.

Versions: 1, the linear layer alone (the whole text is read); 2 adds the duty reader.

The versions that a model's predictions depend on are recorded in its card (``versions``) by
:func:`write` and checked by :func:`read`, here and nowhere else (:data:`FEATURE_PACKAGES`,
:data:`NUMERIC_PACKAGES`). Another ``spacy-lookups-data`` is refused (exit 4, with the fix): its
English lemma table is the featurizer, so every feature could change. Another pmrole or numpy
(major.minor) warns once per process, like spaCy's W095: the features are the same, the numbers
may differ in the last digits. scikit-learn and spaCy's own version are recorded but not checked:
prediction does not use scikit-learn, and spaCy only finds the traits and sentences shown.

To bump the format:
1. raise ``FORMAT_VERSION`` and make :func:`write` write the new files (``ARTIFACTS``);
2. add ``_read_vN`` for the new layout to :data:`READERS` and keep every older reader (or drop
   one on purpose, with the refusal saying which pmrole still reads it);
3. a tiny model of the old version must still load: extend ``tests/test_install_format.py``;
4. retrain the shipped model (``pmrole train --model models``) and commit it.
A pmrole change that changes features without changing the files (the tokenizer, n-grams, the
lemma lookup) also needs a new format version, since the pmrole version check only warns.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
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
FEATURE_PACKAGES = ("spacy-lookups-data",)  # another version may change the features: refused
NUMERIC_PACKAGES = ("pmrole", "numpy")      # another version may move the last digits: warned
_WARNED_ENV = "PMROLE_VERSIONS_WARNED"      # model ids already warned about, seen by child processes


class ModelVersionWarning(UserWarning):
    """A model made with another pmrole or numpy than the one running (see the module doc)."""


def installed_versions() -> dict[str, str]:
    """The installed versions of the packages a model's predictions depend on."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    try:
        lookups = version("spacy-lookups-data")
    except PackageNotFoundError:
        lookups = "not installed"
    return {"pmrole": __version__, "numpy": np.__version__, "spacy-lookups-data": lookups}


def _differs(package: str, made_with: str, installed: str) -> bool:
    """pmrole by its whole version; numpy by major.minor (patch releases keep results)."""
    if package == "pmrole":
        return made_with != installed
    return made_with.split(".")[:2] != installed.split(".")[:2]


def check_versions(directory: Path, card: dict) -> None:
    """Refuse a model whose lemma table package differs from the installed one; warn once per
    process (and its workers) about another pmrole or numpy."""
    recorded = card.get("versions") if isinstance(card.get("versions"), dict) else {}
    installed = installed_versions()
    for package in FEATURE_PACKAGES:
        made_with = recorded.get(package)
        if made_with is not None and made_with != installed[package]:
            raise ModelError(
                f"{directory}: the model was made with {package} {made_with}, but {installed[package]} "
                f"is installed; its English lemma table makes the model's features, so every "
                f"prediction could change. Install the one it was made with (`pip install "
                f"'{package}=={made_with}'`), or retrain the model with this one (`pmrole train`).")
    differ = [f"{package} {recorded[package]} (this is {installed[package]})"
              for package in NUMERIC_PACKAGES
              if package in recorded and _differs(package, str(recorded[package]), installed[package])]
    missing = [package for package in FEATURE_PACKAGES if package not in recorded]
    model = str(card.get("model_id", directory.name))
    warned = os.environ.get(_WARNED_ENV, "").split(",")
    if not (differ or missing) or model in warned:
        return
    os.environ[_WARNED_ENV] = ",".join(filter(None, warned + [model]))
    if differ:
        message = (f"model {model} was made with {', '.join(differ)}. Its features are the same, "
                   "but the probabilities may differ in the last digits; retrain it (`pmrole "
                   "train`) to make this warning go away.")
    else:
        message = (f"model {model} does not record which {', '.join(missing)} it was made with, "
                   "so a different lemma table cannot be detected; retrain it (`pmrole train`) "
                   "to record it.")
    warnings.warn(message, ModelVersionWarning, stacklevel=2)


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
    versions = {**card.get("versions", {}), **installed_versions()}
    card = {**card, "model_id": model_id(hashes), "artifacts": hashes, "versions": versions,
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
    model = reader(directory, card)
    check_versions(directory, card)
    return model
