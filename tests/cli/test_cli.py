"""The command line end to end on the bundled scenarios: output, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "real"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_default_run_checks_the_bundled_scenario():
    result = run()
    assert result.exit_code == 0, result.output
    assert "grafana/grafana" in result.output
    assert "traefik" in result.output


def test_whatif_client_count_zero_is_bug17():
    result = run("whatif", "--set", "client_count=0")
    assert result.exit_code == 0, result.output
    for job in ("grafana", "prometheus", "webapp"):
        assert f"{job}: {job}." in result.output
    assert "placed, cannot start 1/1 on windows-0" in result.output
    assert 'deployment "Failed due to progress deadline" after 10m0s' in result.output
    assert "attr.driver.docker.os_type = windows" in result.output


def test_linux_constrained_variant_is_blocked_with_nomads_words():
    result = run(
        "whatif", str(SCENARIOS / "hashistack-linux-constraint.yaml"), "--set", "client_count=0"
    )
    assert result.exit_code == 3
    assert (
        '* Constraint "${node.class} = hashistack-linux": 1 nodes excluded by filter'
        in result.output
    )
    assert "- WARNING: Failed to place all allocations." in result.output


def test_assumed_hashistack_class_fails_even_with_a_linux_client():
    result = run("check", str(SCENARIOS / "hashistack-assumed-constraint.yaml"))
    assert result.exit_code == 3
    assert '* Constraint "${node.class} = hashistack": 2 nodes excluded by filter' in result.output


def test_json_follows_the_plan_api_shape():
    result = run(
        "check",
        str(SCENARIOS / "hashistack-linux-constraint.yaml"),
        "--set",
        "client_count=0",
        "--format",
        "json",
    )
    data = json.loads(result.output)
    grafana = next(j for j in data["Jobs"] if j["ID"] == "grafana")
    metric = grafana["FailedTGAllocs"]["grafana"]
    assert metric["ConstraintFiltered"] == {"${node.class} = hashistack-linux": 1}
    assert metric["NodesEvaluated"] == 1
    assert data["AllPlaced"] is False


def test_explain_lists_every_failing_check_per_class():
    result = run("explain", "grafana", str(SCENARIOS / "hashistack-assumed-constraint.yaml"))
    assert result.exit_code == 0, result.output
    assert "'hashistack-linux'" in result.output and "'hashistack-windows'" in result.output


def test_explain_one_node():
    result = run("explain", "grafana/grafana", "--node", "windows-0")
    assert result.exit_code == 0, result.output
    assert "feasible" in result.output


def test_sweep_prints_a_grid_and_plots_a_heatmap(tmp_path: Path):
    plot = tmp_path / "sweep.png"
    result = run(
        "sweep",
        "--grid",
        "client_count=0..1",
        "--grid",
        "windows_client_count=0..1",
        "--plot",
        str(plot),
    )
    assert result.exit_code == 0, result.output
    assert "4/4" in result.output
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fix_proposes_the_os_constraint_as_hcl():
    result = run("fix")
    assert result.exit_code == 0, result.output
    assert "windows_client_count" not in result.output
    assert result.output.splitlines()[1:7] == [
        '  1. add constraint: add to group "traefik" of job "traefik":',
        "       constraint {",
        '         attribute = "${attr.kernel.name}"',
        '         value     = "linux"',
        "       }",
        "     verified: traefik/traefik placed 1/1 on linux-0, every placement can start",
    ]


def test_fix_names_the_blocking_constraint():
    result = run("fix", str(SCENARIOS / "hashistack-assumed-constraint.yaml"), "--max-count", "1")
    assert 'relax: remove job "grafana" constraint "${node.class} = hashistack"' in result.output
    assert "no count can help: up to 1 added nodes" in result.output
    assert result.exit_code == 0


def test_fix_on_gpu_pool_names_the_request_no_node_meets():
    result = run("fix", str(SCENARIOS / "gpu-pool.yaml"), "--max-count", "2")
    lines = result.output.splitlines()
    assert lines[1].startswith("  no count can help: up to 2 added nodes of any node group")
    assert any(
        line.startswith(
            '    gpu-a100: devices: needs task "finetune": 4× nvidia/gpu where '
            "${device.attr.memory} >= 80 GiB, gpu-a100-0 has"
        )
        for line in lines
    ), result.output


def test_graph_export(tmp_path: Path):
    out = tmp_path / "g.dot"
    result = run("graph", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith(("graph", "digraph", "strict"))


def test_schema_is_json_schema():
    result = run("schema")
    assert json.loads(result.output)["title"] == "Scenario"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing.yaml"], "missing.yaml: no such file"),
        (["whatif", "--set", "nope=1"], "unknown variable 'nope'"),
        (["whatif", "--set", "client_count=-1"], "count must be a non-negative integer"),
        (["explain", "nojob"], "no job 'nojob'"),
        (["sweep", "--grid", "client_count=4..1"], "the range is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_malformed_yaml_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nnode_groups: [\n")
    before = bad.read_bytes()
    result = run("check", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml:" in result.output
    assert bad.read_bytes() == before


@pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures absent")
def test_nomad_native_inputs():
    result = run(
        "check",
        "--nodes",
        str(FIXTURES / "nodes" / "api-node-read.sample.json"),
        "--job",
        str(FIXTURES / "jobs" / "lost_simple.nomad"),
    )
    assert result.exit_code == 3
    assert (
        "No nodes were eligible for evaluation" in result.output
        or "excluded by filter" in result.output
    )


def test_multi_dc_pools_places_every_group():
    result = run("check", str(SCENARIOS / "multi-dc-pools.yaml"))
    assert result.exit_code == 0, result.output


def test_gpu_pool_blocks_only_the_job_asking_for_gpus_nobody_has():
    result = run("check", str(SCENARIOS / "gpu-pool.yaml"), "--format", "json")
    assert result.exit_code == 3
    blocked = [j["ID"] for j in json.loads(result.output)["Jobs"] if j["FailedTGAllocs"]]
    assert blocked == ["llm-finetune"]


def test_explain_names_the_start_risk_on_the_windows_class_in_table_and_json():
    result = run("explain", "grafana", "--set", "client_count=0")
    assert result.exit_code == 0, result.output
    assert "placed but cannot start" in result.output
    assert "Windows Docker node" in result.output
    as_json = run("explain", "grafana", "--set", "client_count=0", "--format", "json")
    rows = json.loads(as_json.output)
    risky = [r for r in rows if r["check"] == "placed but cannot start"]
    assert len(risky) == 1 and "hashistack-windows" in risky[0]["nodes"]
    assert "Linux image" in risky[0]["node_has"]


def test_check_names_the_chosen_nodes():
    result = run("check")
    lines = {line.split()[0]: line for line in result.output.splitlines() if "/" in line}
    assert "PLACED ON" in result.output
    assert lines["grafana/grafana"].rstrip().endswith("linux-0")
    assert lines["traefik/traefik"].rstrip().endswith("linux-0, windows-0")


def test_check_summarises_many_chosen_nodes_per_class():
    result = run("check", str(SCENARIOS / "multi-dc-pools.yaml"))
    assert result.exit_code == 0, result.output
    api = next(line for line in result.output.splitlines() if line.startswith("api/api"))
    # 6 allocations over the two dc1 prod racks, each class named by what tells it apart.
    assert "3 allocs on 3 nodes of m5-xlarge · dc1 · linux · meta.rack=r1" in api
    assert "3 allocs on 3 nodes of m5-xlarge · dc1 · linux · meta.rack=r2" in api
    exporter = next(line for line in result.output.splitlines() if "node-exporter" in line)
    assert exporter.rstrip().endswith("9 allocs on 3 more classes")


def test_whatif_fail_on_risk_gates_placements_that_cannot_start_after_the_change():
    # Without Linux clients every job lands on the Windows Docker node: placed, never started.
    assert run("whatif", "--set", "client_count=0").exit_code == 0
    assert run("whatif", "--set", "client_count=0", "--fail-on-risk").exit_code == 3
    # Without the Windows client nothing is at risk after the change (traefik was before).
    assert run("whatif", "--set", "windows_client_count=0", "--fail-on-risk").exit_code == 0


@pytest.mark.parametrize("command", [["check"], ["whatif"], ["whatif", "--set", "client_count=0"]])
def test_var_file_values_the_scenario_ignores_are_warned_about_once(command, tmp_path: Path):
    tfvars = tmp_path / "terraform.tfvars"
    tfvars.write_text('client_count = 1\nregion = "us-east-1"\nkey_name = "ops"\n')
    result = CliRunner().invoke(app, [*command, "--var-file", str(tfvars)])
    assert result.exit_code == 0, result.output
    warning = f"warning: {tfvars}: ignored 2 value(s) this scenario does not use: key_name, region"
    assert result.stderr.splitlines().count(warning) == 1, result.stderr


def test_fix_text_names_six_node_groups_and_counts_the_rest():
    from sim.cli.fixes import NAMED_NODE_GROUPS, _unmet_lines
    from sim.whatif import Unmet

    unmet = Unmet("web/web", {f"g{i}": f"lacks {i}" for i in range(10)})
    lines = _unmet_lines(unmet, 3)
    assert lines[0].startswith("no count can help: up to 3 added nodes")
    assert lines[1 : 1 + NAMED_NODE_GROUPS] == [f"  g{i}: lacks {i}" for i in range(6)]
    assert lines[-1] == "  ... and 4 more node groups (--format json lists every one)"
