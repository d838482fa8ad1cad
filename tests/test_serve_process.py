"""`pmrole serve` as a process: URL on start, clean stop on SIGTERM and Ctrl-C, clear start-up errors."""

import json
import signal
import socket
import subprocess
import sys

from classifier.errors import EXIT_INPUT, EXIT_MODEL

from .serve_process import get, post_json, start


def test_serve_prints_url_and_stops_cleanly_on_sigterm():
    server = start()
    assert server.url.startswith("http://127.0.0.1:")
    assert get(server.url + "healthz")[0] == 200
    assert server.stop(signal.SIGTERM) == 0
    out = server.output()
    assert f"pmrole serve: {server.url} (1 worker; Ctrl-C to stop)" in out
    assert out.rstrip().endswith("pmrole serve: stopped")
    assert "Traceback" not in out


def test_serve_two_workers_answer_and_stop_on_ctrl_c():
    server = start("--workers", "2")
    answers = [json.loads(post_json(server.url + "v1/classify", {"text": "Own the roadmap."})[2])["label"]
               for _ in range(4)]
    assert len(set(answers)) == 1
    assert server.stop(signal.SIGINT) == 0
    assert "Traceback" not in server.output()
    assert "(2 workers; Ctrl-C to stop)" in server.output()


def test_serve_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "classifier", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_INPUT
    assert result.stderr.strip() == (f"Error: 127.0.0.1:{port} is already in use; pass --port with another "
                                     "port (or --port 0 for any free one).")


def test_serve_broken_model_fails_before_listening(tmp_path):
    result = subprocess.run([sys.executable, "-m", "classifier", "serve", "--port", "0",
                             "--model", str(tmp_path / "missing")], capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_MODEL
    assert "http://" not in result.stdout and "Traceback" not in result.stderr
