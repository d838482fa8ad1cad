"""Running the application on uvicorn: bind, say the URL, serve until Ctrl-C or SIGTERM.

The socket is bound here, before uvicorn starts, so that ``--port 0`` (any free port) prints the
port actually used and a port already in use is a one-line error rather than a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys

from ..errors import InputError

LOOPBACK = "127.0.0.1"


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == 98:
            raise InputError(f"{host}:{port} is already in use; pass --port with another port "
                             "(or --port 0 for any free one).") from None
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); check --host.") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(host: str = LOOPBACK, port: int = 8000, *, model_path=None, workers: int = 1,
          say=None) -> None:
    """Serve the page and the API until interrupted. ``say(line)`` gets the URL and notices."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from .. import load_model
    from .app import MODEL_ENV, create_app

    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    if workers < 1:
        raise InputError("--workers must be 1 or more.")
    model = load_model(model_path)  # a missing or broken model stops here, before listening
    sock = bind(host, port)
    options = dict(log_level="warning", access_log=False, server_header=False,
                   timeout_graceful_shutdown=5, lifespan="off")
    if workers == 1:
        app = create_app(model)
        config = uvicorn.Config(app, **options)
    else:
        os.environ[MODEL_ENV] = str(model.linear.path)  # each worker loads its own copy
        del model
        config = uvicorn.Config("classifier.serve.app:app_from_environment", factory=True,
                                workers=workers, **options)
    url = url_of(sock)
    if not is_loopback(host):
        say(f"pmrole serve: listening on {host}, reachable from other machines; nothing here "
            "authenticates requests.")
    say(f"pmrole serve: {url} ({workers} worker{'s' if workers > 1 else ''}; Ctrl-C to stop)")
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again for the
    # handler that was there before it: make that a KeyboardInterrupt, so both end here, cleanly.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if workers == 1:
            uvicorn.Server(config).run(sockets=[sock])
        else:
            Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    say("pmrole serve: stopped")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
