"""The ASGI application: the page and its assets, and the ``/v1`` API over one loaded model.

Starlette rather than FastAPI: the API is five routes whose bodies are a posting or a streamed
table, not pydantic models, and FastAPI's ``/docs`` loads Swagger UI from a CDN, which this
offline tool cannot use; Starlette is FastAPI's own core, with one dependency (anyio).

A posting is classified on the event loop itself, and its connection is closed after the answer,
as pre-fork servers do for CPU-bound work: a worker busy classifying cannot accept, so the next
request goes to an idle worker. With keep-alive and the work on a thread, clients stayed pinned
to whichever worker accepted them first (measured: one worker did 74% of the work and 8 clients
got 152 requests/s from 2 workers; closing gives 291). It also means one classification
at a time per process, which spaCy's shared vocabulary wants. Table scoring runs on a thread of
its own (``scoring.py``) and never adds to that vocabulary.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from importlib.resources import files
from pathlib import PurePath

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import PmroleError
from ..explain import view
from . import openapi
from .errors import ApiError, error_response
from .inputs import MAX_POSTING_BYTES, posting_from_bytes, posting_from_text, read_body, read_form
from .scoring import score_response

MODEL_ENV = "PMROLE_SERVE_MODEL"   # how `serve --workers N` tells each worker process the model
MAX_TOP = 100
POSTING_SUFFIXES = ("", ".txt", ".md", ".markdown", ".html", ".htm", ".json")
WARM_UP = ("Own the product roadmap and run the project plan.\nWork with engineering and design "
           "to deliver milestones.")
ASSETS = {"page.css": "text/css", "page.js": "text/javascript", "docs.js": "text/javascript",
          "view.css": "text/css"}
# The page is served from here and may use nothing else: no CDN, no inline script.
SECURITY_HEADERS = {
    "content-security-policy": ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; "
                                "base-uri 'none'; frame-ancestors 'none'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

log = logging.getLogger("pmrole.serve")


def _asset(name: str) -> bytes:
    return files(__package__).joinpath(f"static/{name}").read_bytes()


def create_app(model=None, *, model_path=None) -> Starlette:
    """The application for ``model`` (a loaded classifier) or the model at ``model_path``."""
    if model is None:
        from .. import load_model

        model = load_model(model_path)
    model.classify(WARM_UP, "Product Manager")  # the first call builds what spaCy builds lazily
    assets = {name: _asset(name) for name in [*ASSETS, "index.html", "docs.html"] if name != "view.css"}
    assets["view.css"] = view.stylesheet().encode("utf-8")  # the notebook view's own stylesheet
    spec = openapi.document(model.labels)

    async def page(request: Request):
        return Response(assets["index.html"], media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-cache"})

    async def docs(request: Request):
        return Response(assets["docs.html"], media_type="text/html; charset=utf-8")

    async def static(request: Request):
        name = request.path_params["name"]
        if name not in ASSETS:
            raise ApiError(404, "not found", f"no asset {name!r}")
        return Response(assets[name], media_type=f"{ASSETS[name]}; charset=utf-8",
                        headers={"cache-control": "no-cache"})

    async def openapi_json(request: Request):
        return JSONResponse(spec)

    async def healthz(request: Request):
        return JSONResponse({"status": "ok", "model": model.id})

    async def model_card(request: Request):
        return JSONResponse(model.card)

    async def classify(request: Request):
        kind = _media_type(request)
        if kind == "application/json":
            body = await read_body(request, MAX_POSTING_BYTES)
            fields = _json_fields(body)
            text, title = fields.get("text"), fields.get("title")
            if not isinstance(text, str):
                raise ApiError(422, "invalid request", 'the JSON body needs "text": the posting as '
                                                       'a string (and optionally "title" and "top")')
            if title is not None and not isinstance(title, str):
                raise ApiError(422, "invalid request", '"title" must be a string')
            top = _top(fields.get("top"))
            job = (posting_from_text, text, title)
        elif kind == "multipart/form-data":
            form = await read_form(request, MAX_POSTING_BYTES)
            title = form.get("title") or None
            top = _top(form.get("top"))
            upload = form.get("file")
            if upload is not None and not isinstance(upload, str):
                name = upload.filename or "upload"
                suffix = PurePath(name).suffix.lower()
                if suffix not in POSTING_SUFFIXES:
                    raise ApiError(415, "unsupported file type",
                                   f"{name}: {suffix} files cannot be read; give a .txt, .md, .html "
                                   "or .json (JobPosting) file.")
                job = (posting_from_bytes, await upload.read(), name, suffix, title)
            elif isinstance(form.get("text"), str):
                job = (posting_from_text, form["text"], title)
            else:
                raise ApiError(422, "invalid request", 'the form needs a "file" part (the posting) '
                                                       'or a "text" field')
        else:
            raise ApiError(415, "unsupported media type",
                           f"Content-Type {kind or 'missing'!r} is not accepted; send application/json "
                           '{"text": ..., "title": ...} or multipart/form-data with a "file" part.')
        as_html = _wants_html(request)
        try:
            result = _classify(model, job, top, as_html)
        except PmroleError as exc:  # empty, binary, undecodable: the CLI's own message
            raise ApiError(422, "unreadable posting", exc.message) from None
        close = {"connection": "close"}  # see the module's docstring
        return HTMLResponse(result, headers=close) if as_html else JSONResponse(result, headers=close)

    async def score(request: Request):
        return await score_response(request, model)

    routes = [
        Route("/", page), Route("/docs", docs), Route("/openapi.json", openapi_json),
        Route("/static/{name}", static), Route("/healthz", healthz),
        Route("/v1/model", model_card), Route("/v1/classify", classify, methods=["POST"]),
        Route("/v1/score", score, methods=["POST"]),
    ]
    handlers = {ApiError: _api_error, HTTPException: _http_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.add_middleware(_Guard)
    return app


def app_from_environment() -> Starlette:
    """The factory each ``--workers`` process calls (uvicorn imports it by name)."""
    return create_app(model_path=os.environ.get(MODEL_ENV) or None)


def _classify(model, job, top, as_html):
    """Read the posting and classify it, on the model thread: the result dict, or its view."""
    reader, *args = job
    posting = reader(*args)
    options = {"top": top} if top is not None else {}
    prediction = model.classify_posting(posting, **options)
    if posting.source == "text":  # pasted text has no file name; the field stays empty as for --json
        prediction = replace(prediction, source="")
    result = prediction.to_dict()
    return view.fragment(result, prediction.text, prediction.title) if as_html else result


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def _json_fields(body: bytes) -> dict:
    try:
        fields = json.loads(body)
    except UnicodeDecodeError:
        raise ApiError(422, "invalid request", "the JSON body is not UTF-8; send it as UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise ApiError(422, "invalid request", f"the body is not valid JSON ({exc.msg} at line "
                                               f"{exc.lineno}); send {{\"text\": ..., \"title\": ...}}.") from None
    if not isinstance(fields, dict):
        raise ApiError(422, "invalid request", 'the JSON body must be an object: {"text": ..., "title": ...}')
    return fields


def _top(value):
    if value is None or value == "":
        return None
    try:
        top = int(value)
        if isinstance(value, float) or isinstance(value, bool) or not 1 <= top <= MAX_TOP:
            raise ValueError
    except (TypeError, ValueError):
        raise ApiError(422, "invalid request", f'"top" must be a whole number from 1 to {MAX_TOP}') from None
    return top


class _Guard:
    """Pure ASGI middleware (streamed responses pass unbuffered): adds the security headers, and
    answers any unexpected exception with a JSON 500 that carries no traceback. Caught here, not
    by Starlette's server-error handler, which would re-raise it for the server to log whole."""

    def __init__(self, app):
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + self.headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the last line of defence, by design
            _log_internal(exc, scope)
            if not started:
                response = error_response(500, "internal error", "the server failed on this request; "
                                          "the error was logged without its content. Please report it.")
                await response(scope, receive, send_with_headers)


async def _api_error(request: Request, exc: ApiError):
    return error_response(exc.status, exc.error, exc.detail)


async def _http_error(request: Request, exc: HTTPException):
    messages = {404: "not found", 405: "method not allowed"}
    detail = (f"no route {request.method} {request.url.path}; see /docs" if exc.status_code in (404, 405)
              else str(exc.detail))
    return error_response(exc.status_code, messages.get(exc.status_code, "http error"), detail)


def _log_internal(exc: Exception, scope) -> None:
    # The type and place only: the message or locals could hold the posting, which is not logged.
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
    log.error("pmrole serve: internal error %s at %s on %s %s", type(exc).__name__, where,
              scope.get("method"), scope.get("path"))
