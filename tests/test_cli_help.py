"""Every command's help renders, in English and French, with readable types."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from liens.presentation.cli import app


def _paths(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    commands = getattr(group, "commands", None)  # typer ships its own click: no isinstance on click.Group
    if commands:
        for name, command in commands.items():
            found += _paths(command, (*prefix, name))
    return found


COMMANDS = _paths(get_command(app))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_command_help_renders(lang: str) -> None:
    assert len(COMMANDS) > 20
    runner = CliRunner()
    for path in COMMANDS:
        result = runner.invoke(app, [*path, "--help"], env={"LIENS_LANG": lang, "COLUMNS": "100"})
        assert result.exit_code == 0, (path, result.output, result.exception)
        assert "Usage" in result.output, path
        assert "<bool>" not in result.output and "<str>" not in result.output, path
