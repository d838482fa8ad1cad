"""`pmrole models list` and `pmrole models use`: the versions in a model store."""

from __future__ import annotations

import click

from .options import reports_errors, store_option


@click.group("models")
def models_group():
    """List the versions in a model store, or switch the current one."""


@models_group.command("list")
@store_option
@reports_errors
def models_list_cli(model_path):
    """List stored model versions; * marks the one in use.

    Without --model: your user store, and the packaged model, in use when the user store has
    no current version.

    \b
    Examples:
      pmrole models list
      pmrole models list --model models
    """
    from pathlib import Path

    from ..model.store import locate, resolve_packaged, user_store, versions

    store = Path(model_path) if model_path else user_store()
    rows = versions(store)
    click.echo(f"store {store}")
    if not rows:
        click.echo("  no models stored; `pmrole train` saves one here.")
    for r in rows:
        f1 = f"{r['cv_macro_f1']:.3f}" if r["cv_macro_f1"] is not None else "-"
        click.echo(f"{'*' if r['current'] else ' '} {r['id']}  examples {r['examples']}  CV macro-F1 {f1}")
    if model_path is None:
        packaged = resolve_packaged()
        mark = "*" if locate().origin == "packaged" else " "
        click.echo(f"{mark} {packaged.name}  the packaged model (`pmrole models use packaged`)")


@models_group.command("use")
@click.argument("version")
@store_option
@reports_errors
def models_use_cli(version, model_path):
    """Make a stored version the current model (it is checked first); `packaged` goes back to
    the model that came with pmrole.

    \b
    Examples:
      pmrole models use pmrole-e3f6be525b99
      pmrole models use packaged
    """
    from ..model.store import locate, use, writable_store

    use(writable_store(model_path), version)
    click.echo(f"in use: {locate(model_path).describe()}")
