"""The model a worker process keeps: loaded the first time a task needs it, then reused by
every later task in that process (a Dask worker, a joblib worker, this process)."""

from __future__ import annotations

import threading

from .score import _MODELS  # the cache score_chunk reads, so the two never load one model twice

_LOCK = threading.Lock()
_LOADS: list[str] = []


def worker_model(model_path: str):
    """The model at ``model_path``, loaded once per process and kept for every later task."""
    if model_path not in _MODELS:
        with _LOCK:  # a worker with several threads still loads it once
            if model_path not in _MODELS:
                from ..explain.classifier import load_model

                _MODELS[model_path] = load_model(model_path)
                _LOADS.append(model_path)
    return _MODELS[model_path]


def model_loads() -> list[str]:
    """The model paths this process has loaded, once for each time it loaded one."""
    return list(_LOADS)
