"""`pmrole model info`: which model is in use, from where, and its card."""

from __future__ import annotations

import json

import click

from .options import json_option, model_option, reports_errors


class _HiddenArgument(click.Argument):
    """A positional argument left out of the usage line: the old spelling of --model."""

    def get_usage_pieces(self, ctx):
        return []


@click.group("model")
def model_group():
    """Inspect a model."""


@model_group.command("info")
@model_option
@click.argument("old_path", required=False, cls=_HiddenArgument)
@json_option
@reports_errors
def model_info_cli(model_path, old_path, as_json):
    """Say which model is in use and from where, then show its card: labels, data, versions,
    metrics.

    \b
    Examples:
      pmrole model info
      pmrole model info --model /tmp/models --json
    """
    from ..model.card import ModelCard, describe
    from ..model.store import load, locate

    location = locate(model_path or old_path)
    card = load(location.directory).card
    if as_json:
        where = {"origin": location.origin, "directory": str(location.directory),
                 "store": str(location.store) if location.store else None}
        click.echo(json.dumps({**card, "in_use": where}, indent=2, sort_keys=True))
    else:
        click.echo(f"in use: {location.describe()}")
        click.echo(describe(ModelCard.from_dict(card)))
