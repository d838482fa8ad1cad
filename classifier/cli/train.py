"""`pmrole train`: train a model from the corpus (plus new examples) behind the regression guard."""

from __future__ import annotations

import click

from .options import corpus_option, labelled_columns, reports_errors, store_option


@click.command("train")
@corpus_option
@click.option("--add", "add", multiple=True, metavar="FILE",
              help="New labelled examples (CSV, TSV or JSONL with text, label, optional title). Repeatable.")
@store_option
@click.option("--force", is_flag=True, help="Save even if the regression guard says the new model is worse.")
@click.option("--strict", is_flag=True, help="Refuse to train when any new example has a problem.")
@click.option("--save-examples", metavar="FILE",
              help="Append the accepted new examples to this JSONL file (your own corpus file).")
@click.option("--evaluate-on", "dev_path", metavar="FILE", default=None,
              help="Also measure the new model on this labelled file and record it in the card.")
@labelled_columns
@reports_errors
def train_cli(corpus_dir, add, model_path, force, strict, save_examples, dev_path, text_column,
              title_column, label_column):
    """Train a model from the corpus (plus new examples) and save it as a new version.

    New examples are checked first (unknown labels, short texts, duplicates of the corpus,
    conflicting labels: each named with its row). The new model is compared with the current
    one; if it is worse (cross-validated macro-F1 down by more than 0.02, or fewer of the new
    examples right) nothing is replaced and the exit code is 6, unless --force. Training is
    deterministic: the same corpus and options give byte-identical model files.

    The new model is saved into your user store (or the store given with --model) and is used
    from then on; `pmrole models use packaged` goes back. In a source checkout, `--model models`
    rebuilds the model that pmrole ships.

    \b
    Examples:
      pmrole train --add my_labels.csv --save-examples my_corpus.jsonl
      pmrole train --add more.jsonl --model /tmp/models --force
      pmrole train --model models
    """
    from ..training.retrain import train_and_save

    outcome = train_and_save(corpus_dir=corpus_dir, add=add, output=model_path, force=force,
                             strict=strict, save_examples=save_examples, dev_path=dev_path,
                             text_column=text_column, title_column=title_column,
                             label_column=label_column,
                             progress=lambda msg: click.echo(f"pmrole: {msg}", err=True))
    click.echo(outcome.report)
