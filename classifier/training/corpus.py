"""The labelled corpus: loading, the fixed split, and the quality check.

Examples live in ``corpus/examples/*.jsonl`` (one JSON object a line: ``id``, ``label``,
``title``, ``text``, ``traits``, ``industry``, ``seniority``); the traits in
``corpus/traits.toml``. The fixed split for in-corpus reporting is a deterministic rule, so that
adding examples never moves old ones: an example is in ``test`` when the first 8 hex digits of
``sha256(id)`` modulo 5 are 0, else in ``train``. Cross-validation folds use the same number.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..labels import LABELS
from ..language.traits import load_traits
from ..packaged import packaged_corpus

DEFAULT_CORPUS = packaged_corpus()  # inside the installed package, or corpus/ of a checkout
REQUIRED = ("id", "label", "title", "text", "traits", "industry", "seniority")
MINIMUM_PER_LABEL = {"project-manager": 120, "product-manager": 120, "hybrid": 70, "other": 90}
MINIMUM_TOTAL = 400
MINIMUM_MEDIAN_WORDS = 150
SHORT_WORDS = 40
MAX_SHORT_SHARE = 0.05
TOO_SHORT_WORDS = 20          # a text this short cannot be a posting: an error, not a statistic
MINIMUM_INDUSTRIES = 12
NEAR_DUPLICATE_JACCARD = 0.5  # over word 5-grams
MAX_NEAR_DUPLICATE_SHARE = 0.02
FOLDS = 5
SENIORITIES = ("intern", "entry", "mid", "senior", "lead", "director")


@dataclass
class Example:
    id: str
    label: str
    text: str
    title: str = ""
    traits: list[str] = field(default_factory=list)
    industry: str = ""
    seniority: str = ""
    origin: str = ""

    @property
    def fold(self) -> int:
        return int(hashlib.sha256(self.id.encode()).hexdigest()[:8], 16) % FOLDS

    @property
    def split(self) -> str:
        return "test" if self.fold == 0 else "train"

    @property
    def writer(self) -> str:
        """Who wrote the example: its corpus file's name, or "user" for examples added later."""
        path = self.origin.split(":")[0]
        return Path(path).stem if path.endswith(".jsonl") and ":" in self.origin else "user"

    @property
    def words(self) -> int:
        return len(self.text.split())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def load_examples(corpus: str | Path = DEFAULT_CORPUS) -> list[Example]:
    """Every example of the corpus, in file and line order. Malformed lines raise InputError."""
    folder = Path(corpus) / "examples"
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise InputError(f"{folder}: no *.jsonl example files; is {corpus} a pmrole corpus folder?")
    examples = []
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{file}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where}: not valid JSON ({exc.msg}); fix the line.") from None
            missing = [k for k in REQUIRED if k not in obj]
            if missing:
                raise InputError(f"{where}: missing field(s) {', '.join(missing)}; every example "
                                 f"needs {', '.join(REQUIRED)}.")
            examples.append(Example(id=str(obj["id"]), label=obj["label"], text=obj["text"] or "",
                                    title=obj["title"] or "", traits=list(obj["traits"] or []),
                                    industry=obj["industry"], seniority=obj["seniority"], origin=where))
    return examples


def fingerprint(examples: list[Example]) -> str:
    """sha256 over the examples' ids, labels, titles and texts, in a fixed order."""
    h = hashlib.sha256()
    for e in sorted(examples, key=lambda e: e.id):
        h.update(json.dumps([e.id, e.label, e.title, e.text], ensure_ascii=False).encode())
    return h.hexdigest()


def shingles(text: str, k: int = 5) -> set[str]:
    w = words(text)
    return {" ".join(w[i:i + k]) for i in range(max(1, len(w) - k + 1))}


def near_duplicates(texts: list[str], threshold: float = NEAR_DUPLICATE_JACCARD,
                    others: list[str] | None = None) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of word 5-gram Jaccard ≥ threshold.

    Without ``others``, pairs within ``texts`` (i < j); with it, pairs of texts[i] and others[j].
    """
    sets = [shingles(t) for t in texts]
    other_sets = sets if others is None else [shingles(t) for t in others]
    index: dict[str, list[int]] = {}
    for j, s in enumerate(other_sets):
        for g in s:
            index.setdefault(g, []).append(j)
    pairs = []
    for i, s in enumerate(sets):
        shared = Counter(j for g in s for j in index.get(g, ()) if others is not None or j > i)
        for j, inter in shared.items():
            jaccard = inter / (len(s) + len(other_sets[j]) - inter)
            if jaccard >= threshold:
                pairs.append((i, j, jaccard))
    return pairs


@dataclass
class CheckReport:
    problems: list[str]
    warnings: list[str]
    summary: str

    @property
    def ok(self) -> bool:
        return not self.problems


def _table(title: str, counts: Counter) -> str:
    rows = "\n".join(f"  {k:<24} {v:>5}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{title}:\n{rows}"


def length_bucket(n: int) -> str:
    for limit, name in ((40, "< 40 words"), (100, "40-99"), (150, "100-149"), (300, "150-299"), (600, "300-599")):
        if n < limit:
            return name
    return "600+"


def check(corpus: str | Path = DEFAULT_CORPUS) -> CheckReport:
    """Validate the corpus against the guidelines' rules and bars; summarise what is in it."""
    corpus = Path(corpus)
    traits = {t.name for t in load_traits(corpus / "traits.toml")}
    examples = load_examples(corpus)
    problems, warnings = [], []
    seen_ids: dict[str, str] = {}
    for e in examples:
        if e.id in seen_ids:
            problems.append(f"{e.origin}: id {e.id!r} is used again (first at {seen_ids[e.id]}).")
        seen_ids.setdefault(e.id, e.origin)
        if e.label not in LABELS:
            problems.append(f"{e.origin}: unknown label {e.label!r}; use one of {', '.join(LABELS)}.")
        unknown = [t for t in e.traits if t not in traits]
        if unknown:
            problems.append(f"{e.origin}: unknown trait(s) {', '.join(unknown)}; see corpus/traits.toml.")
        if e.seniority not in SENIORITIES:
            problems.append(f"{e.origin}: unknown seniority {e.seniority!r}; use one of {', '.join(SENIORITIES)}.")
        if not e.industry:
            problems.append(f"{e.origin}: empty industry.")
        if not e.text.strip():
            problems.append(f"{e.origin}: empty text.")
        elif e.words < TOO_SHORT_WORDS:
            problems.append(f"{e.origin}: text has {e.words} words; a posting needs at least {TOO_SHORT_WORDS}.")
    normalised: dict[str, Example] = {}
    for e in examples:
        key = " ".join(words(e.text))
        if key in normalised:
            problems.append(f"{e.origin}: exact duplicate of {normalised[key].id}.")
        normalised.setdefault(key, e)
    near = near_duplicates([e.text for e in examples])
    if len(near) > MAX_NEAR_DUPLICATE_SHARE * len(examples):
        problems.append(f"{len(near)} near-duplicate pairs (word 5-gram Jaccard ≥ {NEAR_DUPLICATE_JACCARD}), "
                        f"over {MAX_NEAR_DUPLICATE_SHARE:.0%} of the examples; rewrite one of each pair.")
    for i, j, jac in near:
        warnings.append(f"near duplicate: {examples[i].id} ~ {examples[j].id} (Jaccard {jac:.2f})")
    labels = Counter(e.label for e in examples)
    for label, minimum in MINIMUM_PER_LABEL.items():
        if labels[label] < minimum:
            problems.append(f"{labels[label]} {label} examples; the corpus needs at least {minimum}.")
    if len(examples) < MINIMUM_TOTAL:
        problems.append(f"{len(examples)} examples; the corpus needs at least {MINIMUM_TOTAL}.")
    lengths = [e.words for e in examples]
    median = statistics.median(lengths) if lengths else 0
    if median < MINIMUM_MEDIAN_WORDS:
        problems.append(f"median length {median:.0f} words; the corpus needs at least {MINIMUM_MEDIAN_WORDS}.")
    short = sum(n < SHORT_WORDS for n in lengths)
    if lengths and short > MAX_SHORT_SHARE * len(lengths):
        problems.append(f"{short} examples under {SHORT_WORDS} words, over {MAX_SHORT_SHARE:.0%}.")
    industries = Counter(e.industry for e in examples)
    if len(industries) < MINIMUM_INDUSTRIES:
        problems.append(f"{len(industries)} industries; the corpus needs at least {MINIMUM_INDUSTRIES}.")
    summary = "\n\n".join([
        f"{len(examples)} examples, median {median:.0f} words, {short} under {SHORT_WORDS} words, "
        f"{len(near)} near-duplicate pairs, {sum(1 for e in examples if not e.title)} without title",
        _table("labels", labels),
        _table("split", Counter(f"{e.split}/{e.label}" for e in examples)),
        _table("industries", industries),
        _table("seniority", Counter(e.seniority for e in examples)),
        _table("length (words)", Counter(length_bucket(n) for n in lengths)),
    ])
    return CheckReport(problems, warnings, summary)


SURROUNDINGS = "surroundings"  # corpus/surroundings/: team-written passages that surround duties


def load_surroundings(corpus: str | Path = DEFAULT_CORPUS, name: str = "train") -> list[str]:
    """The texts of one bank of surrounding passages (company, benefits, pay, equal-opportunity,
    application and legal text): ``train`` teaches the duty reader and wraps training copies;
    ``heldout`` is never read by training, only by the tests and benchmarks of invariance.
    A corpus without the folder has no bank (an empty list)."""
    path = Path(corpus) / SURROUNDINGS / f"{name}.jsonl"
    if not path.exists():
        return []
    texts = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            texts.append(str(json.loads(line)["text"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{path}:{n}: not a JSON object with a \"text\"; fix or remove the line.") from None
    return texts
