"""What travels inside the package: the shipped model store and the corpus.

The repository's top-level ``models/`` and ``corpus/`` are the source of truth. Building a wheel
copies the shipped model (``models/CURRENT`` and the version it names) and the corpus into the
package as ``classifier/shipped/`` (see ``setup.py``), where :mod:`importlib.resources` finds
them. A source checkout (an editable install) has no such copy and reads the top-level folders
themselves, so the team's ``pmrole train --model models`` changes what the next build ships.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import ModelError

SHIPPED = "shipped"                        # the folder inside the package that a build fills
CHECKOUT = Path(__file__).resolve().parents[1]  # the repository root, in a source checkout


def shipped_folder() -> Path | None:
    """``classifier/shipped`` of an installed wheel, or None in a source checkout."""
    folder = files(__package__) / SHIPPED
    return Path(str(folder)) if folder.is_dir() else None


def _find(name: str, marker: str) -> Path:
    shipped = shipped_folder()
    for folder in ((shipped / name) if shipped else None, CHECKOUT / name):
        if folder is not None and (folder / marker).exists():
            return folder
    raise ModelError(f"the packaged {name} is missing from this installation of pmrole (no "
                     f"{SHIPPED}/{name}/{marker} in the package, no {name}/ beside it); reinstall "
                     "pmrole from its wheel or sdist, or pass --model with a model folder.")


def packaged_store() -> Path:
    """The store holding the packaged model (its ``CURRENT`` names it)."""
    return _find("models", "CURRENT")


def packaged_corpus() -> Path:
    """The packaged corpus: ``examples/*.jsonl``, ``traits.toml``, guidelines, surroundings.
    Never raises, so that it can be a default: reading a missing corpus says what is missing."""
    try:
        return _find("corpus", "traits.toml")
    except ModelError:
        return CHECKOUT / "corpus"


def is_inside_package(path: Path) -> bool:
    """Whether ``path`` is inside an installed package's shipped data (never written to)."""
    shipped = shipped_folder()
    return shipped is not None and path.resolve().is_relative_to(shipped.resolve())
