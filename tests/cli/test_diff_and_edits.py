"""``diff`` says what reached which side (``--set`` both, ``--set-a``/``--set-b`` one, the
edits B); the cluster edits work on ``diff`` and ``sweep`` as on ``whatif``."""

from __future__ import annotations

import json

import pytest

from .helpers import DEFAULT, one_error_line


def _groups(side: dict) -> dict[str, dict]:
    return {f"{j['ID']}/{g['Name']}": g for j in side["Jobs"] for g in j["Groups"]}


def test_diff_says_set_reaches_both_sides(cli):
    result = cli("diff", DEFAULT, DEFAULT, "--set", "client_count=0")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("applied to both A and B: client_count=0")
    data = json.loads(
        cli("diff", DEFAULT, DEFAULT, "--set", "client_count=0", "--format", "json").stdout
    )
    assert data["Applied"] == {"Both": ["client_count=0"], "A": [], "B": [], "EditsB": []}
    assert _groups(data["Before"])["grafana/grafana"]["Nodes"] == ["windows-0"]


def test_diff_set_b_changes_b_only(cli):
    result = cli("diff", DEFAULT, DEFAULT, "--set-b", "client_count=0", "--format", "json")
    data = json.loads(result.stdout)
    assert _groups(data["Before"])["grafana/grafana"]["Nodes"] == ["linux-0"]
    assert _groups(data["After"])["grafana/grafana"]["Nodes"] == ["windows-0"]
    assert data["Applied"]["B"] == ["client_count=0"]
    text = cli("diff", DEFAULT, DEFAULT, "--set", "client_count=2", "--set-a", "client_count=0")
    assert "--set-a applied to A only: client_count=0" in text.stdout
    # --set-a wins over --set on A: A has no Linux client, B has two.
    assert "placed, cannot start 1/1 on windows-0  placed 1/1 on linux-" in text.stdout


@pytest.mark.parametrize("command", ["whatif", "diff", "sweep"])
def test_every_edit_option_is_shared(cli, command: str):
    help_text = cli(command, "--help").stdout
    for option in ("--drain", "--remove", "--add", "--scale", "--plan"):
        assert option in help_text, (command, option)


def test_diff_edits_apply_to_b(cli):
    result = cli("diff", DEFAULT, DEFAULT, "--drain", "linux-0", "--format", "json")
    data = json.loads(result.stdout)
    assert _groups(data["Before"])["grafana/grafana"]["Nodes"] == ["linux-0"]
    assert _groups(data["After"])["grafana/grafana"]["Nodes"] == ["windows-0"]
    assert data["Applied"]["EditsB"] == ["drain linux-0"]
    text = cli("diff", DEFAULT, DEFAULT, "--add", "1:linux-0").stdout
    assert text.rstrip().endswith("edits applied to B only: add 1 like linux-0")


def test_sweep_edits_apply_at_every_point(cli):
    plain = json.loads(cli("sweep", "--grid", "client_count=1..2", "--format", "json").stdout)
    drained = json.loads(
        cli("sweep", "--grid", "client_count=1..2", "--drain", "linux-0", "--format", "json").stdout
    )
    assert [p["groups_ok"] for p in plain] == [3, 3]
    # Draining the only Linux client at client_count=1 sends every job to Windows.
    assert [p["groups_ok"] for p in drained] == [0, 3]


def test_sweep_edit_naming_no_node_fails_before_any_point(cli):
    line = one_error_line(cli("sweep", "--grid", "client_count=0..1", "--drain", "nosuch-0"))
    assert line.startswith("error: no node matches 'nosuch-0'")


def test_sweep_edit_naming_no_node_at_one_point_names_the_point(cli):
    # The scenario as given (client_count=1) has linux-0; the grid point 0 has not.
    result = cli("sweep", "--grid", "client_count=0..1", "--drain", "linux-0")
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: at client_count=0: no node matches 'linux-0'")
