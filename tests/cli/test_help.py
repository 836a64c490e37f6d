"""Help a person can read: plain text, named metavars, every option explained, the exit codes,
and the installed version."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pytest

COMMANDS = (
    "check",
    "explain",
    "whatif",
    "diff",
    "sweep",
    "fix",
    "graph",
    "nodes",
    "schema",
    "generate",
    "report",
)


def test_top_level_help_documents_the_exit_codes(cli):
    text = cli("--help").output
    assert "``" not in text
    for line in (
        "0  every task group places",
        "3  some task group cannot be placed",
        "2  invalid input or usage, or an internal error",
        "130  interrupted",
    ):
        assert line in text, text
    assert "--debug" in text and "--version" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_is_plain_and_complete(cli, command: str):
    result = cli(command, "--help")
    assert result.exit_code == 0
    text = result.output
    assert "``" not in text and "<list[" not in text, text
    lines = text.split("\nOptions:\n", 1)[1].splitlines()
    undocumented = [
        line
        for line, after in zip(lines, [*lines[1:], ""])
        if line.lstrip().startswith("-")
        and len(line.strip().split("  ")) < 2  # no help beside the option
        and not after.startswith(" " * 20)  # nor on the next line
    ]
    assert undocumented == [], undocumented


def test_generate_seed_is_the_generators_seed(cli):
    text = cli("generate", "--help").output
    assert "Seed of the generator" in text and "shuffle" not in text


def test_explain_help_explains_native_files(cli):
    text = cli("explain", "--help").output
    assert "--job FILE  " in text and "--nodes FILE  " in text
    assert "Nomad jobspec (HCL2) or job JSON" in text


def test_diff_help_says_what_set_applies_to(cli):
    assert "--set and --var-file apply to both A and B" in " ".join(
        cli("diff", "--help").output.split()
    )


def test_version_comes_from_the_distribution_metadata(cli):
    try:
        expected = f"nomad-sim {version('nomad-sim')}"
    except PackageNotFoundError:
        expected = "nomad-sim (not installed: no distribution metadata)"
    result = cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == expected
