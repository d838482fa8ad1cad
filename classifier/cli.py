"""The ``pmrole`` command line: parses arguments and delegates to plain functions.

Heavy modules (numpy, spaCy, scikit-learn) are imported inside the commands, so ``pmrole
--help`` and usage errors answer at once. Exit codes are listed in ``classifier.errors``.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_INPUT, EXIT_INTERRUPTED, PmroleError


class CommandError(click.ClickException):
    """A PmroleError on its way out: one line on stderr, the error's exit code, no traceback."""

    def __init__(self, error: PmroleError):
        super().__init__(error.message)
        self.exit_code = error.exit_code


def reports_errors(command):
    """Turn PmroleError into a clean message and Ctrl-C into exit 130."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PmroleError as error:
            raise CommandError(error) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


# Options shared by several commands, defined once.
model_option = click.option(
    "--model", "model_path", metavar="PATH", default=None,
    help="Model folder or model store (default: the shipped model in models/).")
top_option = click.option("--top", default=10, show_default=True, type=click.IntRange(1, 100),
                          help="How many keywords to show per posting.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (one object a line).")
corpus_option = click.option("--corpus", "corpus_dir", metavar="DIR", default=None,
                             help="Corpus folder (default: the corpus/ shipped with pmrole).")


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


@cli.command("classify")
@click.argument("files", nargs=-1, required=True, metavar="FILE... | -")
@model_option
@top_option
@json_option
@reports_errors
def classify_cli(files, model_path, top, as_json):
    """Label postings (.txt .md .html .json JobPosting, or - for stdin) and show why.

    \b
    Examples:
      pmrole classify examples/posting.html
      pmrole classify --json --top 5 examples/*.txt
    """
    from .explain.classifier import load_model
    from .reading.postings import read_posting
    from .render import render_prediction

    model = load_model(model_path)
    color = sys.stdout.isatty()
    failed = False
    for name in files:
        try:
            posting = read_posting(name)
        except PmroleError as error:
            if len(files) == 1:
                raise
            click.echo(f"Error: {error.message}", err=True)
            failed = True
            continue
        prediction = model.classify_posting(posting, top=top)
        if as_json:
            click.echo(json.dumps(prediction.to_dict(), ensure_ascii=False))
        else:
            click.echo(render_prediction(prediction, color=color))
    if failed:
        sys.exit(EXIT_INPUT)


@cli.command("score")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", required=True, metavar="OUTPUT",
              help="Where to write the scored rows (.csv .tsv .jsonl, .gz to compress, - for stdout).")
@click.option("--text-column", metavar="NAME", help="Column with the posting text (default: detected).")
@click.option("--title-column", metavar="NAME", help="Column with the job title (default: detected).")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "jsonl"]),
              help="Input format (default: from the file name, or sniffed).")
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter (default: detected).")
@click.option("--encoding", metavar="NAME", help="Input encoding (default: detected; e.g. cp1252).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: all cores).")
@click.option("--review-below", "review_confidence", type=click.FloatRange(0, 1), default=0.6,
              show_default=True, help="Mark pmrole_needs_review when confidence is below this...")
@click.option("--review-margin", "review_margin", type=click.FloatRange(0, 1), default=0.2,
              show_default=True, help="...or when the runner-up is closer than this.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50),
              help="Keywords per row in pmrole_keywords.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary.")
@model_option
@reports_errors
def score_cli(input_path, output, text_column, title_column, fmt, delimiter, encoding, jobs,
              review_confidence, review_margin, top, force, quiet, model_path):
    """Score every row of a listing file (CSV, TSV, JSONL; .gz; - for stdin).

    Every input row is written, in order, with its columns unchanged, followed by pmrole_label,
    pmrole_confidence, pmrole_p_<label>, pmrole_runner_up, pmrole_needs_review, pmrole_keywords,
    pmrole_traits, pmrole_model and pmrole_error. Exit 0: all rows scored; 5: some rows carry
    pmrole_error (they are still in the output); 3: nothing written (the message says why).

    \b
    Examples:
      pmrole score listings.csv -o scored.csv
      pmrole score export.jsonl.gz -o scored.jsonl --text-column body --jobs 2
      cat listings.csv | pmrole score - -o - > scored.csv
    """
    from .batch import score_file
    from .errors import EXIT_ROW_ERRORS

    log = (lambda msg: None) if quiet else (lambda msg: click.echo(msg, err=True))
    summary = score_file(input_path, output, model_path=model_path, text_column=text_column,
                         title_column=title_column, fmt=fmt, delimiter=delimiter, encoding=encoding,
                         jobs=jobs, force=force, top=top, review_confidence=review_confidence,
                         review_margin=review_margin, progress=not quiet, log=log)
    log(summary.describe())
    if summary.errors:
        sys.exit(EXIT_ROW_ERRORS)


labelled_columns = [
    click.option("--text-column", metavar="NAME", help="Column with the posting text (default: detected)."),
    click.option("--title-column", metavar="NAME", help="Column with the title (default: detected)."),
    click.option("--label-column", metavar="NAME", help="Column with the label (default: label)."),
]


def with_labelled_columns(command):
    for option in reversed(labelled_columns):
        command = option(command)
    return command


@cli.command("train")
@corpus_option
@click.option("--add", "add", multiple=True, metavar="FILE",
              help="New labelled examples (CSV, TSV or JSONL with text, label, optional title). Repeatable.")
@click.option("--output", "output", metavar="DIR", default=None,
              help="Model store to save into (default: models/). The new model becomes CURRENT.")
@click.option("--force", is_flag=True, help="Save even if the regression guard says the new model is worse.")
@click.option("--strict", is_flag=True, help="Refuse to train when any new example has a problem.")
@click.option("--save-examples", metavar="FILE",
              help="Append the accepted new examples to this JSONL file (your own corpus file).")
@click.option("--evaluate-on", "dev_path", metavar="FILE", default=None,
              help="Also measure the new model on this labelled file and record it in the card.")
@with_labelled_columns
@reports_errors
def train_cli(corpus_dir, add, output, force, strict, save_examples, dev_path, text_column,
              title_column, label_column):
    """Train a model from the corpus (plus new examples) and save it as a new version.

    New examples are checked first (unknown labels, short texts, duplicates of the corpus,
    conflicting labels: each named with its row). The new model is compared with the current
    one; if it is worse (cross-validated macro-F1 down by more than 0.02, or fewer of the new
    examples right) nothing is replaced and the exit code is 6, unless --force. Training is
    deterministic: the same corpus and options give byte-identical model files.

    \b
    Examples:
      pmrole train
      pmrole train --add my_labels.csv --save-examples my_corpus.jsonl
      pmrole train --add more.jsonl --output /tmp/models --force
    """
    from .lifecycle import train_and_save

    outcome = train_and_save(corpus_dir=corpus_dir, add=add, output=output, force=force,
                             strict=strict, save_examples=save_examples, dev_path=dev_path,
                             text_column=text_column, title_column=title_column,
                             label_column=label_column,
                             progress=lambda msg: click.echo(f"pmrole: {msg}", err=True))
    click.echo(outcome.report)


@cli.command("evaluate")
@click.argument("path", metavar="FILE")
@model_option
@json_option
@click.option("--report", "report_path", metavar="HTML", help="Also write a self-contained HTML report.")
@click.option("--no-title", is_flag=True, help="Evaluate on the text alone, ignoring titles.")
@with_labelled_columns
@reports_errors
def evaluate_cli(path, model_path, as_json, report_path, no_title, text_column, title_column, label_column):
    """Measure a model on labelled postings (CSV, TSV or JSONL with text, label, optional title).

    Prints per-class precision/recall/F1, macro-F1, accuracy, the confusion matrix, calibration
    (expected calibration error), accuracy against the share auto-accepted, and the misclassified
    postings with their keywords.

    \b
    Examples:
      pmrole evaluate labelled.csv
      pmrole evaluate ../shared/realdata/dev.jsonl --report report.html
      pmrole evaluate labelled.jsonl --no-title --json
    """
    from .explain.classifier import load_model
    from .evaluation import evaluate_file, to_json, write_report

    evaluation = evaluate_file(load_model(model_path), path, with_title=not no_title,
                               text_column=text_column, title_column=title_column,
                               label_column=label_column)
    click.echo(to_json(evaluation) if as_json else evaluation.text())
    if report_path:
        write_report(evaluation, report_path)
        click.echo(f"pmrole: wrote {report_path}", err=True)


@cli.group("models")
def models_group():
    """List the versions in a model store, or switch the current one."""


store_option = click.option("--store", metavar="DIR", default=None,
                            help="Model store (default: models/).")


@models_group.command("list")
@store_option
@reports_errors
def models_list_cli(store):
    """List stored model versions; * marks the current one.

    \b
    Example:
      pmrole models list
    """
    from .model.store import DEFAULT_STORE
    from .model.store import versions

    rows = versions(Path(store) if store else DEFAULT_STORE)
    if not rows:
        click.echo("no models stored; run `pmrole train`.")
    for r in rows:
        f1 = f"{r['cv_macro_f1']:.3f}" if r["cv_macro_f1"] is not None else "-"
        click.echo(f"{'*' if r['current'] else ' '} {r['id']}  examples {r['examples']}  CV macro-F1 {f1}")


@models_group.command("use")
@click.argument("version")
@store_option
@reports_errors
def models_use_cli(version, store):
    """Make a stored version the current model (it is checked first).

    \b
    Example:
      pmrole models use pmrole-1f0d5e4d281f
    """
    from .model.store import DEFAULT_STORE
    from .model.store import use

    use(Path(store) if store else DEFAULT_STORE, version)
    click.echo(f"current model: {version}")


@cli.group("model")
def model_group():
    """Inspect a model."""


@model_group.command("info")
@click.argument("path", required=False, metavar="[PATH]")
@json_option
@reports_errors
def model_info_cli(path, as_json):
    """Show a model's card: labels, data, versions, metrics.

    \b
    Examples:
      pmrole model info
      pmrole model info models/pmrole-1f0d5e4d281f --json
    """
    from .model.card import describe
    from .model.store import load

    card = load(path).card
    click.echo(json.dumps(card, indent=2, sort_keys=True) if as_json else describe(card))


@cli.group("corpus")
def corpus_group():
    """Work with the labelled corpus."""


@corpus_group.command("check")
@corpus_option
@reports_errors
def corpus_check_cli(corpus_dir):
    """Check the corpus (labels, traits, fields, lengths, duplicates, counts) and summarise it.

    Exits 0 when the corpus meets every rule, 3 otherwise.

    \b
    Example:
      pmrole corpus check
    """
    from .corpus import DEFAULT_CORPUS, check

    report = check(corpus_dir or DEFAULT_CORPUS)
    click.echo(report.summary)
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in report.problems:
        click.echo(f"problem: {line}", err=True)
    if not report.ok:
        click.echo(f"Error: the corpus has {len(report.problems)} problem(s); fix them and run "
                   "`pmrole corpus check` again.", err=True)
        sys.exit(EXIT_INPUT)
    click.echo("\ncorpus OK")


def main():
    cli(prog_name="pmrole")
