"""Model stores: a folder of model versions and a ``CURRENT`` file naming the one in use.

Where a model lives is said one way in every command, ``--model PATH``: a store (its
``CURRENT`` version) or one model folder. Without it, the model in use is the current version
of the **user store** (platformdirs' user data folder, or ``$PMROLE_HOME``, + ``models``) when
it has one, else the **packaged** model that travels in the wheel (:mod:`classifier.packaged`).
Training saves into the user store by default and never into the installed package.
:func:`locate` says which directory is meant and where it came from; :func:`load` reads it.

Saving is atomic: a version is written into a temporary folder beside the others and renamed
into place whole, then ``CURRENT`` is replaced by rename. Killing pmrole at any moment leaves
the previous ``CURRENT`` and its model intact. Old versions are kept until removed by hand.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..atomic import TMP_PREFIX, publish_mode, sweep_stale, temporary_folder, write_text
from ..errors import InputError, ModelError
from ..packaged import is_inside_package, packaged_store
from .card import ModelCard
from .format import read as read_model, write as write_model
from .linear import LinearModel

CURRENT = "CURRENT"
HOME_ENV = "PMROLE_HOME"   # moves the user's pmrole folder (the store is its models/)
PACKAGED = "packaged"      # `pmrole models use packaged`: back to the model in the package
_USE_PACKAGED = "`pmrole models use packaged` goes back to the packaged model"


def user_store() -> Path:
    """The per-user store: ``$PMROLE_HOME/models``, else the platform's user data folder
    (``~/.local/share/pmrole/models`` on Linux) + ``models``. Read when it is called, so that a
    changed ``PMROLE_HOME`` is seen."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "models"
    from platformdirs import user_data_path

    return user_data_path("pmrole", appauthor=False) / "models"


@dataclass(frozen=True)
class Location:
    """Where a model was found: its directory, the store it is the current version of (None for
    a model folder given directly), and how it was chosen (``given``, ``user store``, ``packaged``)."""

    directory: Path
    store: Path | None
    origin: str

    def describe(self) -> str:
        where = {"given": "given with --model", "user store": "the current model of your store",
                 "packaged": "the packaged model"}[self.origin]
        return f"{self.directory.name}: {where} ({self.store or self.directory})"


def _is_model_folder(path: Path) -> bool:
    return (path / "model.json").exists() or (path / "card.json").exists()


def _pointed(store: Path) -> Path:
    pointer = store / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{pointer}: cannot read the CURRENT file ({exc}); choose a version "
                         "with `pmrole models use VERSION`.") from None
    if not name or "/" in name or name.startswith("."):
        raise ModelError(f"{pointer}: does not name a stored version; choose one with "
                         f"`pmrole models use VERSION`, or {_USE_PACKAGED}.")
    return store / name


def locate(path: str | Path | None = None) -> Location:
    """The model meant by ``path`` (a model folder or a store), or by default the user store's
    current model, else the packaged one."""
    if path is None:
        store = user_store()
        if (store / CURRENT).exists():
            return Location(_pointed(store), store, "user store")
        store = packaged_store()
        return Location(_pointed(store), store, "packaged")
    path = Path(path)
    if _is_model_folder(path):
        return Location(path, None, "given")
    if (path / CURRENT).exists():
        return Location(_pointed(path), path, "given")
    if not path.exists():
        raise ModelError(f"{path}: no model here. Train one with `pmrole train --model {path}`, "
                         "or pass --model with the folder of an existing model.")
    raise ModelError(f"{path}: not a model folder (no model.json, no CURRENT file); pass --model "
                     "with a model folder or a store, or train one with `pmrole train`.")


def resolve(path: str | Path | None) -> Path:
    """The model directory meant by ``path`` (see :func:`locate`)."""
    return locate(path).directory


def writable_store(path: str | Path | None) -> Path:
    """The store that ``train`` saves into and ``models use`` switches: ``path``, or the user
    store. A model folder or the installed package's own store is refused (exit 3)."""
    store = Path(path) if path is not None else user_store()
    if _is_model_folder(store):
        raise InputError(f"{store}: is one model folder, not a store; give --model the store "
                         f"that holds it (e.g. --model {store.parent}).")
    if is_inside_package(store):
        raise InputError(f"{store}: is the store inside the installed package, which pip "
                         "manages; models you train go to your user store (the default) or "
                         "another folder given with --model.")
    return store


def load(path: str | Path | None = None) -> LinearModel:
    """Load and verify a model directory (or a store's current model; default: see :func:`locate`).
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
    """Make a stored version the current one, after checking that it loads. In the user store,
    ``packaged`` (or the packaged model's id, when the store has no such version) removes
    ``CURRENT``, so the packaged model is in use again."""
    folder = store / version
    if version == PACKAGED or (not folder.is_dir() and version == resolve_packaged().name):
        if store != user_store():
            raise InputError(f"{store}: `packaged` switches your user store back to the packaged "
                             "model; in another store, name one of its versions "
                             "(`pmrole models list --model STORE`).")
        (store / CURRENT).unlink(missing_ok=True)
        return
    if not folder.is_dir():
        known = ", ".join(r["id"] for r in versions(store)) or "none"
        raise ModelError(f"{store}: no version {version!r}; stored versions: {known}.")
    load(folder)
    write_text(store / CURRENT, version + "\n")


def resolve_packaged() -> Path:
    """The packaged model's directory."""
    return _pointed(packaged_store())


def clean_temporary(store: Path) -> list[Path]:
    """Remove what interrupted saves of dead runs left (never CURRENT); a concurrent run's
    temporary folder is left alone."""
    return sweep_stale(store)
