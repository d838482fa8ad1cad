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
                   source: str) -> tuple[str, str | None]:
    """The text and title columns: as given (must exist), else the first common name found."""
    listed = ", ".join(repr(c) for c in columns)
    for given, what in ((text_column, "text"), (title_column, "title")):
        if given is not None and given not in columns:
            raise InputError(f"{source}: no column {given!r}; the columns are {listed}. Pass "
                             f"--{what}-column with one of them.")
    by_normal = {_normal(c): c for c in reversed(columns)}
    text = text_column or next((by_normal[c] for c in TEXT_CANDIDATES if c in by_normal), None)
    if text is None:
        raise InputError(f"{source}: cannot tell which column holds the posting text; the columns "
                         f"are {listed}. Pass --text-column NAME.")
    title = title_column or next((by_normal[c] for c in TITLE_CANDIDATES
                                  if c in by_normal and by_normal[c] != text), None)
    return text, title
