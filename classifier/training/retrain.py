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
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import temporary_folder
from ..errors import InputError, ModelError, RegressionRefused
from ..evaluation.metrics import format_report, macro_f1
from ..labels import LABELS, SINGLE_ROLE
from ..language.traits import load_traits
from ..model.card import ModelCard
from ..model.store import CURRENT, user_store, writable_store
from ..reading.labelled import LabelledRow, read_labelled, suggest_label
from .corpus import (DEFAULT_CORPUS, TOO_SHORT_WORDS, Example, load_examples, load_surroundings,
                     near_duplicates, words)

MARGIN = 0.02  # the cross-validated macro-F1 a new model may lose before it is refused
# A new example the current model gives under this probability for its label is a confident
# disagreement; when more than DISAGREE_SHARE of the new examples (and at least DISAGREE_MIN) are,
# the labels are more likely wrong than the model (swapped columns, a mislabelled export).
DISAGREE_P = 0.1
DISAGREE_SHARE = 0.25
DISAGREE_MIN = 3


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
    # Near copies within the new rows: the first of each group is kept, so no group of copies
    # straddles the cross-validation folds (which would mark the model's own homework).
    copies = {}
    for i, j, jaccard in near_duplicates([r.text for r in kept]):
        if i not in copies and j not in copies:
            copies[j] = (i, jaccard)
    for j, (i, jaccard) in sorted(copies.items()):
        result.issues.append(f"{kept[j].where}: near copy of row {kept[i].number} (Jaccard "
                             f"{jaccard:.2f}); kept once.")
    kept = [r for n, r in enumerate(kept) if n not in copies]
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
    from ..model.store import load, resolve_packaged

    if not (store / CURRENT).exists():
        # The user store without a version of its own uses the packaged model: that is the one
        # the new model would replace, so it is the guard's baseline.
        return load(resolve_packaged()) if store == user_store() else None
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
    # Every path is checked before the minutes of training: a typo must cost nothing.
    if save_examples:
        _check_examples_file(Path(save_examples))
    store = writable_store(output)
    _check_store(store)
    dev_rows = read_labelled(str(dev_path), log=say) if dev_path else None
    corpus_path = Path(corpus_dir) if corpus_dir else DEFAULT_CORPUS
    corpus = load_examples(corpus_path)
    traits = load_traits(corpus_path / "traits.toml")
    validation = Validation()
    for path in add:
        rows = read_labelled(str(path), text_column=text_column, title_column=title_column,
                             label_column=label_column, log=say)
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
    if dev_rows is not None:
        result.card["dev"] = {"file": Path(dev_path).name, **measure(new, dev_rows, str(dev_path))}
    lines.append("")
    lines.append(format_report(result.card["cross_validation"]["with_title"]).replace(
        "accuracy", "cross-validated accuracy", 1))
    reasons = []  # every reason the guard has, not only the last
    if current is not None:
        old = Classifier(current)
        old_card = ModelCard.from_dict(current.card)
        old_f1 = old_card.corpus_macro_f1
        lines.append("")
        lines.append(f"{'':34}{'current ' + current.id:>26}{'new':>10}")
        lines.append(f"{'macro-F1, cross-validated, corpus':34}{old_f1:>26.3f}{new_corpus_f1:>10.3f}"
                     "   (corpus examples only: the guard's basis)")
        old_cv = old_card.cv_with_title.get("per_class", {})
        new_cv = result.card["cross_validation"]["with_title"]["per_class"]
        for label in LABELS:
            old_value = old_cv.get(label, {}).get("f1")
            lines.append(f"{'  F1 ' + label:34}{(f'{old_value:.3f}' if old_value is not None else '-'):>26}"
                         f"{new_cv[label]['f1']:>10.3f}   (all examples each model was trained on)")
        if validation.accepted:
            added = validation.accepted
            old_predictions = [old.classify(e.text, e.title, evidence=False) for e in added]
            old_labels = [p.label for p in old_predictions]
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
                reasons.append(f"the new model gets fewer of the new examples right ({new_right}) than "
                               f"the current one ({old_right})")
            disagreements = confident_disagreements(added, old_predictions)
            if disagreements:
                lines.append(f"the current model confidently disagrees with {len(disagreements)} of "
                             f"the {len(added)} new labels (its probability for the given label "
                             f"under {DISAGREE_P}):")
                lines += [f"  {e.origin}: labelled {e.label}, current model p={p.probabilities[e.label]:.3f} "
                          f"(says {p.label} {p.confidence:.2f})" for e, p in disagreements[:20]]
                if len(disagreements) > 20:
                    lines.append(f"  … and {len(disagreements) - 20} more")
                if too_many_disagreements(len(disagreements), len(added)):
                    reasons.append(f"the current model confidently disagrees with {len(disagreements)} of "
                               f"the {len(added)} new labels; check that the label column is the "
                               "right one and the labels are not swapped")
        if old_f1 - new_corpus_f1 > MARGIN:
            reasons.append(f"the new model's cross-validated macro-F1 on the corpus is {new_corpus_f1:.3f}, "
                       f"worse than the current {old_f1:.3f} by more than {MARGIN}")
    refused = "; and ".join(reasons) or None
    if refused and not force:
        lines.append("")
        lines.append(f"Not saved: {refused}. The current model {current.id} stays in use"
                     + (f"; the new examples were not added to {save_examples}" if save_examples else "")
                     + ". Check the new examples' labels, or pass --force to save it anyway.")
        raise RegressionRefused("\n".join(lines))
    version = save_version(store, result.model, result.card)
    if save_examples and validation.accepted:  # only once the guard has let the model in
        _save_examples(Path(save_examples), validation.accepted)
        lines.append(f"kept {len(validation.accepted)} accepted example(s) in {save_examples}")
    store_flag = "" if output is None else f" --model {store}"
    lines.append("")
    lines.append(f"saved {version} to {store} and made it current"
                 + (f" (previous: {current.id}; `pmrole models use {current.id}{store_flag}` goes back)"
                    if current else "")
                 + (f"; forced past: {refused}" if refused else "") + ".")
    return TrainOutcome(version, True, "\n".join(lines), refused)


def confident_disagreements(added: list[Example], predictions) -> list:
    """(example, current model's prediction) where the current model gives the example's own
    label a probability under DISAGREE_P, most confident disagreement first."""
    pairs = [(e, p) for e, p in zip(added, predictions) if p.probabilities[e.label] < DISAGREE_P]
    return sorted(pairs, key=lambda ep: ep[1].probabilities[ep[0].label])


def too_many_disagreements(count: int, added: int) -> bool:
    return count >= DISAGREE_MIN and count > DISAGREE_SHARE * added


def _check_store(store: Path) -> None:
    if store.exists() and not store.is_dir():
        raise InputError(f"{store}: is a file, not a model store; give --model a folder (it is "
                         "created if missing).")
    parent = store if store.exists() else store.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    problem = None if parent.is_dir() else "not a folder"
    if problem is None:
        try:  # permissions are not the whole story (root, read-only mounts, /proc): try it
            temporary_folder(parent).rmdir()
        except OSError as exc:
            problem = exc.strerror
    if problem:
        raise InputError(f"{store}: cannot create or write the model store in {parent} ({problem}); "
                         "choose another --model.")


def _check_examples_file(path: Path) -> None:
    """Accepted examples go to a file of the user's own, never into the shipped corpus; an
    existing file must be pmrole's JSONL (one example with an id a line)."""
    if path.resolve().is_relative_to(DEFAULT_CORPUS.resolve()):
        raise InputError(f"{path}: is inside the shipped corpus; keep your examples in a file of "
                         "your own and pass it with --add.")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give --save-examples a .jsonl file name.")
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist; create it first.")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise InputError(f"{path}: the folder {path.parent} is not writable; choose another --save-examples.")
    if path.exists():
        _existing_ids(path)


def _existing_ids(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 JSONL ({exc}); give --save-examples a "
                         "new file, or one it wrote before.") from None
    ids = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            obj = None
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise InputError(f"{path} line {number}: not an example of a --save-examples file "
                             "(a JSON object with an id); give a new file, or one it wrote before.")
        ids.add(obj["id"])
    return ids


def _save_examples(path: Path, examples: list[Example]) -> None:
    """Append accepted examples to a user corpus file (JSONL)."""
    _check_examples_file(path)
    existing = _existing_ids(path) if path.exists() else set()
    unterminated = path.exists() and path.stat().st_size and not path.read_bytes().endswith(b"\n")
    with path.open("a", encoding="utf-8") as fh:
        if unterminated:
            fh.write("\n")
        for e in examples:
            if e.id not in existing:
                fh.write(json.dumps({"id": e.id, "label": e.label, "title": e.title, "text": e.text},
                                    ensure_ascii=False) + "\n")


def measure(classifier, rows, source: str) -> dict:
    """Metrics of a classifier on labelled rows, with their titles and on the text alone."""
    from ..evaluation.evaluate import evaluate

    return {mode: evaluate(classifier, rows, source, with_title).metrics
            for mode, with_title in (("with_title", True), ("text_only", False))}
