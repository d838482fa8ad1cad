"""`pmrole model info`: a model's card."""

from __future__ import annotations

import json

import click

from .options import json_option, reports_errors


@click.group("model")
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
      pmrole model info models/pmrole-9fa0f91c4c32 --json
    """
    from ..model.card import ModelCard, describe
    from ..model.store import load

    card = load(path).card
    click.echo(json.dumps(card, indent=2, sort_keys=True) if as_json else describe(ModelCard.from_dict(card)))
