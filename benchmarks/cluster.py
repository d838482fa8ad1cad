"""pmrole past one machine: Parquet, score_dataframe and a Dask LocalCluster, measured.

    python benchmarks/cluster.py                 # 24,000 rows; memory at 24,000 and 240,000
    python benchmarks/cluster.py --rows 6000 --memory-rows 6000,24000   # a quicker look

Writes benchmarks/cluster.json and prints a Markdown table (the README's figures). Every rate
is rows over the wall time of the whole command (start-up and model loading included), so the
comparisons are what a user waits for. Nothing here is a test: these are measurements.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import _tree_rss_kb, postings_3k  # noqa: E402

GROUP_ROWS = 8192


def write_inputs(folder: Path, postings, n: int, name: str) -> tuple[Path, Path]:
    """``n`` rows (the postings repeated, ids unique) as CSV and as Parquet, written by chunks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path, parquet_path = folder / f"{name}.csv", folder / f"{name}.parquet"
    schema = pa.schema([("id", pa.int64()), ("title", pa.string()), ("description", pa.string())])
    with csv_path.open("w", newline="", encoding="utf-8") as fh, \
            pq.ParquetWriter(parquet_path, schema) as writer:
        w = csv.writer(fh)
        w.writerow(["id", "title", "description"])
        for start in range(0, n, GROUP_ROWS):
            ids = range(start, min(start + GROUP_ROWS, n))
            rows = [postings[i % len(postings)] for i in ids]
            w.writerows([i, title, text] for i, (title, text) in zip(ids, rows))
            writer.write_table(pa.table({"id": list(ids), "title": [t for t, _ in rows],
                                         "description": [d for _, d in rows]}, schema=schema))
    return csv_path, parquet_path


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (process tree, KB) of a command."""
    peak, t = 0, time.perf_counter()
    proc = subprocess.Popen(cmd)
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 5):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return wall, peak


def pmrole(*args) -> list[str]:
    return [sys.executable, "-m", "classifier", "score", *map(str, args), "--force", "-q"]


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker_memory(parquet_path: Path, out: Path) -> dict:
    """Peak RSS of each worker of a fresh 2-worker LocalCluster that scores ``parquet_path``."""
    from distributed import Client, LocalCluster

    from classifier.batch.cluster import score_cluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t = time.perf_counter()
        summary = score_cluster(str(parquet_path), out, scheduler="", client=client, force=True)
        wall = time.perf_counter() - t
        peaks = sorted(client.run(_peak_rss_kb).values())
    return {"rows": summary.rows, "seconds": wall, "worker_peak_rss_mb": [p / 1024 for p in peaks]}


def dataframe_rate(postings, n: int) -> dict:
    import pandas as pd

    from classifier import load_model, score_dataframe

    model = load_model()
    rows = [postings[i % len(postings)] for i in range(n)]
    df = pd.DataFrame({"title": [t for t, _ in rows], "description": [d for _, d in rows]})
    model.classify_many([(d, t_) for t_, d in rows[:50]])  # warm
    t = time.perf_counter()
    model.classify_many([(d, t_) for t_, d in rows])
    many = n / (time.perf_counter() - t)
    t = time.perf_counter()
    score_dataframe(df, model=model)
    frame = n / (time.perf_counter() - t)
    return {"rows": n, "classify_many_per_s": many, "score_dataframe_per_s": frame}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=24000)
    parser.add_argument("--memory-rows", default="24000,240000")
    parser.add_argument("--frame-rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.memory_rows.split(",")]
    postings = postings_3k(min(max([args.rows] + sizes), 24000))
    tmp = Path(tempfile.mkdtemp(prefix="pmrole-cluster-bench-"))
    results = {"date": time.strftime("%Y-%m-%d"), "rows": args.rows,
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    try:
        src_csv, src_parquet = write_inputs(tmp, postings, args.rows, "rows")
        print("score --jobs 2 (CSV, Parquet) and --scheduler local…", file=sys.stderr)
        # Best of --repeat, taken in turns, so that a busy moment on the machine does not fall
        # on one command only.
        walls = {"csv": [], "parquet": [], "cluster": []}
        for _ in range(args.repeat):
            walls["csv"].append(timed(pmrole(src_csv, "-o", tmp / "out.csv", "--jobs", 2))[0])
            walls["parquet"].append(timed(pmrole(src_parquet, "-o", tmp / "out.parquet", "--jobs", 2))[0])
            walls["cluster"].append(timed(pmrole(src_parquet, "-o", tmp / "scored", "--scheduler", "local"))[0])
        csv_wall, pq_wall, cl_wall = (min(walls[k]) for k in ("csv", "parquet", "cluster"))
        results["score"] = {"walls": walls,
            "csv_jobs2_per_s": args.rows / csv_wall, "parquet_jobs2_per_s": args.rows / pq_wall,
            "cluster_local_per_s": args.rows / cl_wall}
        save(results)
        results["memory"] = {}
        for n in sizes:
            print(f"worker memory at {n:,} rows…", file=sys.stderr)
            _, path = write_inputs(tmp, postings, n, f"mem{n}")
            results["memory"][str(n)] = worker_memory(path, tmp / f"mem{n}-scored")
            shutil.rmtree(tmp / f"mem{n}-scored", ignore_errors=True)
            path.unlink()
            save(results)
        print("score_dataframe…", file=sys.stderr)
        results["dataframe"] = dataframe_rate(postings, args.frame_rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    save(results)
    print(markdown(results))


def save(results: dict) -> None:
    """Written after each step, so a long run that is stopped keeps what it measured."""
    (HERE / "cluster.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def markdown(r: dict) -> str:
    s, d = r["score"], r["dataframe"]
    lines = [f"Measured {r['date']} on {r['machine']}; {r['rows']:,} postings of ~3.3 KB.", "",
             "| measurement | value |", "|---|---|",
             f"| `pmrole score rows.csv -o out.csv --jobs 2` | {s['csv_jobs2_per_s']:,.0f} rows/s |",
             f"| `pmrole score rows.parquet -o out.parquet --jobs 2` | {s['parquet_jobs2_per_s']:,.0f} rows/s "
             f"= {s['parquet_jobs2_per_s'] / s['csv_jobs2_per_s']:.2f}× CSV |",
             f"| `pmrole score rows.parquet -o scored/ --scheduler local` (2 workers) | "
             f"{s['cluster_local_per_s']:,.0f} rows/s = {s['cluster_local_per_s'] / s['csv_jobs2_per_s']:.2f}× "
             "`--jobs 2` |"]
    first = None
    for n, m in r["memory"].items():
        peak = max(m["worker_peak_rss_mb"])
        first = first or peak
        lines.append(f"| peak RSS per worker, LocalCluster of 2, {int(n):,} rows | {peak:.0f} MB "
                     f"({peak / first:.2f}×; {m['rows'] / m['seconds']:,.0f} rows/s) |")
    lines.append(f"| `score_dataframe`, pandas frame of {d['rows']:,} rows | {d['score_dataframe_per_s']:,.0f} "
                 f"rows/s = {d['score_dataframe_per_s'] / d['classify_many_per_s']:.2f}× `classify_many` "
                 f"({d['classify_many_per_s']:,.0f}/s) |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
