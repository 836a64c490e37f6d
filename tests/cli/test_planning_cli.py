"""capacity, resilience and headroom on the command line: output, exit codes, plots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

from .helpers import JOBS

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
MULTI_DC = str(SCENARIOS / "multi-dc-pools.yaml")
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_capacity_reports_more_bound_and_nomads_failure():
    result = run("capacity", "webapp")
    assert result.exit_code == 0, result.output
    assert "webapp/demo: 22 more allocation(s) place (1 running); upper bound 22" in result.output
    assert 'Dimension "cpu" exhausted on 2 nodes' in result.output


def test_capacity_with_an_ask_and_no_job_reads_the_scenario():
    result = run("capacity", "--ask", "cpu=500,memory=1024", MULTI_DC, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["job"] == "ask" and data["more"] == data["bound"] > 0
    assert set(data["by_scope"]["datacenter"]) == {"dc1", "dc2", "dc3"}


def test_capacity_bad_ask_exits_2_with_one_line():
    result = run("capacity", "webapp", "--ask", "gpu=1")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: --ask")


def test_resilience_gate_table_and_heatmap(tmp_path):
    plot = tmp_path / "racks.png"
    result = run("resilience", MULTI_DC, "--domain", "meta.rack", "--plot", str(plot))
    assert result.exit_code == 3, result.output
    assert "api/api -2: distinct_hosts: 4 nodes excluded by filter" in result.output
    assert "N-1 over meta.rack: fails in 5 case(s)" in result.output
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_resilience_json_survives_a_node():
    result = run("resilience", MULTI_DC, "--domain", "node", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["survives"] is True and len(data["cases"]) == 23


def test_resilience_refuses_too_many_pairs():
    result = run("resilience", MULTI_DC, "--domain", "node", "--lose", "3")
    assert result.exit_code == 2
    assert "1,771 failure cases; the limit is 1,000" in result.output


def test_headroom_table_and_chart(tmp_path):
    chart = tmp_path / "headroom.svg"
    result = run("headroom", MULTI_DC, "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert "node_pool   default     2" in result.output
    assert "<svg" in chart.read_text()


def test_resilience_fail_on_risk_gates_replacements_that_cannot_start():
    assert run("resilience", "--domain", "node.class").exit_code == 0
    result = run("resilience", "--domain", "node.class", "--fail-on-risk")
    assert result.exit_code == 3
    assert "cannot start (pending) when losing hashistack-linux" in result.output


@pytest.mark.parametrize("name", ["capacity", "resilience", "headroom"])
def test_planning_commands_offer_the_common_options(cli, name: str):
    text = cli(name, "--help").output
    lines = {line.strip().split("  ")[0] for line in text.splitlines()}
    assert {"--job FILE", "--nodes FILE", "--set NAME=VALUE", "--seed N"} <= lines, text
    assert "SCENARIO <path>" in lines, text


@pytest.mark.parametrize(
    ("args", "code"),
    [(["capacity", "grafana"], 0), (["resilience", "--domain", "node"], 0), (["headroom"], 0)],
)
def test_planning_commands_read_nomad_native_files(cli, node_json, args, code):
    result = cli(*args, "--nodes", node_json, "--job", JOBS / "grafana.nomad")
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output


def test_a_bad_plot_name_is_refused_before_any_work(cli, tmp_path):
    result = cli("resilience", MULTI_DC, "--plot", str(tmp_path / "racks.gif"))
    assert result.exit_code == 2
    assert "unsupported image type '.gif'" in result.output
