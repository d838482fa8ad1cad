"""`pip install` of the wheel works from any folder: the model and the corpus travel in it.

The sdist and the wheel are built once per session (`python -m build`: the wheel is built from
the sdist, so both are checked), installed into a fresh venv that sees this environment's
packages (nothing is downloaded but the build backend), and run from a folder outside the
repository with a user store of its own.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# Original postings written for this test (not corpus text), one clear case of each role.
NEW_EXAMPLES = [
    ("Product Manager, Billing", "product-manager",
     "You will own the billing product: talk to finance teams every week, turn what they struggle "
     "with into a roadmap, write the problem statements and acceptance criteria for each feature, "
     "decide what ships next with engineering and design, and measure adoption and churn after "
     "every release so the next bet is better informed."),
    ("Project Manager, Office Fit-out", "project-manager",
     "You will run the fit-out of our new office floor from signed lease to move-in: build the "
     "schedule with the architect and contractors, hold the budget and the change log, chair the "
     "weekly site meeting, keep the risk register, escalate delays early, and hand over a finished "
     "floor on the agreed date with the snagging list closed."),
    ("Warehouse Team Lead", "other",
     "You will lead a shift of twelve warehouse operatives: assign pick and pack work at the start "
     "of each shift, train new starters on the scanners and forklifts, check that safety rules are "
     "followed on the floor, cover the loading bay when trucks are late, and report the shift's "
     "output and any incidents to the site manager."),
]


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """(venv's pmrole, the built files) after building once and installing the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel, = dist.glob("*.whl")
    sdist, = dist.glob("*.tar.gz")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True,
                   timeout=120)
    # --no-index: every dependency is already in this environment; nothing may be fetched.
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "-q",
                          str(wheel)], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    work = base / "elsewhere"  # a folder outside the repository
    work.mkdir()
    shutil.copy(ROOT / "examples" / "posting.txt", work / "posting.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMROLE_", "PYTHON"))}
    env["PMROLE_HOME"] = str(base / "home")

    def pmrole(*args, timeout=300):
        return subprocess.run([str(venv / "bin" / "pmrole"), *map(str, args)], cwd=work, env=env,
                              capture_output=True, text=True, timeout=timeout)

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import classifier; print(classifier.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    return {"pmrole": pmrole, "wheel": wheel, "sdist": sdist, "venv": venv, "work": work,
            "home": base / "home", "package": Path(where).parent}


def test_the_wheel_is_installed_not_the_checkout(installed):
    assert installed["package"].is_relative_to(installed["venv"])


def test_the_wheel_carries_the_current_model_and_the_corpus_under_10_mb(installed):
    current = (ROOT / "models" / "CURRENT").read_text().strip()
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert "classifier/shipped/models/CURRENT" in names
    assert {f"classifier/shipped/models/{current}/{f.name}" for f in (ROOT / "models" / current).iterdir()} <= names
    # what retraining reads (examples, surroundings, traits) and the guidelines beside them
    shipped = ("*.toml", "*.md", "examples/*.jsonl", "surroundings/*.jsonl")
    corpus = {f"classifier/shipped/corpus/{f.relative_to(ROOT / 'corpus')}"
              for pattern in shipped for f in (ROOT / "corpus").glob(pattern)}
    assert corpus <= names
    assert not any(n.startswith("classifier/shipped/models/") and current not in n and not n.endswith("CURRENT")
                   for n in names)  # only the version in use, not every one in models/
    assert installed["wheel"].stat().st_size <= 10 * 1024 * 1024
    sdist_names = tarfile.open(installed["sdist"]).getnames()
    assert any(n.endswith(f"models/{current}/model.json") for n in sdist_names)
    assert any(n.endswith("corpus/traits.toml") for n in sdist_names)


def test_classify_from_any_folder_uses_the_packaged_model(installed):
    result = installed["pmrole"]("classify", "--json", "posting.txt")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["label"] == "product-manager"
    assert answer["model"] == (ROOT / "models" / "CURRENT").read_text().strip()
    info = installed["pmrole"]("model", "info").stdout.splitlines()[0]
    assert info == (f"in use: {answer['model']}: the packaged model "
                    f"({installed['package'] / 'shipped' / 'models'})")


def test_score_evaluate_and_corpus_check_from_any_folder(installed):
    work = installed["work"]
    with open(work / "small.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "description", "label"])
        writer.writerows([title, text, label] for title, label, text in NEW_EXAMPLES)
    scored = installed["pmrole"]("score", "small.csv", "-o", "scored.csv")
    assert scored.returncode == 0, scored.stderr
    rows = list(csv.DictReader(open(work / "scored.csv", encoding="utf-8")))
    assert [r["pmrole_label"] for r in rows] == [label for _, label, _ in NEW_EXAMPLES]
    evaluated = installed["pmrole"]("evaluate", "small.csv", "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    checked = installed["pmrole"]("corpus", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_train_add_goes_to_the_user_store_and_is_used_next(installed):
    work = installed["work"]
    with open(work / "mine.jsonl", "w", encoding="utf-8") as fh:
        for title, label, text in NEW_EXAMPLES:
            fh.write(json.dumps({"title": title, "label": label, "text": text}) + "\n")
    trained = installed["pmrole"]("train", "--add", "mine.jsonl", timeout=900)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    store = installed["home"] / "models"
    version = (store / "CURRENT").read_text().strip()
    assert f"saved {version} to {store} and made it current" in trained.stdout
    assert not list((installed["package"] / "shipped" / "models").glob(f"{version}*"))
    again = installed["pmrole"]("classify", "--json", "posting.txt")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["model"] == version
    info = installed["pmrole"]("model", "info").stdout.splitlines()[0]
    assert info == f"in use: {version}: the current model of your store ({store})"
    back = installed["pmrole"]("models", "use", "packaged")
    assert back.returncode == 0, back.stderr
    assert json.loads(installed["pmrole"]("classify", "--json", "posting.txt").stdout)["model"] != version
