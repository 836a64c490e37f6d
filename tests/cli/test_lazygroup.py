"""``main``'s group builds only the command it runs, and is the group typer would build."""

from __future__ import annotations

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.lazygroup import lazy_group

from .helpers import DEFAULT


def _built_names(monkeypatch) -> list[str]:
    built: list[str] = []
    build = typer.main.get_command_from_info

    def counted(info, **options):
        command = build(info, **options)
        built.append(command.name)
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", counted)
    return built


def _invoke(*args: str, lazy: bool = True):
    """The runner on ``lazy_group(app)`` (what ``main`` runs), or on typer's own group."""
    with pytest.MonkeyPatch.context() as patch:
        if lazy:
            patch.setattr(typer.testing, "_get_command", lazy_group)
        return CliRunner().invoke(app, [str(a) for a in args], prog_name="nomad-sim")


def test_a_run_builds_only_its_command(monkeypatch):
    built = _built_names(monkeypatch)
    result = _invoke("check", str(DEFAULT))
    assert result.exit_code == 0, result.output
    assert built == ["check"]


def test_a_mistyped_command_builds_nothing_and_is_suggested(monkeypatch):
    built = _built_names(monkeypatch)
    result = _invoke("chek")
    assert result.exit_code == 2 and "Did you mean 'check', 'schema'?" in result.output
    assert built == []


def test_help_lists_every_command_and_builds_none(monkeypatch):
    built = _built_names(monkeypatch)
    result = _invoke("--help")
    assert result.exit_code == 0 and built == []
    listed = result.output.split("Commands:")[1]
    assert all(f"  {name} " in listed for name in lazy_group(app).commands)


def test_help_and_outputs_are_typers_own():
    for args in (["--help"], ["check", "--help"], ["whatif", "--help"], ["check", str(DEFAULT)]):
        lazy, eager = _invoke(*args), _invoke(*args, lazy=False)
        assert (lazy.exit_code, lazy.output) == (eager.exit_code, eager.output)


def test_the_commands_are_listed_in_registration_order():
    group = lazy_group(app)
    eager = typer.main.get_command(app)
    assert list(group.commands) == list(eager.commands)  # type: ignore[attr-defined]
    assert group.list_commands(None) == eager.list_commands(None)  # type: ignore[attr-defined]
