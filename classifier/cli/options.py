"""What the commands share: options defined once, and how a PmroleError leaves the program.

Defaults come from the library (never retyped here), from modules light enough for ``--help``.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from ..errors import (EXIT_INPUT, EXIT_INTERRUPTED, EXIT_PIPE_CLOSED, EXIT_TERMINATED, PmroleError,
                      Terminated)

PIPE_CLOSED = ("pmrole: the output was closed before pmrole finished writing (e.g. by `| head`); "
               "the output is incomplete.")
from ..explain.prediction import DEFAULT_TOP


class CommandError(click.ClickException):
    """A PmroleError on its way out: one line on stderr, the error's exit code, no traceback."""

    def __init__(self, error: PmroleError):
        super().__init__(error.message)
        self.exit_code = error.exit_code


def reports_errors(command):
    """Turn PmroleError into a clean message, Ctrl-C into exit 130, SIGTERM into 143, a closed
    stdout into 141, and a file the system refuses (disk full, read-only) into exit 3."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PmroleError as error:
            raise CommandError(error) from None
        except Terminated:
            click.echo("Terminated.", err=True)
            sys.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            click.echo(PIPE_CLOSED, err=True)
            sys.exit(EXIT_PIPE_CLOSED)
        except OSError as exc:  # pmrole checks its paths first; this is the system refusing later
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}; nothing was replaced. Check the path, "
                       "its permissions and the free space, then run again.", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout has no file descriptor (CliRunner)
        pass


MODEL_HELP = ("Where the model lives: a model store (its current version) or one model folder "
              "(default: your user store's current model, else the packaged one).")
model_option = click.option("--model", "model_path", metavar="PATH", default=None, help=MODEL_HELP)
top_option = click.option("--top", default=DEFAULT_TOP, show_default=True, type=click.IntRange(1, 100),
                          help="How many keywords to show per posting.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (one object a line).")
corpus_option = click.option("--corpus", "corpus_dir", metavar="DIR", default=None,
                             help="Corpus folder (default: the corpus/ shipped with pmrole).")


def store_option(command):
    """--model DIR for the commands that save or switch models: a store (default: the user
    store). ``--store`` and ``--output``, its earlier spellings, still work, unlisted."""

    @functools.wraps(command)
    def wrapper(*args, model_path=None, old_spelling=None, **kwargs):
        return command(*args, model_path=model_path or old_spelling, **kwargs)

    wrapper = click.option("--store", "--output", "old_spelling", metavar="DIR", default=None,
                           hidden=True)(wrapper)
    return click.option("--model", "model_path", metavar="DIR", default=None,
                        help="Model store to use (default: your user store; model info "
                             "shows where it is).")(wrapper)
text_column_option = click.option("--text-column", metavar="NAME",
                                  help="Column with the posting text (default: detected).")
title_column_option = click.option("--title-column", metavar="NAME",
                                   help="Column with the job title (default: detected).")
label_column_option = click.option("--label-column", metavar="NAME",
                                   help="Column with the label (default: label).")


def labelled_columns(command):
    """--text-column, --title-column and --label-column, for commands that read labelled rows."""
    for option in (label_column_option, title_column_option, text_column_option):
        command = option(command)
    return command
