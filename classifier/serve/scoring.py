"""``POST /v1/score``: a table streamed in, the scored table streamed out, by the batch code.

The batch scorer is synchronous and reads and writes binary streams; here it runs on a thread
of its own, reading the request body through :class:`_Body` and writing into :class:`_Sink`,
while the event loop relays both. Problems with the table as a whole (not a table, no text
column, ...) are raised by the scorer before it writes its header, so they still get a proper
status; bad rows are reported in their own ``pmrole_error`` cell, as ``pmrole score`` does.

The scorer classifies without evidence sentences, so it never adds strings to spaCy's
vocabulary and may run beside classifications on the event loop.
"""

from __future__ import annotations

import asyncio
import io
import threading

from starlette.requests import ClientDisconnect, Request
from starlette.responses import StreamingResponse

from .. import PmroleError
from ..batch.score import ScoreSummary, score_file
from .errors import ApiError

MAX_TABLE_BYTES = 500_000_000   # streamed, so memory stays flat; the cap only bounds a run's time
OUT_CHUNK = 64 * 1024
FORMATS = {
    "text/csv": "csv", "application/csv": "csv", "text/tab-separated-values": "tsv",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "application/x-jsonlines": "jsonl",
    "application/json-lines": "jsonl", "application/json": "jsonl",
    # sniffed from the content, as `pmrole score -` does with stdin:
    "text/plain": None, "application/octet-stream": None, "application/gzip": None,
    "application/x-gzip": None, "": None,
}
OUTPUT_TYPES = {"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
                "jsonl": "application/x-ndjson; charset=utf-8"}


class _Body(io.RawIOBase):
    """The request body as a blocking binary stream for the scoring thread."""

    def __init__(self, request: Request, loop: asyncio.AbstractEventLoop, cap: int):
        self.chunks = request.stream().__aiter__()
        self.loop, self.cap = loop, cap
        self.pending, self.size, self.ended = b"", 0, False

    def readable(self):
        return True

    async def _next(self) -> bytes:
        try:
            return await self.chunks.__anext__()
        except StopAsyncIteration:
            return b""

    def readinto(self, buffer) -> int:
        # Fill the whole buffer (or reach the end), as a file would: the table reader judges
        # the encoding from its first megabyte and must not mistake one HTTP chunk for the file.
        n = 0
        while n < len(buffer):
            if not self.pending:
                if self.ended:
                    break
                self.pending = self._receive()
                continue
            take = min(len(buffer) - n, len(self.pending))
            buffer[n:n + take] = self.pending[:take]
            self.pending = self.pending[take:]
            n += take
        return n

    def _receive(self) -> bytes:
        try:
            chunk = asyncio.run_coroutine_threadsafe(self._next(), self.loop).result()
        except ClientDisconnect:
            raise ConnectionAbortedError("the client went away") from None
        if not chunk:
            self.ended = True
        self.size += len(chunk)
        if self.size > self.cap:
            raise ApiError(413, "too large", f"the table is over {self.cap // 1_000_000} MB; "
                                             "split it, or score it with `pmrole score`.")
        return chunk


class _Sink(io.RawIOBase):
    """Bytes written by the scoring thread, handed to the response through a bounded queue."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=8)  # back-pressure on a slow reader
        self.gone = threading.Event()

    def writable(self):
        return True

    def put(self, kind: str, value) -> None:
        while True:
            if self.gone.is_set():
                raise ConnectionAbortedError("the client went away")
            future = asyncio.run_coroutine_threadsafe(
                asyncio.wait_for(self.queue.put((kind, value)), 1.0), self.loop)
            try:
                return future.result()
            except TimeoutError:
                continue  # the reader is slow, or gone: look again

    def write(self, data) -> int:
        if data:
            self.put("data", bytes(data))
        return len(data)


def _options(request: Request) -> dict:
    query = request.query_params
    unknown = sorted(set(query) - {"text_column", "title_column", "output"})
    if unknown:
        raise ApiError(422, "invalid request", f"unknown parameter {unknown[0]!r}; the parameters are "
                                               "text_column, title_column and output (csv, tsv, jsonl)")
    output = query.get("output") or None
    if output not in (None, "csv", "tsv", "jsonl"):
        raise ApiError(422, "invalid request", "output must be csv, tsv or jsonl")
    return {"text_column": query.get("text_column") or None,
            "title_column": query.get("title_column") or None, "out_fmt": output}


async def score_response(request: Request, model) -> StreamingResponse:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in FORMATS:
        raise ApiError(415, "unsupported media type",
                       f"Content-Type {kind!r} is not a table; send text/csv, text/tab-separated-values "
                       "or application/x-ndjson (JSON Lines), optionally gzip-compressed.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_TABLE_BYTES:
        raise ApiError(413, "too large", f"the table is over {MAX_TABLE_BYTES // 1_000_000} MB; split "
                                         "it, or score it with `pmrole score`.")
    options = _options(request)
    loop = asyncio.get_running_loop()
    sink = _Sink(loop)
    body = io.BufferedReader(_Body(request, loop, MAX_TABLE_BYTES), buffer_size=OUT_CHUNK)
    summary = ScoreSummary()

    def run():
        try:
            out = io.BufferedWriter(sink, buffer_size=OUT_CHUNK)
            score_file(body, out, model=model, name="upload", fmt=FORMATS[kind],
                       summary=summary, **options)
            out.flush()
            sink.put("done", summary)
        except BaseException as exc:  # handed to the event loop, which answers or ends the stream
            if not sink.gone.is_set():
                try:
                    sink.put("error", exc)
                except ConnectionAbortedError:
                    pass

    thread = threading.Thread(target=run, name="pmrole-score", daemon=True)
    thread.start()
    kind_, first = await sink.queue.get()
    if kind_ == "error":
        sink.gone.set()
        if isinstance(first, ApiError):
            raise first
        if isinstance(first, PmroleError):
            raise ApiError(422, "unreadable table", first.message)
        raise first

    async def relay():
        item = (kind_, first)
        try:
            while True:
                what, value = item
                if what == "data":
                    yield value
                elif what == "done":
                    return
                else:  # a failure after rows were sent: end the stream unfinished, visibly
                    raise value if isinstance(value, Exception) else RuntimeError("scoring stopped")
                item = await sink.queue.get()
        finally:
            sink.gone.set()

    out_fmt = summary.output_format or "csv"  # set by the scorer before its first write
    headers = {"content-disposition": f'attachment; filename="scored.{out_fmt}"',
               "x-pmrole-text-column": _header_safe(summary.text_column)}
    if summary.title_column:
        headers["x-pmrole-title-column"] = _header_safe(summary.title_column)
    return StreamingResponse(relay(), media_type=OUTPUT_TYPES[out_fmt], headers=headers)


def _header_safe(name: str) -> str:
    return "".join(c if " " <= c <= "~" else "?" for c in name)
