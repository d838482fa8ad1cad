"""The build step that puts the shipped model and the corpus into the package.

Everything else about the package is in pyproject.toml. The repository's top-level ``models/``
and ``corpus/`` stay the source of truth; a build copies from them into
``classifier/shipped/`` of the wheel (where ``classifier.packaged`` finds them through
importlib.resources), and the sdist carries them at its top level, so a wheel built from the
sdist gets the same files. Only the version ``models/CURRENT`` names is shipped, not every
version a developer has in ``models/``. A build without them fails: a wheel without its model
would install and then be unable to classify.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
CORPUS_FILES = ("traits.toml", "GUIDELINES.md", "WRITERS_BRIEF.md", "examples/*.jsonl",
                "surroundings/*.jsonl")


def shipped_files() -> list[str]:
    """The files to ship, relative to the project root (models/… and corpus/…)."""
    current = ROOT / "models" / "CURRENT"
    if not current.is_file():
        raise SystemExit("models/CURRENT is missing: train the shipped model first "
                         "(`pmrole train --model models`).")
    version = current.read_text(encoding="utf-8").strip()
    model = sorted((ROOT / "models" / version).glob("*"))
    if not (ROOT / "models" / version / "card.json").is_file():
        raise SystemExit(f"models/CURRENT names {version}, which is not in models/.")
    corpus = [f for pattern in CORPUS_FILES for f in sorted((ROOT / "corpus").glob(pattern))]
    if not any(f.parent.name == "examples" for f in corpus):
        raise SystemExit("corpus/examples/ has no *.jsonl files.")
    return [str(f.relative_to(ROOT)) for f in [current, *model, *corpus] if f.is_file()]


class build_py_with_shipped(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the top level itself
            return
        target = Path(self.build_lib) / "classifier" / "shipped"
        for name in shipped_files():
            self.mkpath(str((target / name).parent))
            self.copy_file(str(ROOT / name), str(target / name))


class sdist_with_shipped(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        for name in shipped_files():
            self.mkpath(str(Path(base_dir, name).parent))
            self.copy_file(str(ROOT / name), str(Path(base_dir, name)))


setup(cmdclass={"build_py": build_py_with_shipped, "sdist": sdist_with_shipped})
