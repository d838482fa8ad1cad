"""Reading postings: bytes from a file or stdin to a :class:`Posting` (title kept apart from text).

Formats: plain text (.txt), Markdown (.md), HTML (.html/.htm, with schema.org ``JobPosting``
JSON-LD used when the page has it) and JSON holding a ``JobPosting``. Bytes are decoded as UTF-8,
UTF-8/16/32 with a BOM, or a legacy encoding found by detection. Anything that is not a readable
posting raises :class:`~classifier.errors.InputError` with a one-line message naming the file.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from .decoding import decode

MAX_FILE_BYTES = 10_000_000   # a saved job page with its scripts is rarely over 2 MB
MAX_TEXT_CHARS = 100_000      # a long posting is ~15,000 characters; beyond this it is not one

_TITLE_MAX_CHARS = 100
_SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "head")


@dataclass(frozen=True)
class Posting:
    """A posting's text, its title where the source has one, and where it came from."""

    text: str
    title: str = ""
    source: str = ""


def html_to_text(html: str) -> str:
    """Visible text of an HTML page or fragment, one block per line, without scripts or styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_SKIP_TAGS):
        tag.decompose()
    return tidy(soup.get_text("\n"))


def tidy(text: str) -> str:
    """Collapse runs of spaces and blank lines; keep line breaks, which carry list structure."""
    lines = (re.sub(r"[ \t\u00a0\u200b]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _job_postings(node):
    """Yield every schema.org JobPosting object inside parsed JSON(-LD), however nested."""
    if isinstance(node, list):
        for item in node:
            yield from _job_postings(item)
    elif isinstance(node, dict):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "JobPosting" in kinds:
            yield node
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in node:
                yield from _job_postings(node[key])


def _from_job_posting(obj: dict, source: str) -> Posting:
    description = obj.get("description") or ""
    if not isinstance(description, str):
        try:
            description = json.dumps(description)
        except (ValueError, RecursionError):
            description = ""
    parts = [html_to_text(description)]
    for key in ("responsibilities", "qualifications", "skills", "experienceRequirements"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(html_to_text(value))
    title = obj.get("title") or obj.get("name") or ""
    title = title if isinstance(title, (str, int, float)) else ""
    return Posting(text="\n\n".join(p for p in parts if p), title=str(title).strip(), source=source)


def parse_json(content: str, source: str) -> Posting:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}); give a "
                         "schema.org JobPosting object, or save the posting as .txt.") from None
    except (ValueError, RecursionError):  # a number over Python's digit limit; deep nesting
        raise InputError(f"{source}: the JSON cannot be read (nested too deeply, or a number too "
                         "long); give a schema.org JobPosting object, or save the posting as .txt.") from None
    try:
        postings = list(_job_postings(data))
    except RecursionError:
        raise InputError(f"{source}: the JSON is nested too deeply to search for a JobPosting; "
                         "give the JobPosting object alone.") from None
    if len(postings) > 1:
        raise InputError(f"{source}: holds {len(postings)} JobPosting objects, and classify reads one "
                         "posting per file; put each in a file of its own, or write them one a line "
                         "to a .jsonl file and use `pmrole score`.")
    for posting in postings:
        return _from_job_posting(posting, source)
    raise InputError(f'{source}: no schema.org JobPosting object found (expected "@type": '
                     '"JobPosting"); save the posting as .txt instead.')


def parse_html(content: str, source: str) -> Posting:
    for block in re.findall(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", content,
                            flags=re.S | re.I):
        try:
            data = json.loads(block)
            postings = list(_job_postings(data))
        except (ValueError, RecursionError):  # not JSON, or too deep to read: not the posting
            continue
        for posting in postings:
            return _from_job_posting(posting, source)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(content, "html.parser")
    heading = soup.find("h1") or soup.find("title")
    title = tidy(heading.get_text(" ")) if heading else ""
    for tag in soup(_SKIP_TAGS):
        tag.decompose()
    if soup.find("h1"):
        soup.find("h1").decompose()
    return Posting(text=tidy(soup.get_text("\n")), title=title[:_TITLE_MAX_CHARS], source=source)


def parse_text(content: str, source: str) -> Posting:
    """Plain text or Markdown: a short first line (or a heading) is the title."""
    content = tidy(content)
    first, _, rest = content.partition("\n")
    heading = first.lstrip("#").strip().strip("*_").strip()
    looks_like_title = (
        rest.strip()
        and len(heading) <= _TITLE_MAX_CHARS
        and (first.startswith("#") or not heading.endswith((".", ":", ";", ",")))
        and len(heading.split()) <= 12
    )
    if looks_like_title:
        return Posting(text=rest.strip(), title=heading, source=source)
    return Posting(text=content, source=source)


def _sniff(content: str) -> str:
    head = content.lstrip()[:1000].lower()
    if head.startswith(("{", "[")):
        return ".json"
    if head.startswith("<") and ("<html" in head or "<body" in head or "<div" in head
                                 or "<!doctype" in head or "<p" in head):
        return ".html"
    return ".txt"


def parse(content: str, source: str, suffix: str = "", *, find_title: bool = True) -> Posting:
    """Parse decoded content by format (from the suffix, or sniffed) and check it is usable.
    With ``find_title`` false, plain text keeps its first line as text (the caller has a title)."""
    kind = suffix.lower() if suffix.lower() in {".txt", ".md", ".html", ".htm", ".json"} else _sniff(content)
    if kind == ".json":
        posting = parse_json(content, source)
    elif kind in (".html", ".htm"):
        posting = parse_html(content, source)
    else:
        posting = parse_text(content, source) if find_title else Posting(tidy(content), "", source)
    if not posting.text.strip():
        raise InputError(f"{source}: the posting has no text to classify; check that this is "
                         "the right file.")
    if len(posting.text) > MAX_TEXT_CHARS:
        raise InputError(f"{source}: the posting's text is {len(posting.text):,} characters, over "
                         f"the {MAX_TEXT_CHARS:,}-character cap for one posting; is this really one "
                         "job posting? Split it, or use `pmrole score` for many postings.")
    return posting


def read_posting(path: str | Path) -> Posting:
    """Read one posting from a path, or from standard input when path is ``-``."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        source, suffix = "<stdin>", ""
    else:
        p = Path(path)
        source, suffix = name, p.suffix
        if p.is_dir():
            raise InputError(f"{source}: is a directory; give a posting file, or `-` to read stdin.")
        if not p.exists():
            raise InputError(f"{source}: no such file; check the path.")
        try:
            with p.open("rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{source}: cannot read the file ({exc.strerror}); check its "
                             "permissions.") from None
    return read_posting_bytes(data, source, suffix)


def read_posting_bytes(data: bytes, source: str, suffix: str = "", *,
                       title: str | None = None) -> Posting:
    """Read one posting from bytes already in memory (an upload, a request body) exactly as
    :func:`read_posting` reads a file: same cap, decoding, formats and messages. ``source`` names
    it in messages; ``suffix`` (".html", ...) gives the format, else it is sniffed. ``title``,
    when given, is the title, and the text is not searched for one."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{source}: the file is over {MAX_FILE_BYTES // 1_000_000} MB, too large "
                         "for one job posting; give the posting alone.")
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a file with the posting's text.")
    posting = parse(decode(data, source), source, suffix, find_title=title is None)
    return posting if title is None else replace(posting, title=title.strip())
