"""A model store: a folder of model versions and a ``CURRENT`` file naming the one in use.

``--model`` accepts either a store or a model directory: :func:`resolve` says which directory
is meant, :func:`load` reads it.

Saving is atomic: a version is written into a temporary folder beside the others and renamed
into place whole, then ``CURRENT`` is replaced by rename. Killing pmrole at any moment leaves
the previous ``CURRENT`` and its model intact. Old versions are kept until removed by hand.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..atomic import TMP_PREFIX, publish_mode, sweep_stale, temporary_folder, write_text
from ..errors import ModelError
from .card import ModelCard
from .format import read as read_model, write as write_model
from .linear import LinearModel

CURRENT = "CURRENT"
# The shipped store, beside the package in a source checkout.
DEFAULT_STORE = Path(__file__).resolve().parents[2] / "models"


def resolve(path: str | Path | None) -> Path:
    """The model directory meant by ``path``: a model directory, or a store's current model."""
    path = Path(path) if path is not None else DEFAULT_STORE
    if (path / "model.json").exists() or (path / "card.json").exists():
        return path
    pointer = path / CURRENT
    if pointer.exists():
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelError(f"{pointer}: cannot read the CURRENT file ({exc}); choose a version "
                             "with `pmrole models use VERSION`.") from None
        if not name or "/" in name or name.startswith("."):
            raise ModelError(f"{pointer}: does not name a stored version; choose one with "
                             "`pmrole models use VERSION`.")
        return path / name
    if not path.exists():
        raise ModelError(f"{path}: no model here. Train one with `pmrole train --output {path}`, "
                         "or pass --model with the folder of an existing model.")
    raise ModelError(f"{path}: not a model folder (no model.json, no CURRENT file); pass --model "
                     "with a model folder, or train one with `pmrole train`.")


def load(path: str | Path | None = None) -> LinearModel:
    """Load and verify a model directory (or a store's current model; default: the shipped one).
    Files of the wrong shape (a card holding a list, a field of the wrong type) are a ModelError."""
    directory = resolve(path)
    try:
        return read_model(directory)
    except ModelError:
        raise
    except (AttributeError, TypeError, KeyError, ValueError, IndexError, OSError) as exc:
        raise ModelError(f"{directory}: the model files are malformed ({type(exc).__name__}); "
                         "rebuild it with `pmrole train`, or switch to a kept version with "
                         "`pmrole models use`.") from None


def current(store: Path) -> str | None:
    pointer = store / CURRENT
    return pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def save_version(store: Path, model: LinearModel, card: dict) -> str:
    """Write a model as the store's new current version; return its id (its folder name)."""
    store.mkdir(parents=True, exist_ok=True)
    tmp = temporary_folder(store)
    try:
        card = write_model(model, tmp, card)
        final = store / card["model_id"]
        if final.exists():
            shutil.rmtree(tmp)  # the very same artifacts are already stored
        else:
            publish_mode(tmp, folder=True)
            os.replace(tmp, final)
        model.path = final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    write_text(store / CURRENT, card["model_id"] + "\n")
    return card["model_id"]


def versions(store: Path) -> list[dict]:
    """Every stored version (newest first by folder time) with its card's key facts."""
    rows = []
    active = current(store)
    for folder in store.iterdir() if store.exists() else ():
        card_path = folder / "card.json"
        if folder.name.startswith(TMP_PREFIX) or not card_path.exists():
            continue
        try:
            card = ModelCard.from_dict(json.loads(card_path.read_text(encoding="utf-8")))
        except (ValueError, OSError, TypeError, AttributeError, RecursionError):
            card = ModelCard()  # listed, so the user sees it; `use` and `load` say what is wrong
        rows.append({"id": folder.name, "current": folder.name == active, "examples": card.examples,
                     "cv_macro_f1": card.cv_with_title.get("macro_f1_single_role"),
                     "mtime": folder.stat().st_mtime})
    return sorted(rows, key=lambda r: -r["mtime"])


def use(store: Path, version: str) -> None:
    """Make a stored version the current one, after checking that it loads."""
    folder = store / version
    if not folder.is_dir():
        known = ", ".join(r["id"] for r in versions(store)) or "none"
        raise ModelError(f"{store}: no version {version!r}; stored versions: {known}.")
    load(folder)
    write_text(store / CURRENT, version + "\n")


def clean_temporary(store: Path) -> list[Path]:
    """Remove what interrupted saves of dead runs left (never CURRENT); a concurrent run's
    temporary folder is left alone."""
    return sweep_stale(store)
