"""Every command has help text with an example and appears in the README."""

from pathlib import Path

import click
import pytest

from stance.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


@pytest.mark.parametrize("path, command", list(_commands(cli)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_command_documented(path, command):
    assert command.help and "Example" in command.help
    assert f"stance {' '.join(path)}" in README


def test_readme_starts_with_the_two_commands():
    head = README[:800]
    assert "pip install" in head and "stance predict" in head and "pytest" in head
