"""The ``pmrole`` command group: one command per module of this folder, each a thin wrapper
that parses arguments and delegates to a plain function of the library.

Heavy modules (numpy, spaCy, scikit-learn) are imported inside the commands, so ``pmrole
--help`` and usage errors answer at once. Exit codes are listed in ``classifier.errors``.
"""

from __future__ import annotations

import signal
import warnings

import click

from .. import __version__
from ..errors import Terminated
from .classify import classify_cli
from .corpus import corpus_group
from .evaluate import evaluate_cli
from .model_info import model_group
from .models import models_group
from .score import score_cli
from .serve import serve_cli
from .train import train_cli


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmrole")
def cli():
    """Is this job posting a project manager, a product manager, both (hybrid), or neither?

    \b
    Examples:
      pmrole classify posting.html
      pmrole classify --json a.txt b.md
      cat ad.txt | pmrole classify -
    """


for command in (classify_cli, score_cli, train_cli, evaluate_cli, serve_cli, models_group,
                model_group, corpus_group):
    cli.add_command(command)


def _terminated(signum, frame):
    raise Terminated()


def _format_warning(message, category, filename, lineno, line=None):
    # pmrole's own warnings (a model made with another numpy, …) are for the user, not a
    # developer: one line, without pmrole's source location.
    if category.__name__ == "ModelVersionWarning":
        return f"pmrole: warning: {message}\n"
    return _default_format(message, category, filename, lineno, line)


_default_format = warnings.formatwarning


def main():
    signal.signal(signal.SIGTERM, _terminated)  # `pmrole serve` installs its own
    warnings.formatwarning = _format_warning
    cli(prog_name="pmrole")
