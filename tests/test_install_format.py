"""One model format, versioned in one place; the user store and the packaged model; one
spelling (--model) for where a model lives."""

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from classifier.labels import LABELS
from classifier.model import format as model_format
from classifier.model.store import locate, save_version, user_store
from classifier.packaged import packaged_store

LEMMA_REFUSAL = (
    "{dir}: the model was made with spacy-lookups-data 1.0.4, but {installed} is installed; its "
    "English lemma table makes the model's features, so every prediction could change. Install "
    "the one it was made with (`pip install 'spacy-lookups-data==1.0.4'`), or retrain the model "
    "with this one (`pmrole train`).")
PRODUCT_TEXT = "You will own the product roadmap and talk to customers about the roadmap every week."


def _edit_card(model_dir, **versions):
    card = json.loads((model_dir / "card.json").read_text())
    card["versions"].update(versions)
    (model_dir / "card.json").write_text(json.dumps(card))


def _pmrole(*args, env=None):
    """The installed console script, so stderr is what a user sees (warnings included)."""
    return subprocess.run([sys.executable, "-m", "classifier", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def test_every_format_version_up_to_the_current_one_has_a_reader():
    assert sorted(model_format.READERS) == list(range(1, model_format.FORMAT_VERSION + 1))
    assert "To bump the format" in model_format.__doc__


def test_saved_models_record_the_versions_their_predictions_depend_on(shipped_model_copy):
    card = json.loads((shipped_model_copy / "card.json").read_text())
    assert {"pmrole", "numpy", "spacy-lookups-data"} <= set(card["versions"])
    assert card["versions"] == {**card["versions"], **model_format.installed_versions()}


def test_another_lemma_table_version_is_refused_with_the_fix(run, shipped_model_copy):
    _edit_card(shipped_model_copy, **{"spacy-lookups-data": "1.0.4"})
    result = run("classify", "--model", shipped_model_copy, "-", input=PRODUCT_TEXT)
    assert result.exit_code == 4
    installed = model_format.installed_versions()["spacy-lookups-data"]
    assert result.stderr.strip() == "Error: " + LEMMA_REFUSAL.format(dir=shipped_model_copy,
                                                                      installed=installed)


def test_another_numpy_warns_once_and_classifies(shipped_model_copy, tmp_path):
    _edit_card(shipped_model_copy, numpy="1.26.4")
    table = tmp_path / "rows.csv"
    table.write_text("description\n" + "".join(f'"{PRODUCT_TEXT} {i}"\n' for i in range(300)))
    result = _pmrole("score", table, "-o", tmp_path / "out.csv", "--jobs", "2", "--model",
                     shipped_model_copy)
    assert result.returncode == 0, result.stderr
    model_id = json.loads((shipped_model_copy / "card.json").read_text())["model_id"]
    warning = (f"pmrole: warning: model {model_id} was made with numpy 1.26.4 (this "
               f"is {np.__version__}). Its features are the same, but the probabilities may "
               "differ in the last digits; retrain it (`pmrole train`) to make this warning go away.")
    assert result.stderr.count("pmrole: warning:") == 1  # not again in each of the 2 workers
    assert warning in result.stderr.splitlines()


def _tiny_v1_model(directory):
    """A model as pmrole wrote format version 1 (no duty reader): "roadmap" says product."""
    directory.mkdir()
    vocabulary = ["roadmap", "schedule"]
    coef = np.zeros((len(LABELS), 2))
    coef[LABELS.index("product-manager"), 0] = 8.0
    coef[LABELS.index("project-manager"), 1] = 8.0
    arrays = {"idf": np.ones(2), "coef": coef, "intercept": np.zeros(len(LABELS))}
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array, allow_pickle=False)
    spec = {"format": "pmrole-model", "format_version": 1, "labels": list(LABELS), "temperature": 1.0,
            "settings": {}, "traits": [], "vocabulary": vocabulary}
    (directory / "model.json").write_text(json.dumps(spec))
    hashes = {name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
              for name in model_format.ARTIFACTS_V1}
    card = {"format_version": 1, "labels": list(LABELS), "artifacts": hashes,
            "model_id": model_format.model_id(hashes, model_format.ARTIFACTS_V1),
            "versions": model_format.installed_versions()}
    (directory / "card.json").write_text(json.dumps(card))
    return directory


def test_a_format_1_model_is_read_by_its_reader(run, tmp_path):
    v1 = _tiny_v1_model(tmp_path / "v1")
    result = run("classify", "--json", "--model", v1, "-", input=PRODUCT_TEXT)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["label"] == "product-manager"
    assert answer["model"] == json.loads((v1 / "card.json").read_text())["model_id"]
    assert answer["duty_mix"]["surrounding_units"] == 0  # no duty reader: the whole text is read


def test_a_newer_format_is_refused_with_the_fix(run, shipped_model_copy):
    card = json.loads((shipped_model_copy / "card.json").read_text())
    card["format_version"] = model_format.FORMAT_VERSION + 1
    (shipped_model_copy / "card.json").write_text(json.dumps(card))
    result = run("model", "info", "--model", shipped_model_copy)
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        f"Error: {shipped_model_copy}: model format version {model_format.FORMAT_VERSION + 1}, but this "
        f"pmrole reads versions 1, 2. Retrain with `pmrole train`, or use the pmrole version that "
        "made it.")


@pytest.fixture
def empty_user_store(tmp_path, monkeypatch):
    monkeypatch.setenv("PMROLE_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "models"


def test_the_user_store_lives_under_pmrole_home(empty_user_store):
    assert user_store() == empty_user_store


def test_without_a_user_model_the_packaged_one_is_used(run, empty_user_store):
    result = run("model", "info")
    packaged = packaged_store()
    current = (packaged / "CURRENT").read_text().strip()
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"in use: {current}: the packaged model ({packaged})"
    listing = run("models", "list").stdout.splitlines()
    assert listing == [f"store {empty_user_store}", "  no models stored; `pmrole train` saves one here.",
                       f"* {current}  the packaged model (`pmrole models use packaged`)"]


def test_a_user_model_is_used_until_models_use_packaged(run, empty_user_store, tmp_path):
    tiny = model_format.READERS[1](_tiny_v1_model(tmp_path / "v1"), json.loads(
        (tmp_path / "v1" / "card.json").read_text()))
    version = save_version(empty_user_store, tiny, {"examples": 2})
    info = run("model", "info", "--json")
    assert json.loads(info.stdout)["in_use"] == {
        "origin": "user store", "directory": str(empty_user_store / version), "store": str(empty_user_store)}
    assert json.loads(run("classify", "--json", "-", input=PRODUCT_TEXT).stdout)["model"] == version
    back = run("models", "use", "packaged")
    assert back.exit_code == 0
    assert back.stdout.startswith(f"in use: {locate().directory.name}: the packaged model")
    assert not (empty_user_store / "CURRENT").exists() and (empty_user_store / version).is_dir()
    assert run("models", "use", version).exit_code == 0
    assert locate().directory == empty_user_store / version


def test_train_refuses_a_model_folder_as_its_store_before_training(run, shipped_model_copy):
    result = run("train", "--model", shipped_model_copy)
    assert result.exit_code == 3
    assert result.stderr.strip() == (f"Error: {shipped_model_copy}: is one model folder, not a store; give "
                                     f"--model the store that holds it (e.g. --model {shipped_model_copy.parent}).")


def test_old_spellings_of_where_the_model_lives_still_work_unlisted(run, shipped_model_copy, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / shipped_model_copy.name).symlink_to(shipped_model_copy)
    (store / "CURRENT").write_text(shipped_model_copy.name + "\n")
    assert run("models", "list", "--store", store).stdout.splitlines()[0] == f"store {store}"
    assert run("model", "info", shipped_model_copy).stdout.startswith(
        f"in use: {shipped_model_copy.name}: given with --model ({shipped_model_copy})")
    for command in (["train"], ["models", "list"], ["models", "use"], ["model", "info"]):
        shown = run(*command, "--help").stdout
        assert "--model" in shown and "--store" not in shown and "--output" not in shown
