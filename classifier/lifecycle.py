"""The model's life cycle: train from the corpus, measure, and save into a model store."""

from __future__ import annotations

import json
from pathlib import Path

from .corpus import DEFAULT_CORPUS, load_examples
from .errors import InputError
from .model import DEFAULT_STORE
from .traits import load_traits


def read_labelled_jsonl(path: str | Path) -> list[dict]:
    """Rows with ``text``, ``label`` and optional ``title`` from a JSON Lines file."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path.")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg}); fix the line.") from None
    return rows


def measure(classifier, rows: list[dict]) -> dict:
    """Metrics of a classifier on labelled rows, with their titles and on the text alone."""
    from .metrics import report

    truth = [r["label"] for r in rows]
    out = {}
    for mode, use_title in (("with_title", True), ("text_only", False)):
        preds = [classifier.classify(r["text"], r.get("title") if use_title else None, evidence=False)
                 for r in rows]
        out[mode] = report(truth, [p.label for p in preds], [p.confidence for p in preds])
    return out


def train_and_save(corpus_dir=None, output=None, dev_path=None, progress=None) -> str:
    """Train on the corpus, optionally measure on a labelled file, save as the current version."""
    from .api import Classifier
    from .store import save_version
    from .training import train_model

    corpus = Path(corpus_dir) if corpus_dir else DEFAULT_CORPUS
    examples = load_examples(corpus)
    traits = load_traits(corpus / "traits.toml")
    result = train_model(examples, traits, progress=progress)
    card = result.card
    if dev_path:
        rows = read_labelled_jsonl(dev_path)
        card["dev"] = {"file": Path(dev_path).name, **measure(Classifier(result.model), rows)}
    store = Path(output) if output else DEFAULT_STORE
    version = save_version(store, result.model, card)
    cv = card["cross_validation"]
    return (f"saved {version} to {store} (current). Cross-validated macro-F1 "
            f"(project/product/other): {cv['with_title']['macro_f1_single_role']:.3f} with titles, "
            f"{cv['text_only']['macro_f1_single_role']:.3f} text only.")
