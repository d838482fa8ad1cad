"""`pmrole classify`: label posting files and show why."""

from __future__ import annotations

import json
import sys

import click

from ..errors import EXIT_INPUT, PmroleError
from .options import json_option, model_option, reports_errors, top_option


@click.command("classify")
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
    from ..explain.classifier import classify_files
    from .render import render_prediction

    color = sys.stdout.isatty()
    failed = False
    for result in classify_files(files, model_path, top=top):
        if isinstance(result, PmroleError):
            if len(files) == 1:
                raise result
            click.echo(f"Error: {result.message}", err=True)
            failed = True
        elif as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            click.echo(render_prediction(result, color=color))
    if failed:
        sys.exit(EXIT_INPUT)
