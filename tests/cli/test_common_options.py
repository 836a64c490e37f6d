"""One set of common options on every command that reads a cluster, resolved the same way."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from .helpers import DEFAULT, JOBS, one_error_line

app_module = importlib.import_module("sim.cli.app")  # the module; ``sim.cli.app`` is the Typer
CLUSTER_COMMANDS = ("check", "explain", "whatif", "diff", "sweep", "fix", "graph", "nodes")
COMMON = ("--job FILE", "--nodes FILE", "--set NAME=VALUE", "--var-file FILE", "--seed N")


@pytest.mark.parametrize("name", CLUSTER_COMMANDS)
def test_every_cluster_command_offers_the_common_options(cli, name: str):
    text = cli(name, "--help").output
    lines = {line.strip().split("  ")[0] for line in text.splitlines()}
    assert set(COMMON) <= lines, text
    choices = "<graphml|json|dot|png|svg>" if name == "graph" else "<table|json|markdown>"
    assert f"--format {choices}" in lines, text
    assert ("SCENARIO <path>" in lines) is (name != "diff"), text


def _json_of(result) -> object:
    assert result.exit_code in (0, 3), result.output
    return json.loads(result.stdout)


def test_set_reaches_every_command(cli, tmp_path: Path):
    """``--set client_count=0`` leaves only the Windows node: every command sees it."""
    windows_only = ["--set", "client_count=0"]
    check = _json_of(cli("check", *windows_only, "--format", "json"))
    grafana = next(j for j in check["Jobs"] if j["ID"] == "grafana")
    assert grafana["Groups"][0]["Nodes"] == ["windows-0"]
    explained = _json_of(cli("explain", "grafana", *windows_only, "--format", "json"))
    assert {(row["nodes"], row["class_code"]) for row in explained} == {
        ("hashistack-windows · dc1 · windows", "#0")
    }
    whatif = _json_of(cli("whatif", *windows_only, "--format", "json"))
    assert whatif["After"]["Jobs"][0]["Groups"][0]["Nodes"] == ["windows-0"]
    nodes = _json_of(cli("nodes", *windows_only, "--format", "json"))
    assert [row["node_group"] for row in nodes] == ["windows"]
    swept = _json_of(
        cli("sweep", "--grid", "windows_client_count=0..1", *windows_only, "--format", "json")
    )
    assert [p["values"] for p in swept] == [
        {"windows_client_count": 0},
        {"windows_client_count": 1},
    ]
    out = tmp_path / "g.json"
    assert cli("graph", *windows_only, "-o", out).exit_code == 0
    vertices = [v["id"] for v in json.loads(out.read_text())["nodes"]]
    assert "class:0" in vertices and "class:1" not in vertices


def test_diff_applies_set_to_both_sides(cli):
    result = cli("diff", DEFAULT, DEFAULT, "--set", "client_count=0", "--format", "json")
    data = _json_of(result)
    for side in ("Before", "After"):
        nodes = {n for job in data[side]["Jobs"] for g in job["Groups"] for n in g["Nodes"]}
        assert nodes == {"windows-0"}, side


def test_seed_reaches_the_simulation(cli, monkeypatch: pytest.MonkeyPatch):
    seen: list[int] = []
    real = app_module.run_resolved

    def recording(resolved, seed=0, **options):
        seen.append(seed)
        return real(resolved, seed, **options)

    monkeypatch.setattr(app_module, "run_resolved", recording)
    for args in (["check"], ["whatif"], ["diff", DEFAULT, DEFAULT], ["fix"]):
        assert cli(*args, "--seed", "7").exit_code == 0
    assert seen and set(seen) == {7}


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["explain", "grafana"],
        ["whatif"],
        ["fix"],
        ["nodes", "--format", "markdown"],
    ],
)
def test_nomad_native_files_work_on_every_command(cli, node_json: Path, args: list[str]):
    result = cli(*args, "--nodes", node_json, "--job", JOBS / "grafana.nomad")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_graph_reads_nomad_native_files(cli, node_json: Path, tmp_path: Path):
    out = tmp_path / "g.dot"
    result = cli("graph", "--nodes", node_json, "--job", JOBS / "grafana.nomad", "-o", out)
    assert result.exit_code == 0, result.output
    assert '"group:grafana/grafana"' in out.read_text()


def test_diff_of_two_job_files_on_the_same_nodes(cli, node_json: Path):
    result = cli("diff", JOBS / "grafana.nomad", JOBS / "traefik.nomad", "--nodes", node_json)
    assert result.exit_code == 0, result.output
    assert "grafana.nomad → traefik.nomad" in result.output
    assert "traefik/traefik  (absent)" in result.output


def test_diff_of_two_node_files_with_the_same_jobs(cli, node_json: Path, tmp_path: Path):
    linux_only = tmp_path / "linux.json"
    linux_only.write_text(json.dumps(json.loads(node_json.read_text())[:1]))
    result = cli("diff", node_json, linux_only, "--job", JOBS / "traefik.nomad", "--format", "json")
    data = _json_of(result)
    placed = [data[side]["Jobs"][0]["Groups"][0]["Placed"] for side in ("Before", "After")]
    assert placed == [2, 1]


def test_fix_on_native_files_adds_nodes_like_an_existing_class(cli, node_json: Path):
    result = cli("fix", "--nodes", node_json, "--job", JOBS / "grafana.nomad")
    assert result.exit_code == 0, result.output
    assert "nothing to fix" in result.output
    result = cli("fix", "--nodes", node_json, "--job", JOBS / "traefik.nomad")
    assert result.exit_code == 0, result.output
    assert 'add constraint: add to group "traefik" of job "traefik"' in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--set", "client_count=0"], "Nomad-native --job/--nodes files have none"),
        (["whatif", "--var-file", DEFAULT], "Nomad-native --job/--nodes files have none"),
        (["sweep", "--grid", "n=0..1"], "sweep changes scenario variables"),
        (["check", DEFAULT], "give either a scenario or --nodes/--job, not both"),
    ],
)
def test_native_files_refuse_what_needs_a_scenario(cli, node_json, args, message):
    result = cli(*args, "--nodes", node_json, "--job", JOBS / "grafana.nomad")
    assert message in one_error_line(result)


def test_job_without_nodes_is_an_input_error(cli):
    assert "go together" in one_error_line(cli("nodes", "--job", JOBS / "grafana.nomad"))


def test_diff_with_both_job_and_nodes_has_nothing_to_compare(cli, node_json: Path):
    result = cli("diff", DEFAULT, DEFAULT, "--nodes", node_json, "--job", JOBS / "grafana.nomad")
    assert "not both" in one_error_line(result)


def test_job_files_read_nomad_var_environment_variables(
    cli, node_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """``--job`` reads a jobspec as ``nomad job run`` does: NOMAD_VAR_* sets its variables."""
    job = tmp_path / "web.nomad.hcl"
    job.write_text(
        'variable "n" {\n  type = number\n}\n'
        'job "web" {\n  datacenters = ["*"]\n  group "web" {\n    count = var.n\n'
        '    task "web" {\n      driver = "docker"\n      config { image = "nginx" }\n'
        "      resources {\n        cpu = 50\n        memory = 32\n      }\n    }\n  }\n}\n"
    )
    unset = cli("check", "--nodes", node_json, "--job", job)
    assert unset.exit_code == 2 and 'Unset variable "n"' in unset.output
    monkeypatch.setenv("NOMAD_VAR_n", "3")
    result = cli("check", "--nodes", node_json, "--job", job, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["Jobs"][0]["Groups"][0]["Count"] == 3
