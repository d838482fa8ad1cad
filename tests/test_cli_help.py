"""Every command's --help, and the README's command list, in step with the CLI."""

import re
import shlex

import click
import pytest

from classifier.cli import cli
from classifier.packaged import packaged_store

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,)


COMMANDS = [" ".join(path) for path in _commands(cli)]


def _command_of(words: list[str]) -> str:
    """The command a `pmrole ...` line names: its longest prefix that is a command."""
    for n in range(len(words), 0, -1):
        if " ".join(words[:n]) in COMMANDS:
            return " ".join(words[:n])
    return " ".join(words)


def readme_commands() -> set[str]:
    """Commands named in the README's section headings (### `pmrole classify FILE... | -`)."""
    named = set()
    for heading in re.findall(r"^### (.+)$", README, flags=re.M):
        for usage in re.findall(r"`pmrole ([^`]+)`", heading):
            words = [w for w in usage.split() if re.fullmatch(r"[a-z]+", w)]
            named.add(_command_of(words))
    return named


def test_readme_has_a_section_for_every_command_and_no_other():
    assert readme_commands() == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples_that_run_known_commands(run, command):
    result = run(*command.split(), "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout, f"pmrole {command} --help has no example"
    examples = [shlex.split(line.strip().split("|")[-1].strip())[1:]
                for line in result.stdout.splitlines() if "pmrole " in line and line.startswith("    ")]
    assert examples, f"pmrole {command} --help shows no `pmrole ...` line"
    for words in examples:
        assert _command_of(words) == command, words
        for model_id in re.findall(r"pmrole-[0-9a-f]{12}", " ".join(words)):
            assert (packaged_store() / model_id).is_dir(), f"{command} --help names {model_id}, not in models/"
