"""pmrole: is this job posting a project manager, a product manager, both, or neither?

The public API is re-exported here lazily, so that ``pmrole --help`` and usage errors stay
instant: numpy and spaCy load only when a model is.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "Classifier": "explain.classifier", "load_model": "explain.classifier",
    "classify_files": "explain.classifier", "Posting": "reading.postings", "read_posting": "reading.postings",
    "PmroleError": "errors", "LABELS": "labels", "Prediction": "explain.prediction",
    "score_file": "batch.score", "score_dataframe": "batch.dataframe", "evaluate_file": "evaluation.evaluate",
    "train_and_save": "training.retrain",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
