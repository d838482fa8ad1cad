"""The real `pmrole serve` in a subprocess on a free loopback port, and plain HTTP calls to it.

Used by tests/test_serve_*.py and benchmarks/serve.py. The server binds 127.0.0.1 port 0 (a
free port, chosen by the kernel) and prints its URL; it is stopped with SIGTERM, as a service
manager would, and killed if it does not stop in time.
"""

from __future__ import annotations

import http.client
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

URL_RE = re.compile(r"(http://127\.0\.0\.1:\d+/)")


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def stop(self, sig=signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def output(self) -> str:
        return "".join(self.lines)


def start(*args: str, timeout: float = 90) -> Server:
    """Start `pmrole serve --port 0 ARGS`, wait until /healthz answers, return it."""
    process = subprocess.Popen([sys.executable, "-m", "classifier", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    kept: list[str] = []

    def pump():
        for line in process.stdout:
            kept.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    url = None
    while url is None:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError("pmrole serve did not print its URL:\n" + "".join(kept))
        match = URL_RE.search(line)
        url = match.group(1) if match else None
    server = Server(process, url, kept)
    while time.monotonic() < deadline:
        try:
            if get(server.url + "healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("pmrole serve did not answer /healthz:\n" + server.output())


def request(method: str, url: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 60) -> tuple[int, dict, bytes]:
    """(status, headers with lower-case names, body); HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def get(url: str) -> tuple[int, dict, bytes]:
    return request("GET", url)


def post_json(url: str, payload, headers: dict | None = None) -> tuple[int, dict, bytes]:
    return request("POST", url, json.dumps(payload).encode(),
                   {"Content-Type": "application/json", **(headers or {})})


def multipart(files: dict[str, tuple[str, bytes]], fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def connection(url: str, timeout: float = 60) -> http.client.HTTPConnection:
    """A keep-alive connection to the server (for many requests from one client)."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium(playwright, user_data_dir, **context):
    """Debian's Chromium driven by Playwright, with a fresh profile (no Playwright browser build)."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **context)
