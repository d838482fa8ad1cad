"""HTTP errors: every one is JSON ``{"error": short name, "detail": what to do}``.

Status codes (documented in README.md, "pmrole serve"): 404 no such route or asset, 405 wrong
method, 413 over the size cap, 415 a media or file type that cannot be read, 422 a request or
posting that cannot be used (empty, binary, undecodable: ``detail`` is the CLI's message), 500 a
bug (no traceback in the answer).
"""

from __future__ import annotations

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An error answered with ``status`` and the JSON body ``{"error", "detail"}``."""

    def __init__(self, status: int, error: str, detail: str):
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail


def error_response(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)
