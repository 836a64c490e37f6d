"""The vectorized feasibility engine on hand-built clusters, checked against Nomad's behaviour."""

from __future__ import annotations

import numpy as np

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.explain import explain_group, format_alloc_metrics, format_dry_run
from sim.feasibility import COMPUTED_CLASS_INELIGIBLE, evaluate_job

from .nodes import CLASS_IS_HASHISTACK, linux_node, windows_node
from .nodes import grafana_job as job


def only_group(table: NodeTable, j: Job, seed: int = 0):
    return evaluate_job(table, j, seed).groups[0]


def test_bug17_assumed_constraint_blocks_on_the_windows_node():
    table = NodeTable([windows_node("win-1")])
    result = only_group(table, job([CLASS_IS_HASHISTACK]))
    assert not result.placeable
    assert format_alloc_metrics(result.metric, "    ") == (
        '    * Class "hashistack-windows": 1 nodes excluded by filter\n'
        '    * Constraint "${node.class} = hashistack": 1 nodes excluded by filter'
    )


def test_bug17_without_constraint_the_windows_node_is_feasible():
    table = NodeTable([windows_node("win-1")])
    result = only_group(table, job())
    assert result.placeable
    assert [table.nodes[i].name for i in result.feasible] == ["win-1"]


def test_assumed_class_fails_even_with_a_linux_client():
    table = NodeTable([linux_node("lin-1"), windows_node("win-1")])
    result = only_group(table, job([CLASS_IS_HASHISTACK]))
    assert not result.placeable
    assert result.metric.constraint_filtered == {"${node.class} = hashistack": 2}


def test_later_nodes_of_a_failing_class_are_computed_class_ineligible():
    table = NodeTable([linux_node(f"lin-{i}") for i in range(3)])
    result = only_group(
        table, job([{"LTarget": "${attr.kernel.name}", "RTarget": "windows", "Operand": "="}])
    )
    assert result.metric.nodes_evaluated == 3
    assert result.metric.constraint_filtered == {
        "${attr.kernel.name} = windows": 1,
        COMPUTED_CLASS_INELIGIBLE: 2,
    }
    assert result.metric.class_filtered == {"hashistack-linux": 3}


def test_unique_targets_escape_the_class_cache():
    table = NodeTable([linux_node(f"lin-{i}") for i in range(3)])
    escaped = {"LTarget": "${attr.unique.hostname}", "RTarget": "lin-1", "Operand": "="}
    result = only_group(table, job(group_constraints=[escaped]))
    assert result.metric.constraint_filtered == {"${attr.unique.hostname} = lin-1": 2}
    assert [table.nodes[i].name for i in result.feasible] == ["lin-1"]


def unhealthy_docker(name: str) -> Node:
    return linux_node(name, Drivers={"docker": {"Detected": True, "Healthy": False}})


def visit_order_with_first(table: NodeTable, j: Job, name: str) -> int:
    """A seed whose shuffled order visits ``name`` first."""
    for seed in range(100):
        order = evaluate_job(table, j, seed).groups[0].order
        if table.nodes[order[0]].name == name:
            return seed
    raise AssertionError("no seed found")


def test_driver_health_is_a_class_cache_blind_spot():
    table = NodeTable([linux_node("healthy"), unhealthy_docker("sick")])
    j = job()
    sick_first = only_group(table, j, visit_order_with_first(table, j, "sick"))
    assert not sick_first.placeable
    assert sick_first.metric.constraint_filtered == {
        "missing drivers": 1,
        COMPUTED_CLASS_INELIGIBLE: 1,
    }
    healthy_first = only_group(table, j, visit_order_with_first(table, j, "healthy"))
    assert sorted(table.nodes[i].name for i in healthy_first.feasible) == ["healthy", "sick"]
    [explained] = explain_group(table, healthy_first)
    assert explained.blind_spots and "sick" in explained.blind_spots[0]


def test_candidates_follow_pool_datacenter_and_readiness():
    nodes = [
        linux_node("a", Datacenter="dc1"),
        linux_node("b", Datacenter="dc2"),
        linux_node("c", Datacenter="eu-1"),
        linux_node("d", Datacenter="dc1", Status="down"),
        linux_node("e", Datacenter="dc1", NodePool="gpu"),
        linux_node("f", Datacenter="dc1", DrainStrategy={"Deadline": 1}),
    ]
    table = NodeTable(nodes)
    result = evaluate_job(table, job(Datacenters=["dc*"]))
    names = sorted(table.nodes[i].name for i in result.candidates.indices)
    assert names == ["a", "b"]
    assert result.candidates.nodes_available == {"dc1": 1, "dc2": 1}
    assert result.groups[0].metric.nodes_in_pool == 2
    all_pools = evaluate_job(table, job(Datacenters=["*"], NodePool="all"))
    assert sorted(table.nodes[i].name for i in all_pools.candidates.indices) == ["a", "b", "c", "e"]


def test_no_candidates_prints_no_nodes_eligible():
    table = NodeTable([linux_node("a", Datacenter="dc9")])
    result = only_group(table, job())
    assert result.metric.nodes_evaluated == 0
    assert format_alloc_metrics(result.metric) == "* No nodes were eligible for evaluation"


def test_missing_attribute_passes_not_equal_but_fails_equal():
    table = NodeTable([linux_node("a")])
    ne = {"LTarget": "${attr.missing}", "RTarget": "x", "Operand": "!="}
    eq = {"LTarget": "${attr.missing}", "RTarget": "x", "Operand": "="}
    assert only_group(table, job([ne])).placeable
    assert not only_group(table, job([eq])).placeable


def test_network_checker_keeps_previous_groups_mode():
    table = NodeTable([linux_node("a")])
    j = Job.model_validate(
        {
            "ID": "j",
            "TaskGroups": [
                {
                    "Name": "bridged",
                    "Networks": [{"Mode": "bridge"}],
                    "Tasks": [{"Name": "t", "Driver": "docker"}],
                },
                {"Name": "plain", "Tasks": [{"Name": "t", "Driver": "docker"}]},
            ],
        }
    )
    bridged, plain = evaluate_job(table, j).groups
    assert bridged.metric.constraint_filtered == {"missing network": 1}
    assert plain.metric.constraint_filtered == {"missing network": 1}


def test_host_volumes_are_checked_on_every_node_without_caching():
    with_volume = linux_node("vol", HostVolumes={"data": {"Path": "/data", "ReadOnly": False}})
    table = NodeTable([with_volume, linux_node("novol")])
    j = Job.model_validate(
        {
            "ID": "j",
            "TaskGroups": [
                {
                    "Name": "g",
                    "Volumes": {"data": {"Type": "host", "Source": "data"}},
                    "Tasks": [{"Name": "t", "Driver": "docker"}],
                }
            ],
        }
    )
    result = only_group(table, j)
    assert [table.nodes[i].name for i in result.feasible] == ["vol"]
    assert result.metric.constraint_filtered == {"missing compatible host volumes": 1}


def test_dry_run_block_matches_nomad_job_plan():
    table = NodeTable([windows_node("win-1")])
    result = only_group(table, job([CLASS_IS_HASHISTACK]))
    assert format_dry_run("service", {"grafana": result.metric}) == (
        "- WARNING: Failed to place all allocations.\n"
        '  Task Group "grafana" (failed to place 1 allocation):\n'
        '    * Class "hashistack-windows": 1 nodes excluded by filter\n'
        '    * Constraint "${node.class} = hashistack": 1 nodes excluded by filter'
    )


def test_why_not_lists_every_failing_check_with_actual_values():
    table = NodeTable([windows_node("win-1")])
    constraints = [
        CLASS_IS_HASHISTACK,
        {"LTarget": "${attr.kernel.name}", "RTarget": "linux", "Operand": "="},
    ]
    result = only_group(table, job(constraints, driver="exec"))
    [explained] = explain_group(table, result)
    checks = [f.check for f in explained.findings]
    assert checks == [
        "constraint ${node.class} = hashistack",
        "constraint ${attr.kernel.name} = linux",
        "driver exec",
    ]
    assert explained.findings[0].actual == "'hashistack-windows'"
    assert np.array_equal(result.verdicts != -1, [True])


def test_bridge_ask_passes_only_clients_strictly_older_than_0_12():
    def node(name: str, version: str) -> Node:
        attributes = {"kernel.name": "linux", "nomad.version": version, "unique.hostname": name}
        return linux_node(name, Attributes=attributes)

    table = NodeTable([node("old", "0.11.2"), node("pre", "0.11.0-beta1"), node("new", "1.9.3")])
    j = Job.model_validate(
        {
            "ID": "j",
            "TaskGroups": [
                {
                    "Name": "g",
                    "Networks": [{"Mode": "bridge"}],
                    "Tasks": [{"Name": "t", "Driver": "docker"}],
                }
            ],
        }
    )
    result = only_group(table, j)
    assert [table.nodes[i].name for i in result.feasible] == ["old"]


def test_job_level_class_cache_carries_into_later_groups():
    table = NodeTable([windows_node("win-1"), windows_node("win-2")])
    j = Job.model_validate(
        {
            "ID": "j",
            "Constraints": [CLASS_IS_HASHISTACK],
            "TaskGroups": [
                {"Name": "first", "Tasks": [{"Name": "t", "Driver": "docker"}]},
                {"Name": "second", "Tasks": [{"Name": "t", "Driver": "docker"}]},
            ],
        }
    )
    first, second = evaluate_job(table, j).groups
    assert first.metric.constraint_filtered == {
        "${node.class} = hashistack": 1,
        COMPUTED_CLASS_INELIGIBLE: 1,
    }
    assert second.metric.constraint_filtered == {COMPUTED_CLASS_INELIGIBLE: 2}


def test_secrets_provider_must_be_fingerprinted():
    with_vault = linux_node(
        "vault", Attributes={"kernel.name": "linux", "plugins.secrets.vault.version": "1.0.0"}
    )
    table = NodeTable([with_vault, linux_node("plain")])
    j = Job.model_validate(
        {
            "ID": "j",
            "TaskGroups": [
                {
                    "Name": "g",
                    "Tasks": [
                        {
                            "Name": "t",
                            "Driver": "docker",
                            "Secrets": [{"Name": "db", "Provider": "vault"}],
                        }
                    ],
                }
            ],
        }
    )
    result = only_group(table, j)
    assert [table.nodes[i].name for i in result.feasible] == ["vault"]
    assert result.metric.constraint_filtered == {"missing secrets provider": 1}
