"""pmrole benchmarks: accuracy on real postings, faithfulness, cold start, throughput, memory.

    python benchmarks/run.py            # everything; writes benchmarks/results.json and results.md
    python benchmarks/run.py --quick    # smaller sizes, for a quick look

The real-postings measurements need ../shared/realdata/dev.jsonl beside the project; without it
they are skipped, and the result says so. Nothing here is a test: these are measurements.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REALDATA = ROOT.parent / "shared" / "realdata" / "dev.jsonl"
WRAPPINGS = 5
OUT = Path(__file__).resolve().parent

from classifier import load_model  # noqa: E402
from classifier.training.corpus import DEFAULT_CORPUS, load_examples, load_surroundings  # noqa: E402
from classifier.training.fit import wrap  # noqa: E402
from classifier.labels import SINGLE_ROLE  # noqa: E402
from classifier.evaluation.metrics import report  # noqa: E402


# --- baselines --------------------------------------------------------------------------------

def title_rule(title: str, text: str) -> str:
    """Label from keywords: in the title when there is one, else in the text's first 300 chars."""
    s = (title or text[:300]).lower()
    product = bool(re.search(r"\bproduct (manager|owner|lead|director|management)\b|\bhead of product\b", s)) \
        and "marketing" not in s
    project = bool(re.search(r"\b(project|programme|program) (manager|lead|director|coordinator|management)\b", s))
    if product and project:
        return "hybrid"
    return "product-manager" if product else "project-manager" if project else "other"


def trait_rule(model, title: str, text: str) -> str:
    """Label from counting the traits file's phrases per role (no learning)."""
    analysis = model.language.analyze(text, title)
    roles = {t.name: t.role for t in model.linear.traits}
    project = sum(roles[h[0]] == "project-manager" for h in analysis.trait_hits)
    product = sum(roles[h[0]] == "product-manager" for h in analysis.trait_hits)
    if max(project, product) < 3:
        return "other"
    if min(project, product) >= 3 and 0.5 <= project / max(product, 1) <= 2:
        return "hybrid"
    return "project-manager" if project > product else "product-manager"


def accuracy_section(model) -> dict:
    if not REALDATA.exists():
        return {"skipped": f"{REALDATA} not found: the real-postings measurements need ../shared beside the project"}
    rows = [json.loads(l) for l in REALDATA.read_text(encoding="utf-8").splitlines() if l.strip()]
    truth = [r["label"] for r in rows]
    clear_single = [i for i, r in enumerate(rows) if r["certainty"] == "clear" and r["label"] in SINGLE_ROLE]
    out = {"file": str(REALDATA.name), "n": len(rows)}
    bank = load_surroundings(DEFAULT_CORPUS, "heldout")
    for mode, use_title in (("with_title", True), ("text_only", False)):
        preds = [model.classify(r["text"], r["title"] if use_title else None, evidence=False) for r in rows]
        labels = [p.label for p in preds]
        rep = report(truth, labels, [p.confidence for p in preds])
        rule = [title_rule(r["title"] if use_title else "", r["text"]) for r in rows]
        traits = [trait_rule(model, r["title"] if use_title else "", r["text"]) for r in rows]
        hybrids = [i for i, r in enumerate(rows) if r["label"] == "hybrid"]
        unflagged = [i for i, p in enumerate(preds) if not p.needs_review]
        # Each posting wrapped WRAPPINGS times, in passages chosen by its id and the wrapping's
        # number: one wrapping each moves the figure by a posting or two between runs.
        wrapped = [[model.classify(wrap(r["id"] if k == 0 else f"{r['id']}#{k}", r["text"], bank, 2, 5),
                                   r["title"] if use_title else None, evidence=False).label for r in rows]
                   for k in range(WRAPPINGS)] if bank else [labels]
        changed = [sum(a != b for a, b in zip(labels, w)) / len(rows) for w in wrapped]
        out[mode + "_review_and_hybrid"] = {
            "project_manager_recall": sum(labels[i] == t == "project-manager" for i, t in enumerate(truth))
            / max(1, truth.count("project-manager")),
            "project_manager_right": sum(labels[i] == t == "project-manager" for i, t in enumerate(truth)),
            "project_manager_n": truth.count("project-manager"),
            "hybrids_labelled_hybrid": sum(labels[i] == "hybrid" for i in hybrids),
            "hybrids_runner_up_and_flagged": sum(labels[i] != "hybrid" and preds[i].runner_up == "hybrid"
                                                 and preds[i].needs_review for i in hybrids),
            "hybrids": len(hybrids),
            "unflagged_share": len(unflagged) / len(rows),
            "unflagged_accuracy": sum(labels[i] == truth[i] for i in unflagged) / max(1, len(unflagged)),
            "flagged_errors": sum(labels[i] != truth[i] and preds[i].needs_review for i in range(len(rows))),
            "errors": sum(labels[i] != truth[i] for i in range(len(rows))),
            "wrapped_label_changed": statistics.mean(changed),
            "wrapped_label_changed_each": changed,
        }
        out[mode] = {
            "pmrole": {"macro_f1": rep["macro_f1_single_role"], "accuracy": rep["accuracy"],
                       "ece": rep["calibration"]["ece"],
                       "clear_single_role_called_hybrid": sum(labels[i] == "hybrid" for i in clear_single) / len(clear_single),
                       "per_class": {k: round(v["f1"], 3) for k, v in rep["per_class"].items()}},
            "title_keyword_rule": {"macro_f1": report(truth, rule)["macro_f1_single_role"],
                                   "accuracy": report(truth, rule)["accuracy"]},
            "trait_count_rule": {"macro_f1": report(truth, traits)["macro_f1_single_role"],
                                 "accuracy": report(truth, traits)["accuracy"]},
        }
    return out


# --- faithfulness (ERASER comprehensiveness and sufficiency) ------------------------------------

def faithfulness_section(model, postings: list[tuple[str, str]], seed: int = 0) -> dict:
    """On the text alone: the drop in p(label) when the top-10 keywords are deleted, against
    deleting 10 random words; and the drop when only the keywords are kept (sufficiency)."""
    from classifier.language.features import TITLE_PREFIX, TOKEN_RE

    rng = random.Random(seed)
    comp_kw, comp_rand, suff = [], [], []
    for _, text in postings:
        p = model.classify(text, None, evidence=False, top=50)
        label = p.label
        base = p.probabilities[label]
        spans = []
        for k in [k for k in p.keywords if k.weight > 0 and not k.term.startswith(TITLE_PREFIX)][:10]:
            spans += [(s, e) for f, s, e in k.spans if f == "text"]
        if not spans:
            continue
        kept = _delete(text, spans)
        comp_kw.append(base - model.classify(kept, None, evidence=False).probabilities[label])
        words = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        rand = rng.sample(words, min(10, len(words)))
        comp_rand.append(base - model.classify(_delete(text, rand), None, evidence=False).probabilities[label])
        only = " ".join(text[s:e] for s, e in sorted(set(spans)))
        suff.append(base - model.classify(only, None, evidence=False).probabilities[label])
    mean = lambda xs: statistics.fmean(xs) if xs else 0.0
    return {"postings": len(comp_kw), "comprehensiveness_top10": mean(comp_kw),
            "comprehensiveness_random10": mean(comp_rand),
            "ratio": mean(comp_kw) / mean(comp_rand) if mean(comp_rand) > 0 else None,
            "sufficiency_top10": mean(suff)}


def _delete(text: str, spans) -> str:
    out, pos = [], 0
    for s, e in sorted(set(spans)):
        if s < pos:
            continue
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:])
    return "".join(out)


# --- speed and memory -----------------------------------------------------------------------------

def cold_start_section(runs: int = 7) -> dict:
    sample = ROOT / "examples" / "posting.txt"
    pmrole = shutil.which("pmrole") or f"{sys.executable} -m classifier"

    def timed(cmd):
        t = time.perf_counter()
        subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t

    spacy_times, classify_times = [], []
    for _ in range(runs):  # interleaved, so both see the same machine state
        spacy_times.append(timed(f'{sys.executable} -c "import spacy"'))
        classify_times.append(timed(f"{pmrole} classify {sample}"))
    a, b = statistics.median(spacy_times), statistics.median(classify_times)
    return {"import_spacy_s": a, "classify_one_s": b, "ratio": b / a, "runs": runs}


def postings_3k(n: int, size: int = 3300, seed: int = 0) -> list[tuple[str, str]]:
    """n postings of ~3.3 KB, made by joining corpus texts (titles kept)."""
    examples = load_examples(DEFAULT_CORPUS)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        first = examples[i % len(examples)]
        text = first.text
        while len(text) < size:
            text += "\n\n" + rng.choice(examples).text
        rows.append((first.title, text[:size]))
    return rows


def api_section(model, postings) -> dict:
    t = time.perf_counter()
    model.classify_many([(text, title) for title, text in postings])
    fast = len(postings) / (time.perf_counter() - t)
    few = postings[:300]
    t = time.perf_counter()
    for title, text in few:
        model.classify(text, title)
    full = len(few) / (time.perf_counter() - t)
    return {"classify_many_per_s": fast, "classify_with_evidence_per_s": full}


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        stack += children.get(p, [])
    return total


def run_score(path: Path, jobs: int) -> tuple[float, int]:
    """Wall time and peak resident memory (process tree) of `pmrole score`."""
    out = path.with_suffix(".scored.csv")
    cmd = [sys.executable, "-m", "classifier", "score", str(path), "-o", str(out), "--force", "-q",
           "--jobs", str(jobs)]
    peak = 0
    t = time.perf_counter()
    proc = subprocess.Popen(cmd)
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"pmrole score failed with exit code {proc.returncode}")
    out.unlink(missing_ok=True)
    return wall, peak


def write_postings(path: Path, postings) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "description"])
        w.writerows(postings)


def batch_section(n_rows: int, memory_sizes: list[int]) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer

    postings = postings_3k(n_rows)
    texts = [t for _, t in postings]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2)).fit(texts)

    def bare_rate() -> float:
        t = time.perf_counter()
        vectorizer.transform(texts)
        return len(texts) / (time.perf_counter() - t)

    # The machine's speed drifts within a run (shared cores): the bare rate is taken before,
    # between and after the pmrole runs, and the median of the three is the reference.
    bares = [bare_rate()]
    tmp = Path(tempfile.mkdtemp(prefix="pmrole-bench-"))
    try:
        src = tmp / "rows.csv"
        write_postings(src, postings)
        small = tmp / "one.csv"
        write_postings(small, postings[:1])
        start_1, _ = run_score(small, 1)  # start-up cost: interpreter, model, one row
        start_2, _ = run_score(small, 2)
        wall_1, _ = run_score(src, 1)
        bares.append(bare_rate())
        wall_2, _ = run_score(src, 2)
        bares.append(bare_rate())
        bare = statistics.median(bares)
        memory = {}
        for n in memory_sizes:
            path = tmp / f"mem{n}.csv"
            write_postings(path, postings_3k(n, seed=n))
            wall, peak = run_score(path, 2)
            memory[str(n)] = {"peak_rss_mb": peak / 1024, "seconds": wall}
            path.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rate_1 = n_rows / (wall_1 - start_1)
    rate_2 = n_rows / (wall_2 - start_2)
    return {"rows": n_rows, "posting_bytes": 3300, "bare_tfidf_transform_per_s": bare,
            "bare_tfidf_runs_per_s": bares,
            "score_jobs1_per_s": rate_1, "score_jobs2_per_s": rate_2,
            "jobs1_vs_bare": rate_1 / bare, "jobs2_vs_jobs1": rate_2 / rate_1,
            "startup_s": {"jobs1": start_1, "jobs2": start_2},
            "wall_s": {"jobs1": wall_1, "jobs2": wall_2}, "memory_jobs2": memory}


def markdown(results: dict) -> str:
    lines = [f"Measured {results['date']} on {results['machine']}, model {results['model']}.", ""]
    acc = results["accuracy"]
    if "skipped" in acc:
        lines.append(f"Real postings: skipped ({acc['skipped']}).")
    else:
        lines += ["| real postings (dev, n=%d): macro-F1 project/product/other | with title | text only |" % acc["n"],
                  "|---|---|---|"]
        for key, name in (("pmrole", "pmrole"), ("title_keyword_rule", "title-keyword rule"),
                          ("trait_count_rule", "trait-word-count rule")):
            lines.append(f"| {name} | {acc['with_title'][key]['macro_f1']:.3f} | {acc['text_only'][key]['macro_f1']:.3f} |")
        lines.append(f"| pmrole: clear single-role postings called hybrid | "
                     f"{acc['with_title']['pmrole']['clear_single_role_called_hybrid']:.1%} | "
                     f"{acc['text_only']['pmrole']['clear_single_role_called_hybrid']:.1%} |")
        lines.append(f"| pmrole: expected calibration error | {acc['with_title']['pmrole']['ece']:.3f} | "
                     f"{acc['text_only']['pmrole']['ece']:.3f} |")
        lines += ["", "| real postings (dev): the label's details | with title | text only |", "|---|---|---|"]
        t, x = acc.get("with_title_review_and_hybrid"), acc.get("text_only_review_and_hybrid")
        if t and x:
            rows_ = [
                ("project-manager recall", lambda d: f"{d['project_manager_right']}/{d['project_manager_n']} = {d['project_manager_recall']:.2f}"),
                ("hybrids labelled hybrid (or runner-up hybrid and flagged)",
                 lambda d: f"{d['hybrids_labelled_hybrid']} ({d['hybrids_runner_up_and_flagged']}) of {d['hybrids']}"),
                ("postings not flagged for review", lambda d: f"{d['unflagged_share']:.1%}"),
                ("… of which right", lambda d: f"{d['unflagged_accuracy']:.1%}"),
                ("errors flagged for review", lambda d: f"{d['flagged_errors']} of {d['errors']}"),
                (f"labels changed by 2–5 held-out surrounding passages (mean of {WRAPPINGS} wrappings)", lambda d: f"{d['wrapped_label_changed']:.1%}"),
            ]
            lines += [f"| {name} | {f(t)} | {f(x)} |" for name, f in rows_]
    f = results["faithfulness"]
    lines += ["", "| measurement | value |", "|---|---|",
              f"| comprehensiveness, top-10 keywords deleted ({f['source']}, n={f['postings']}) | {f['comprehensiveness_top10']:.3f} |",
              f"| comprehensiveness, 10 random words deleted | {f['comprehensiveness_random10']:.3f} |",
              f"| ratio keywords / random | {f['ratio']:.1f}× |",
              f"| sufficiency (drop when only the top-10 keywords are kept; lower is better) | {f['sufficiency_top10']:.3f} |"]
    c = results["cold_start"]
    lines.append(f"| cold start: `pmrole classify one.txt` / `python -c \"import spacy\"` | "
                 f"{c['classify_one_s']:.2f} s / {c['import_spacy_s']:.2f} s = {c['ratio']:.2f}× |")
    a = results["api"]
    lines.append(f"| Python API, ~3.3 KB postings, `classify_many` | {a['classify_many_per_s']:,.0f} postings/s |")
    lines.append(f"| Python API, `classify` with evidence sentences | {a['classify_with_evidence_per_s']:,.0f} postings/s |")
    b = results["batch"]
    lines += [f"| bare `TfidfVectorizer(1-2 grams).transform` | {b['bare_tfidf_transform_per_s']:,.0f} postings/s |",
              f"| `pmrole score --jobs 1` (explanations included) | {b['score_jobs1_per_s']:,.0f} rows/s = {b['jobs1_vs_bare']:.2f}× bare |",
              f"| `pmrole score --jobs 2` | {b['score_jobs2_per_s']:,.0f} rows/s = {b['jobs2_vs_jobs1']:.2f}× jobs 1 |"]
    for n, m in b["memory_jobs2"].items():
        lines.append(f"| peak RSS, `score --jobs 2`, {int(n):,} rows (all processes) | {m['peak_rss_mb']:.0f} MB |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    model = load_model()
    results = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
               f"Python {platform.python_version()}", "model": model.id}
    print("accuracy on real postings…", file=sys.stderr)
    results["accuracy"] = accuracy_section(model)
    print("faithfulness…", file=sys.stderr)
    if REALDATA.exists():
        rows = [json.loads(l) for l in REALDATA.read_text(encoding="utf-8").splitlines() if l.strip()]
        results["faithfulness"] = {**faithfulness_section(model, [(r["title"], r["text"]) for r in rows]),
                                   "source": "real postings"}
    else:
        test = [e for e in load_examples(DEFAULT_CORPUS) if e.split == "test"]
        results["faithfulness"] = {**faithfulness_section(model, [(e.title, e.text) for e in test]),
                                   "source": "corpus test split"}
    print("cold start…", file=sys.stderr)
    results["cold_start"] = cold_start_section(5 if args.quick else 9)
    print("API throughput…", file=sys.stderr)
    results["api"] = api_section(model, postings_3k(500 if args.quick else 3000))
    print("batch throughput and memory…", file=sys.stderr)
    results["batch"] = batch_section(3000 if args.quick else 12000,
                                     [600, 6000] if args.quick else [2400, 6000, 24000, 60000])
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (OUT / "results.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
