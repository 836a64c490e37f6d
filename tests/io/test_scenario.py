"""Scenario YAML: variables and their precedence, node group expansion, jobs, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.scenario import Scenario
from sim.core.errors import InputError
from sim.io import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

BASE = """\
name: t
variables:
  n: {default: 2, description: linux clients}
  flag: false
node_groups:
  - name: linux
    count: "${var.n}"
    template:
      datacenter: dc1
      class: c1
      attributes: {kernel.name: linux, x: "${var.flag}"}
jobs:
  - id: inline
    datacenters: ["dc1"]
    task_groups:
      - name: g
        constraints: [{attribute: "${attr.kernel.name}", value: linux}]
        tasks: [{name: t, driver: docker}]
"""


def test_expansion_names_ids_and_hostnames(write):
    resolved = load_scenario(write("s.yaml", BASE))
    assert [n.name for n in resolved.nodes] == ["linux-0", "linux-1"]
    assert resolved.node_group_of == ["linux", "linux"]
    assert [n.attributes["unique.hostname"] for n in resolved.nodes] == ["linux-0", "linux-1"]
    assert resolved.nodes[0].node_class == "c1" and resolved.nodes[0].attributes["x"] == "false"
    assert len({n.id for n in resolved.nodes}) == 2
    assert [n.id for n in load_scenario(write("s.yaml", BASE)).nodes] == [
        n.id for n in resolved.nodes
    ]
    assert str(resolved.jobs[0].task_groups[0].constraints[0]) == "${attr.kernel.name} = linux"


def test_variable_precedence(write):
    path = write("s.yaml", BASE)
    var_file = write("terraform.tfvars", 'n = 3\nregion = "x"\n')
    resolved = load_scenario(path, var_files=[var_file])
    assert resolved.variables == {"n": 3, "flag": False} and len(resolved.nodes) == 3
    assert "region" in resolved.warnings[0]
    resolved = load_scenario(path, {"n": "0", "flag": "true"}, [var_file])
    assert resolved.variables == {"n": 0, "flag": True} and resolved.nodes == []


def test_unknown_override_lists_known_variables(write):
    with pytest.raises(InputError, match=r"unknown variable 'client' \(declared: flag, n\)"):
        load_scenario(write("s.yaml", BASE), {"client": "1"})


@pytest.mark.parametrize("count", ['"-1"', "1.5", '"lots"', "true", '"${var.flag}"'])
def test_bad_count_names_group_and_line(write, count):
    path = write("s.yaml", BASE.replace('"${var.n}"', count))
    with pytest.raises(InputError, match="node group 'linux': count must be a non-negative") as e:
        load_scenario(path)
    assert e.value.line == 7


def test_bare_var_count_and_literal_count(write):
    assert len(load_scenario(write("s.yaml", BASE.replace('"${var.n}"', "var.n"))).nodes) == 2
    assert len(load_scenario(write("s.yaml", BASE.replace('"${var.n}"', "4"))).nodes) == 4


def test_from_node_json_with_overrides_and_relative_paths(write):
    node = {
        "ID": "x",
        "Name": "orig",
        "NodeClass": "old",
        "Status": "ready",
        "Attributes": {"kernel.name": "linux", "os.name": "ubuntu"},
        "Meta": {"rack": "r1", "zone": "a"},
        "NodeResources": {"Cpu": {"CpuShares": 4000}},
        "Drivers": {"docker": {"Detected": True, "Healthy": True}},
    }
    write("sub/nodes/n.json", json.dumps(node))
    write("sub/jobs/j.nomad", 'job "filejob" { group "g" { task "t" { driver = "docker" } } }')
    path = write(
        "sub/s.yaml",
        """\
    name: t
    node_groups:
      - name: imported
        count: 2
        from: nodes/n.json
        overrides: {class: new, meta: {rack: r2}, NodeResources: {Cpu: {CpuShares: 8000}}}
    jobs:
      - file: jobs/j.nomad
    """,
    )
    resolved = load_scenario(path)
    first = resolved.nodes[0]
    assert (first.name, first.node_class, first.meta) == (
        "imported-0",
        "new",
        {"rack": "r2", "zone": "a"},
    )
    assert first.node_resources.cpu.cpu_shares == 8000
    assert first.attributes["os.name"] == "ubuntu"
    assert resolved.jobs[0].id == "filejob"


def test_allocations_checked(write):
    text = BASE + (
        "allocations:\n  - {job: inline, node: linux-1}\n"
        "  - {job: other, node: linux-0, resources: {cpu: 200}}\n"
    )
    resolved = load_scenario(write("s.yaml", text))
    assert [(a.job, a.group, a.node) for a in resolved.allocations] == [
        ("inline", "g", "linux-1"),
        ("other", "", "linux-0"),
    ]
    with pytest.raises(InputError, match="no node named 'linux-9'"):
        load_scenario(write("s.yaml", BASE + "allocations:\n  - {job: inline, node: linux-9}\n"))
    with pytest.raises(InputError, match="give its resources"):
        load_scenario(write("s.yaml", BASE + "allocations:\n  - {job: other, node: linux-0}\n"))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("name: t\nnode_groups: [\n", 3, "invalid YAML"),
        ("- a\n- b\n", 1, "expected a mapping"),
        ("name: t\nnodegroups: []\n", 2, "nodegroups: unknown field"),
        (
            "name: t\nnode_groups:\n  - name: g\n    count: 1\n",
            3,
            "exactly one of `template` or `from`",
        ),
        (
            BASE.replace("class: c1", "node_resources: {cpu: {cpu_shares: x}}"),
            10,
            r"node_groups\[0\]\.template\.node_resources\.cpu\.cpu_shares: expected an integer",
        ),
        (
            BASE.replace("driver: docker", "driver: docker, resources: {cpu: many}"),
            18,
            r"jobs\[0\]\.task_groups\[0\]\.tasks\[0\]\.resources\.cpu: expected an integer",
        ),
        ("name: t\njobs:\n  - file: missing.nomad\n", None, "no such file"),
    ],
)
def test_bad_scenarios(write, text, line, message):
    path = write("s.yaml", text)
    with pytest.raises(InputError, match=message) as info:
        load_scenario(path)
    assert "s.yaml" in str(info.value) or "missing.nomad" in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_extends_loop_rejected(write):
    write("a.yaml", "name: a\nextends: b.yaml\n")
    with pytest.raises(InputError, match="loops back"):
        load_scenario(write("b.yaml", "name: b\nextends: a.yaml\n"))


def test_five_thousand_nodes_expand_with_distinct_ids(write):
    """How fast is measured in benchmarks/bench_whatif.py (scenario expansion rows)."""
    resolved = load_scenario(write("s.yaml", BASE), {"n": 5000})
    assert len(resolved.nodes) == 5000 and len({n.id for n in resolved.nodes}) == 5000
    assert resolved.nodes[-1].name == "linux-4999"


def test_schema_is_printable():
    schema = Scenario.model_json_schema()
    assert {"name", "variables", "node_groups", "jobs", "allocations"} <= schema[
        "properties"
    ].keys()


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_bundled_scenarios_load(name):
    resolved = load_scenario(SCENARIOS / name)
    assert resolved.nodes and resolved.jobs


def test_hashistack_bug17_shapes():
    resolved = load_scenario(SCENARIOS / "hashistack.yaml", {"client_count": "0"})
    assert [(n.name, n.node_class) for n in resolved.nodes] == [("windows-0", "hashistack-windows")]
    assert all(not j.constraints for j in resolved.jobs)
    windows = resolved.nodes[0]
    assert (
        windows.attributes["driver.docker.os_type"] == "windows" and "exec" not in windows.drivers
    )
    assumed = load_scenario(SCENARIOS / "hashistack-assumed-constraint.yaml")
    assert {str(c) for j in assumed.jobs for c in j.constraints} == {"${node.class} = hashistack"}
    assert assumed.variables == {"client_count": 1, "windows_client_count": 1}


def test_template_without_networks_gets_a_host_network(tmp_path):
    from sim.io import load_scenario

    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: s\nnode_groups:\n"
        "  - {name: a, count: 1, template: {datacenter: dc1}}\n"
        "  - {name: b, count: 1, template: {datacenter: dc1, node_resources: {networks: []}}}\n"
    )
    a, b = load_scenario(scenario).nodes
    assert [nw.mode for nw in a.node_resources.networks] == ["host"]
    assert b.node_resources.networks == []
