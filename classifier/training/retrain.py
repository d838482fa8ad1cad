"""The model's life cycle: validate new examples, train, compare with the current model, guard
against regressions, and save a new version into a model store.

The regression guard compares like with like: the cross-validated macro-F1 (project / product /
other, with titles) on the corpus examples only, and how many of the user's new examples each
model gets right (the current model directly; the new one out-of-fold, so it is not marking its
own homework). The new model is refused when it is worse than the current one by more than
``MARGIN`` on the first, or worse at all on the second.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, ModelError, RegressionRefused
from ..evaluation.metrics import format_report, macro_f1
from ..labels import LABELS, SINGLE_ROLE
from ..language.traits import load_traits
from ..model.card import ModelCard
from ..model.store import CURRENT, DEFAULT_STORE
from ..reading.labelled import LabelledRow, read_labelled, suggest_label
from .corpus import (DEFAULT_CORPUS, TOO_SHORT_WORDS, Example, load_examples, load_surroundings,
                     near_duplicates, words)

MARGIN = 0.02  # the cross-validated macro-F1 a new model may lose before it is refused


@dataclass
class Validation:
    accepted: list[Example] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


def validate_new(rows: list[LabelledRow], corpus: list[Example]) -> Validation:
    """Check new examples against the labels and the corpus; report problems with row numbers."""
    result = Validation()
    corpus_keys = {" ".join(words(e.text)): e.id for e in corpus}
    by_text: dict[str, list[LabelledRow]] = {}  # insertion-ordered: rows keep file order
    for row in rows:
        if row.label not in LABELS:
            hint = suggest_label(row.label)
            result.issues.append(f"{row.where}: unknown label {row.label!r}"
                                 + (f"; did you mean {hint!r}?" if hint else f"; use one of {', '.join(LABELS)}."))
            continue
        n = len(row.text.split())
        if n == 0:
            result.issues.append(f"{row.where}: empty text.")
            continue
        if n < TOO_SHORT_WORDS:
            result.issues.append(f"{row.where}: text has {n} words; an example needs at least {TOO_SHORT_WORDS}.")
            continue
        key = " ".join(words(row.text))
        if key in corpus_keys:
            result.issues.append(f"{row.where}: exact duplicate of corpus example {corpus_keys[key]}.")
            continue
        by_text.setdefault(key, []).append(row)
    conflicted = set()
    for key, same in by_text.items():
        if len({r.label for r in same}) > 1:
            conflicted.add(key)
            rows_named = ", ".join(f"row {r.number} ({r.label})" for r in same)
            result.issues.append(f"{same[0].source}: the same text has conflicting labels: {rows_named}.")
        elif len(same) > 1:
            result.issues.append(f"{same[0].source}: rows {', '.join(str(r.number) for r in same[1:])} "
                                 f"repeat row {same[0].number}; kept once.")
    # One row per text: the first of its repeats, none of a conflict.
    kept = [same[0] for key, same in by_text.items() if key not in conflicted]
    near = near_duplicates([r.text for r in kept], others=[e.text for e in corpus])
    too_close = {}
    for i, j, jaccard in near:
        too_close.setdefault(i, (corpus[j].id, jaccard))
    for i, row in enumerate(kept):
        if i in too_close:
            cid, jaccard = too_close[i]
            result.issues.append(f"{row.where}: near duplicate of corpus example {cid} (Jaccard {jaccard:.2f}).")
            continue
        digest = hashlib.sha256(f"{row.title}\n{row.text}".encode()).hexdigest()[:12]
        result.accepted.append(Example(id=f"user-{digest}", label=row.label, text=row.text,
                                       title=row.title, origin=row.where))
    return result


def _single_role_f1(examples: list[Example], predicted: list[str]) -> float:
    return macro_f1([e.label for e in examples], predicted, SINGLE_ROLE)


@dataclass
class TrainOutcome:
    version: str | None
    saved: bool
    report: str
    refused_reason: str | None = None


def _current(store: Path, say):
    from ..model.store import load

    if not (store / CURRENT).exists():
        return None
    try:
        return load(store)
    except ModelError as error:
        say(f"the current model cannot be loaded, so there is nothing to compare with: {error.message}")
        return None  # a broken current model is no baseline; the new one replaces it


def train_and_save(corpus_dir=None, add=(), output=None, *, force=False, strict=False,
                   save_examples=None, text_column=None, title_column=None, label_column=None,
                   dev_path=None, progress=None) -> TrainOutcome:
    """Train on the corpus (plus validated new examples) and save as the store's current version,
    unless the regression guard refuses it. Raises InputError, RegressionRefused."""
    from ..explain.classifier import Classifier
    from ..model.store import clean_temporary, save_version
    from .fit import train_model

    say = progress or (lambda msg: None)
    if save_examples:
        _check_examples_file(Path(save_examples))  # before training: a wrong path costs no minutes
    corpus_path = Path(corpus_dir) if corpus_dir else DEFAULT_CORPUS
    corpus = load_examples(corpus_path)
    traits = load_traits(corpus_path / "traits.toml")
    validation = Validation()
    for path in add:
        rows = read_labelled(str(path), text_column=text_column, title_column=title_column,
                             label_column=label_column)
        part = validate_new(rows, corpus + validation.accepted)
        validation.accepted += part.accepted
        validation.issues += part.issues
    lines = []
    if add:
        lines.append(f"new examples: {len(validation.accepted)} accepted, {len(validation.issues)} "
                     "problem(s)")
        lines += [f"  {issue}" for issue in validation.issues]
        if strict and validation.issues:
            raise InputError("\n".join(lines[1:]).strip() + "\n--strict: nothing trained; fix the rows above.")
    store = Path(output) if output else DEFAULT_STORE
    if store.exists():
        clean_temporary(store)
    current = _current(store, say)
    examples = corpus + validation.accepted
    result = train_model(examples, traits, progress=say, surroundings=load_surroundings(corpus_path))
    n_corpus = len(corpus)
    new_corpus_f1 = _single_role_f1(corpus, result.cv_predictions[:n_corpus])
    result.card["cv_macro_f1_corpus_only"] = new_corpus_f1
    result.card["added_examples"] = len(validation.accepted)
    new = Classifier(result.model)
    if dev_path:
        rows = read_labelled(str(dev_path))
        result.card["dev"] = {"file": Path(dev_path).name, **measure(new, rows, str(dev_path))}
    lines.append("")
    lines.append(format_report(result.card["cross_validation"]["with_title"]).replace(
        "accuracy", "cross-validated accuracy", 1))
    refused = None
    if current is not None:
        old = Classifier(current)
        old_card = ModelCard.from_dict(current.card)
        old_f1 = old_card.corpus_macro_f1
        lines.append("")
        lines.append(f"{'':34}{'current ' + current.id:>26}{'new':>10}")
        lines.append(f"{'macro-F1, cross-validated, corpus':34}{old_f1:>26.3f}{new_corpus_f1:>10.3f}")
        old_cv = old_card.cv_with_title.get("per_class", {})
        new_cv = result.card["cross_validation"]["with_title"]["per_class"]
        for label in LABELS:
            old_value = old_cv.get(label, {}).get("f1")
            lines.append(f"{'  F1 ' + label:34}{(f'{old_value:.3f}' if old_value is not None else '-'):>26}"
                         f"{new_cv[label]['f1']:>10.3f}")
        if validation.accepted:
            added = validation.accepted
            old_labels = [old.classify(e.text, e.title, evidence=False).label for e in added]
            new_labels = result.cv_predictions[n_corpus:]
            old_right = sum(o == e.label for o, e in zip(old_labels, added))
            new_right = sum(n == e.label for n, e in zip(new_labels, added))
            lines.append(f"{'new examples right (new: out-of-fold)':34}{f'{old_right}/{len(added)}':>26}"
                         f"{f'{new_right}/{len(added)}':>10}")
            flips = [(e, o, n) for e, o, n in zip(added, old_labels, new_labels) if o != n]
            if flips:
                lines.append(f"changed on the new examples ({len(flips)}):")
                lines += [f"  {e.origin}: {o} → {n} (labelled {e.label})" for e, o, n in flips[:20]]
            if new_right < old_right:
                refused = (f"the new model gets fewer of the new examples right ({new_right}) than "
                           f"the current one ({old_right})")
        if old_f1 - new_corpus_f1 > MARGIN:
            refused = (f"the new model's cross-validated macro-F1 on the corpus is {new_corpus_f1:.3f}, "
                       f"worse than the current {old_f1:.3f} by more than {MARGIN}")
    if save_examples and validation.accepted:
        _save_examples(Path(save_examples), validation.accepted)
        lines.append(f"kept {len(validation.accepted)} accepted example(s) in {save_examples}")
    if refused and not force:
        lines.append("")
        lines.append(f"Not saved: {refused}. The current model {current.id} stays in use. "
                     "Check the new examples' labels, or pass --force to save it anyway.")
        raise RegressionRefused("\n".join(lines))
    version = save_version(store, result.model, result.card)
    lines.append("")
    lines.append(f"saved {version} to {store} and made it current"
                 + (f" (previous: {current.id}; `pmrole models use {current.id}` goes back)" if current else "")
                 + (f"; forced past: {refused}" if refused else "") + ".")
    return TrainOutcome(version, True, "\n".join(lines), refused)


def _check_examples_file(path: Path) -> None:
    """Accepted examples go to a file of the user's own, never into the shipped corpus."""
    if path.resolve().is_relative_to(DEFAULT_CORPUS.resolve()):
        raise InputError(f"{path}: is inside the shipped corpus; keep your examples in a file of "
                         "your own and pass it with --add.")


def _save_examples(path: Path, examples: list[Example]) -> None:
    """Append accepted examples to a user corpus file (JSONL)."""
    _check_examples_file(path)
    existing = set()
    if path.exists():
        existing = {json.loads(l)["id"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    with path.open("a", encoding="utf-8") as fh:
        for e in examples:
            if e.id not in existing:
                fh.write(json.dumps({"id": e.id, "label": e.label, "title": e.title, "text": e.text},
                                    ensure_ascii=False) + "\n")


def measure(classifier, rows, source: str) -> dict:
    """Metrics of a classifier on labelled rows, with their titles and on the text alone."""
    from ..evaluation.evaluate import evaluate

    return {mode: evaluate(classifier, rows, source, with_title).metrics
            for mode, with_title in (("with_title", True), ("text_only", False))}
