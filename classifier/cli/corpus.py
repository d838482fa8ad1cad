"""`pmrole corpus check`: the labelled corpus against its rules."""

from __future__ import annotations

import sys

import click

from ..errors import EXIT_INPUT
from .options import corpus_option, reports_errors


@click.group("corpus")
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
    from ..training.corpus import DEFAULT_CORPUS, check

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
