"""Request bodies to postings: size caps while reading, forms kept in memory, reading delegated.

Nothing a client sends is written to disk: bodies are read into memory up to a cap (Starlette's
own form parser would spool a file over 1 MB to a temporary file).
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from ..reading.postings import MAX_FILE_BYTES, MAX_TEXT_CHARS, Posting, read_posting_bytes
from .errors import ApiError

MAX_POSTING_BYTES = MAX_FILE_BYTES + 64 * 1024  # one posting file plus the form's own fields


async def read_body(request: Request, cap: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``cap`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise _too_large(cap)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise _too_large(cap)
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "client disconnected", "the request body ended early") from None
    return b"".join(chunks)


def _too_large(cap: int) -> ApiError:
    return ApiError(413, "too large", f"the request is over {cap // 1_000_000} MB, too large for one "
                                      "job posting; send the posting alone (use /v1/score for many).")


class _InMemoryParser(MultiPartParser):
    spool_max_size = MAX_POSTING_BYTES + 1  # never roll over to a temporary file


async def read_form(request: Request, cap: int) -> FormData:
    body = await read_body(request, cap)

    async def stream():
        yield body

    parser = _InMemoryParser(request.headers, stream(), max_files=1, max_fields=10,
                             max_part_size=cap)
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise ApiError(422, "invalid request", f"the multipart form cannot be read ({exc.message})") from None


def posting_from_bytes(data: bytes, name: str, suffix: str, title: str | None) -> Posting:
    """An uploaded file, read as ``pmrole classify FILE`` reads it."""
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(413, "too large", f"{name}: the file is over {MAX_FILE_BYTES // 1_000_000} MB, "
                                         "too large for one job posting; give the posting alone.")
    return read_posting_bytes(data, name, suffix, title=title)


def posting_from_text(text: str, title: str | None) -> Posting:
    """Pasted or posted text, read as ``pmrole classify -`` reads stdin (HTML and JobPosting JSON
    are recognised; without ``title``, a short first line is the title)."""
    if len(text) > MAX_TEXT_CHARS:
        raise ApiError(413, "too large", f"the posting's text is {len(text):,} characters, over the "
                                         f"{MAX_TEXT_CHARS:,}-character cap for one posting; send one "
                                         "job posting, or use /v1/score for many.")
    return read_posting_bytes(text.encode("utf-8", "surrogatepass"), "text", "", title=title)
