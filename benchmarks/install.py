"""Install measurements: the wheel's size and a cold `pmrole classify` from a wheel install.

    python benchmarks/install.py            # builds the wheel (python -m build), ~1 minute

The wheel is installed into a fresh venv that sees this environment's packages (as the test
does), and each command runs from an empty folder outside the repository with an empty user
store; the median of 7 runs of each (taking turns) is printed, after one run of each to warm the disk
cache.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def _medians(commands: list[list[str]], cwd: Path, env: dict) -> list[float]:
    """The median wall time of each command, the commands taking turns so that both see the
    same load on the machine."""
    for command in commands:  # warm the disk cache
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    times = [[] for _ in commands]
    for _ in range(RUNS):
        for command, seen in zip(commands, times):
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
            seen.append(time.perf_counter() - start)
    return [statistics.median(seen) for seen in times]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(base / "dist"),
                        str(ROOT)], check=True, capture_output=True)
        wheel, = (base / "dist").glob("*.whl")
        venv = base / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "-q",
                        str(wheel)], check=True)
        work = base / "elsewhere"
        work.mkdir()
        shutil.copy(ROOT / "examples" / "posting.txt", work)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PMROLE_", "PYTHON"))}
        env["PMROLE_HOME"] = str(base / "home")
        python = str(venv / "bin" / "python")
        spacy, classify = _medians([[python, "-c", "import spacy"],
                                    [str(venv / "bin" / "pmrole"), "classify", "posting.txt"]], work, env)
        print(json.dumps({"wheel_bytes": wheel.stat().st_size, "import_spacy_s": round(spacy, 3),
                          "cold_classify_s": round(classify, 3),
                          "ratio": round(classify / spacy, 2), "runs": RUNS}, indent=2))


if __name__ == "__main__":
    main()
