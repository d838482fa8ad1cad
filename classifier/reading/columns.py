"""Which columns of a table hold a posting's text and title: as the user names them, or found
by their usual names in job-board and ATS exports."""

from __future__ import annotations

import re

from ..errors import InputError

TEXT_CANDIDATES = ("description", "job_description", "jobdescription", "description_text",
                   "job_description_text", "text", "body", "posting", "posting_text", "job_text",
                   "content", "details", "job_details")
TITLE_CANDIDATES = ("title", "job_title", "jobtitle", "position", "position_title", "job_name",
                    "role", "role_title")


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def choose_columns(columns: list[str], text_column: str | None, title_column: str | None,
                   source: str, taken: dict[str, str] | None = None) -> tuple[str, str | None]:
    """The text and title columns: as given (must exist), else the first common name found.

    A column plays one part only: ``taken`` maps columns already given another part (the
    label) to that part's name, and they are neither detected nor accepted as text or title."""
    taken = dict(taken or {})
    listed = ", ".join(repr(c) for c in columns)
    for given, what in ((text_column, "text"), (title_column, "title")):
        if given is not None and given not in columns:
            raise InputError(f"{source}: no column {given!r}; the columns are {listed}. Pass "
                             f"--{what}-column with one of them.")
        if given is not None and given in taken:
            raise InputError(f"{source}: column {given!r} cannot be both the {taken[given]} and the "
                             f"{what}; a column plays one part only. Pass another --{what}-column.")
        if given is not None:
            taken[given] = what
    by_normal = {_normal(c): c for c in reversed(columns) if c not in taken}
    text = text_column or next((by_normal[c] for c in TEXT_CANDIDATES if c in by_normal), None)
    if text is None:
        hint = ""
        if len(columns) == 1 and any(d in columns[0] for d in ";|\t"):
            hint = (" The header reads as one column: is the file separated by another "
                    "character? Pass --delimiter (e.g. --delimiter ';').")
        raise InputError(f"{source}: cannot tell which column holds the posting text; the columns "
                         f"are {listed}.{hint or ' Pass --text-column NAME.'}")
    title = title_column or next((by_normal[c] for c in TITLE_CANDIDATES
                                  if c in by_normal and by_normal[c] != text), None)
    for chosen, what in ((text, "text"), (title, "title")):
        if chosen is not None and columns.count(chosen) > 1:
            raise InputError(f"{source}: the header names column {chosen!r} {columns.count(chosen)} "
                             f"times, so the {what} is ambiguous; rename the copies, then score again.")
    return text, title


def describe_columns(source: str, text: str, title: str | None, label: str | None = None) -> str:
    """The line that tells the user which columns were chosen (commands print it on stderr)."""
    parts = [f"text column {text!r}", f"title column {title!r}" if title else "no title column"]
    if label is not None:
        parts.append(f"label column {label!r}")
    return f"reading {source}: " + ", ".join(parts)
