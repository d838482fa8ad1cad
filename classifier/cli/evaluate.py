"""`pmrole evaluate`: measure a model on labelled postings."""

from __future__ import annotations

import click

from .options import json_option, labelled_columns, model_option, reports_errors


@click.command("evaluate")
@click.argument("path", metavar="FILE")
@model_option
@json_option
@click.option("--report", "report_path", metavar="HTML", help="Also write a self-contained HTML report.")
@click.option("--force", is_flag=True, help="Replace the --report file if it exists.")
@click.option("--no-title", is_flag=True, help="Evaluate on the text alone, ignoring titles.")
@labelled_columns
@reports_errors
def evaluate_cli(path, model_path, as_json, report_path, force, no_title, text_column, title_column,
                 label_column):
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
    from ..evaluation.evaluate import evaluate_file, to_json
    from ..evaluation.report import check_report_path, write_report

    if report_path:
        check_report_path(report_path, path, force)  # before the work, not after it
    evaluation = evaluate_file(path, model_path, with_title=not no_title,
                               text_column=text_column, title_column=title_column,
                               label_column=label_column,
                               log=lambda msg: click.echo(f"pmrole: {msg}", err=True))
    click.echo(to_json(evaluation) if as_json else evaluation.text())
    if report_path:
        write_report(evaluation, report_path, force=True)  # checked above
        click.echo(f"pmrole: wrote {report_path}", err=True)
