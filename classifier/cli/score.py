"""`pmrole score`: score every row of a listing file."""

from __future__ import annotations

import sys

import click

from ..batch.score import KEYWORDS_IN_CELL
from ..errors import EXIT_ROW_ERRORS
from .options import model_option, reports_errors, text_column_option, title_column_option


@click.command("score")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", required=True, metavar="OUTPUT",
              help="Where to write the scored rows (.csv .tsv .jsonl .parquet, .gz to compress, - for "
                   "stdout).")
@text_column_option
@title_column_option
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "jsonl"]),
              help="Input format (default: from the file name, or sniffed).")
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter (default: detected).")
@click.option("--encoding", metavar="NAME", help="Input encoding (default: detected; e.g. cp1252).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: all cores).")
@click.option("--review-below", "review_confidence", type=click.FloatRange(0, 1), default=None,
              help="Mark pmrole_needs_review when confidence is below this (default: the model's "
                   "rule, chosen on its cross-validation, which model info shows)...")
@click.option("--review-margin", "review_margin", type=click.FloatRange(0, 1), default=None,
              help="...or when the runner-up is closer than this (default: the model's rule).")
@click.option("--top", default=KEYWORDS_IN_CELL, show_default=True, type=click.IntRange(1, 50),
              help="Keywords per row in pmrole_keywords.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Score on a Dask cluster (tcp://host:8786, or local for this machine): INPUT "
                   "may be a quoted pattern ('data/*.parquet'), OUTPUT is a folder of parts.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary.")
@model_option
@reports_errors
def score_cli(input_path, output, text_column, title_column, fmt, delimiter, encoding, jobs,
              review_confidence, review_margin, top, scheduler, force, quiet, model_path):
    """Score every row of a listing file (CSV, TSV, JSONL; .gz; - for stdin; Parquet).

    Every input row is written, in order, with its columns unchanged, followed by pmrole_label,
    pmrole_confidence, pmrole_p_<label>, pmrole_runner_up, pmrole_needs_review, pmrole_keywords,
    pmrole_traits, pmrole_model and pmrole_error. Exit 0: all rows scored; 5: some rows carry
    pmrole_error (they are still in the output); 3: nothing written (the message says why).

    \b
    Examples:
      pmrole score listings.csv -o scored.csv
      pmrole score export.jsonl.gz -o scored.jsonl --text-column body --jobs 2
      cat listings.csv | pmrole score - -o - > scored.csv
      pmrole score listings.parquet -o scored.parquet
      pmrole score 'data/*.parquet' -o scored/ --scheduler tcp://10.0.0.5:8786
    """
    from ..batch.score import score_file

    log = (lambda msg: None) if quiet else (lambda msg: click.echo(msg, err=True))
    if scheduler:
        from ..batch.cluster import score_cluster

        summary = score_cluster(input_path, output, scheduler=scheduler, model_path=model_path,
                                text_column=text_column, title_column=title_column, fmt=fmt,
                                delimiter=delimiter, encoding=encoding, force=force, top=top,
                                review_confidence=review_confidence, review_margin=review_margin,
                                log=log)
        log(summary.describe())
        sys.exit(EXIT_ROW_ERRORS if summary.errors else 0)
    summary = score_file(input_path, output, model_path=model_path, text_column=text_column,
                         title_column=title_column, fmt=fmt, delimiter=delimiter, encoding=encoding,
                         jobs=jobs, force=force, top=top, review_confidence=review_confidence,
                         review_margin=review_margin, progress=not quiet, log=log)
    log(summary.describe())
    if summary.errors:
        sys.exit(EXIT_ROW_ERRORS)
