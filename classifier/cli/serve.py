"""`pmrole serve`: the local web page and the HTTP API."""

from __future__ import annotations

import click

from .options import model_option, reports_errors


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is reachable from this computer only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port, printed on start).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes, each with its own copy of the model.")
@model_option
@reports_errors
def serve_cli(host, port, workers, model_path):
    """Serve the page (paste a posting, see why) and the HTTP API until Ctrl-C.

    The page is at the printed URL; the API (POST /v1/classify, POST /v1/score, GET /v1/model,
    GET /healthz) is described at /docs. Nothing sent to the server is stored or logged.

    \b
    Examples:
      pmrole serve
      pmrole serve --port 8080 --workers 2
      curl -s localhost:8000/v1/classify -H 'Content-Type: application/json' -d '{"text": "..."}'
    """
    from ..serve import serve

    serve(host, port, model_path=model_path, workers=workers, say=click.echo)
