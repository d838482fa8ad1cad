"""The role traits: from the article pmrole started from, as phrase lists per role.

The source of truth is ``corpus/traits.toml``. A trained model keeps its own copy (in its
``model.json``) so that prediction matches exactly the phrases the model was trained with.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

ROLES = ("project-manager", "product-manager")


@dataclass(frozen=True)
class Trait:
    name: str
    role: str
    idea: str
    phrases: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "idea": self.idea, "phrases": list(self.phrases)}

    @classmethod
    def from_dict(cls, d: dict) -> "Trait":
        return cls(d["name"], d["role"], d["idea"], tuple(d["phrases"]))


def load_traits(path: str | Path) -> list[Trait]:
    """Read and check a traits file: unique names, a known role, an idea and phrases for each."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no traits file here; the corpus folder needs traits.toml.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}); fix the file.") from None
    traits, seen = [], set()
    for i, entry in enumerate(data.get("trait", []), 1):
        missing = [k for k in ("name", "role", "idea", "phrases") if not entry.get(k)]
        if missing:
            raise InputError(f"{path}: trait #{i} lacks {', '.join(missing)}; every trait needs "
                             "name, role, idea and phrases.")
        if entry["role"] not in ROLES:
            raise InputError(f"{path}: trait {entry['name']!r} has role {entry['role']!r}; use one "
                             f"of {', '.join(ROLES)}.")
        if entry["name"] in seen:
            raise InputError(f"{path}: trait name {entry['name']!r} is used twice; names must be unique.")
        seen.add(entry["name"])
        traits.append(Trait(entry["name"], entry["role"], entry["idea"].strip(), tuple(entry["phrases"])))
    if not traits:
        raise InputError(f"{path}: no [[trait]] entries found.")
    return traits
