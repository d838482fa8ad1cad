"""``pmrole serve``: a local web page that shows why a posting got its label, and an HTTP API.

:func:`create_app` builds the ASGI application (Starlette) for one model; :func:`serve` runs it
on uvicorn. The page, its stylesheet and script are package data served by the app itself: no
CDN, no web fonts, nothing fetched from elsewhere.
"""

from .app import create_app
from .server import serve

__all__ = ["create_app", "serve"]
