"""`pmrole --help` and usage errors stay instant: no heavy imports on that path."""

import subprocess
import sys

HEAVY = ("numpy", "spacy", "sklearn", "scipy", "joblib", "bs4", "charset_normalizer")


def test_help_and_usage_errors_import_nothing_heavy():
    code = ("import sys\nfrom classifier.cli import cli\n"
            "for args in (['--help'], ['classify'], ['score', '--help']):\n"
            "    try:\n        cli(args, standalone_mode=False)\n    except Exception:\n        pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_console_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "classifier", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("pmrole, version ")
