import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata" / "dev.jsonl"


@pytest.fixture(scope="session", autouse=True)
def user_home(tmp_path_factory):
    """Every test, and every pmrole it starts, has an empty user store of its own: nothing the
    suite trains reaches the real one, and the default model is the packaged one."""
    import os

    home = tmp_path_factory.mktemp("pmrole-home")
    old = os.environ.get("PMROLE_HOME")
    os.environ["PMROLE_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("PMROLE_HOME", None)
    else:
        os.environ["PMROLE_HOME"] = old


@pytest.fixture(scope="session")
def model():
    from classifier import load_model

    return load_model()


@pytest.fixture(scope="session")
def trained_store(tmp_path_factory):
    """A store holding the model trained from the shipped corpus: the suite's one full training."""
    from classifier.language.traits import load_traits
    from classifier.model.store import save_version
    from classifier.training.corpus import DEFAULT_CORPUS, load_examples, load_surroundings
    from classifier.training.fit import train_model

    store = tmp_path_factory.mktemp("trained")
    result = train_model(load_examples(DEFAULT_CORPUS), load_traits(DEFAULT_CORPUS / "traits.toml"),
                         surroundings=load_surroundings(DEFAULT_CORPUS))
    save_version(store, result.model, result.card)
    return store


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def run(runner):
    """Invoke the pmrole CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    from classifier.cli import cli

    def invoke(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def shipped_model_copy(tmp_path):
    """A copy of the shipped model's current version, safe to damage."""
    from classifier.model.store import resolve

    target = tmp_path / "model"
    shutil.copytree(resolve(None), target)
    return target


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
