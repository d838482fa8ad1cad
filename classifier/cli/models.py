"""`pmrole models list` and `pmrole models use`: the versions in a model store."""

from __future__ import annotations

from pathlib import Path

import click

from .options import reports_errors, store_option


@click.group("models")
def models_group():
    """List the versions in a model store, or switch the current one."""


@models_group.command("list")
@store_option
@reports_errors
def models_list_cli(store):
    """List stored model versions; * marks the current one.

    \b
    Example:
      pmrole models list
    """
    from ..model.store import DEFAULT_STORE, versions

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
      pmrole models use pmrole-9fa0f91c4c32
    """
    from ..model.store import DEFAULT_STORE, use

    use(Path(store) if store else DEFAULT_STORE, version)
    click.echo(f"current model: {version}")
