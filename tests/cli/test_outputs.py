"""What the commands write: files in the format asked for, with the usual mode, and JSON keyed
by stable identifiers."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from sim.whatif import one_seed_note

from .helpers import SCENARIOS, one_error_line

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("name", "fmt", "starts"),
    [
        ("g.svg", None, b"<?xml"),
        ("g.png", None, PNG),
        ("g.json", None, b"{"),
        ("g.graphml", None, b"<?xml"),
        ("g.txt", "dot", b'graph "nomad-sim"'),
        ("graph", "png", PNG),
        ("g.DOT", "dot", b'graph "nomad-sim"'),
    ],
)
def test_graph_format_comes_from_format_else_the_suffix(cli, tmp_path, name, fmt, starts):
    out = tmp_path / name
    result = cli("graph", "-o", out, *(["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(starts)


def test_graph_format_contradicting_the_file_name_writes_nothing(cli, tmp_path: Path):
    line = one_error_line(cli("graph", "-o", tmp_path / "g.svg", "--format", "png"))
    assert "--format png contradicts the file name (a .svg file)" in line
    assert list(tmp_path.iterdir()) == []


def test_graph_without_a_known_suffix_needs_format(cli, tmp_path: Path):
    line = one_error_line(cli("graph", "-o", tmp_path / "g.txt"))
    assert "cannot tell the graph format" in line
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


@pytest.mark.usefixtures("umask_027")
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_sweep_plot_is_written_whole_with_the_umask_mode(cli, tmp_path: Path, suffix: str):
    plot = tmp_path / f"sweep{suffix}"
    result = cli("sweep", "--grid", "client_count=0..1", "--plot", plot)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(plot.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [plot.name]  # no temporary file left
    head = plot.read_bytes()[:8]
    assert head == PNG if suffix == ".png" else head.startswith(b"<?xml")


@pytest.mark.usefixtures("umask_027")
@pytest.mark.parametrize(
    "args", [["graph", "-o", "{out}.json"], ["generate", "{out}.yaml", "--nodes", "3"]]
)
def test_graph_and_generate_write_with_the_umask_mode(cli, tmp_path: Path, args: list[str]):
    result = cli(*(a.format(out=tmp_path / "out") for a in args))
    assert result.exit_code == 0, result.output
    [written] = tmp_path.iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o640


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "grafana", str(SCENARIOS / "hashistack-assumed-constraint.yaml")],
        ["nodes"],
        ["sweep", "--grid", "client_count=0..1"],
        ["fix", str(SCENARIOS / "hashistack-assumed-constraint.yaml"), "--max-count", "1"],
    ],
)
def test_json_keys_are_snake_case_identifiers(cli, args: list[str]):
    result = cli(*args, "--format", "json")
    assert result.exit_code in (0, 3), result.output
    data = json.loads(result.stdout)
    assert data
    # sweep's "values" holds the grid's variable names, which the user chose
    keys = _keys(data) - {"client_count"}
    assert keys and all(SNAKE.match(k) for k in keys), keys


def test_explain_json_names_each_column(cli):
    result = cli(
        "explain", "grafana", SCENARIOS / "hashistack-assumed-constraint.yaml", "--format", "json"
    )
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "group": "grafana/grafana",
        "nodes": "hashistack-linux · dc1 · linux",
        "class_code": "#0",
        "node_count": 1,
        "check": "constraint ${node.class} = hashistack",
        "required": "${node.class} = hashistack",
        "node_has": "'hashistack-linux'",
    }


def test_fix_json_and_markdown(cli):
    blocked = SCENARIOS / "hashistack-assumed-constraint.yaml"
    result = cli("fix", blocked, "--max-count", "1", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["max_count"] == 1 and data["settled"] is True
    assert {
        "group": "grafana/grafana",
        "rank": 1,
        "kind": "relax",
        "change": 'remove job "grafana" constraint "${node.class} = hashistack"',
        "hcl": None,
        "verified": "grafana/grafana placed 1/1 on linux-0, every placement can start",
        "nodes_added": 0,
        "variables": None,
    } in data["proposals"]
    assert data["no_count_helps"][0]["group"] == "grafana/grafana"
    default = json.loads(cli("fix", "--format", "json").stdout)
    assert default["proposals"][0]["hcl"].startswith("constraint {")
    markdown = cli("fix", "--format", "markdown").stdout.splitlines()
    assert markdown[0].startswith("- **traefik/traefik: placed, cannot start 2/2")
    assert markdown[1] == '    1. add constraint: add to group "traefik" of job "traefik":'


def test_sweep_json_rows(cli):
    result = cli("sweep", "--grid", "client_count=0..1", "--format", "json")
    assert json.loads(result.stdout)[1] == {
        "values": {"client_count": 1},
        "groups_ok": 3,
        "groups": 4,
        "unplaced_allocs": 0,
        "cannot_start": 1,
        "seed": 0,
        "note": one_seed_note(0),
    }


def test_graph_format_choices_are_the_exporters():
    from sim.cli.outputs import GraphFormat
    from sim.graph.export import FORMATS

    assert tuple(f.value for f in GraphFormat) == FORMATS
