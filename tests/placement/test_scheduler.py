"""Placement outcomes: Bug #17, exhausted dimensions, distinct_*, system jobs, exact search."""

from __future__ import annotations

import numpy as np
import pytest

from models import Job
from sim.placement import ExistingAlloc, exact_placement, simulate
from sim.placement.chain import assemble
from tests.feasibility.nodes import CLASS_IS_HASHISTACK, windows_node
from tests.feasibility.nodes import grafana_job as grafana

from .helpers import job, node


def test_bug17_without_constraint_placed_on_windows_but_cannot_start():
    outcome = simulate([windows_node("win-1")], [grafana()]).job("grafana")
    [alloc] = list(outcome.allocations())
    assert alloc.node_name == "win-1"
    assert outcome.blocked_eval is None
    assert outcome.deployment.status == "placed-but-cannot-start"
    assert outcome.deployment.deployment_description == "Failed due to progress deadline"
    assert outcome.deployment.after == "10m0s"
    assert "attr.driver.docker.os_type = windows" in outcome.deployment.reason


def test_bug17_with_class_constraint_blocked_and_worded_like_nomad():
    outcome = simulate([windows_node("win-1")], [grafana([CLASS_IS_HASHISTACK])]).job("grafana")
    assert outcome.placed_count == 0
    assert outcome.blocked_eval is not None
    assert outcome.blocked_eval.status_description == "created to place remaining allocations"
    assert outcome.blocked_eval.class_eligibility == {0: False}
    assert (
        'Constraint "${node.class} = hashistack": 1 nodes excluded by filter' in outcome.dry_run()
    )
    failed = outcome.failed_tg_allocs()["grafana"]
    assert failed["ConstraintFiltered"] == {"${node.class} = hashistack": 1}
    assert outcome.deployment.status == "not-placed"


def test_windows_image_on_linux_docker_is_flagged():
    j = Job.model_validate(
        {
            "ID": "iis",
            "TaskGroups": [
                {
                    "Name": "iis",
                    "Tasks": [
                        {
                            "Name": "iis",
                            "Driver": "docker",
                            "Config": {"image": "mcr.microsoft.com/windows/servercore/iis"},
                        }
                    ],
                }
            ],
        }
    )
    outcome = simulate([node("lin-1")], [j]).job("iis")
    assert outcome.deployment.status == "placed-but-cannot-start"
    assert "Windows image" in outcome.deployment.reason


def test_exhausted_dimensions_and_coalesced_failures():
    nodes = [node("a", cpu=1000), node("b", memory=200)]
    outcome = simulate(nodes, [job(count=3, cpu=600, memory=300)]).job("web")
    assert outcome.placed_count == 1
    metric = outcome.failed["web"]
    assert metric.nodes_evaluated == 2
    assert metric.nodes_exhausted == 2
    assert metric.dimension_exhausted == {"cpu": 1, "memory": 1}
    assert metric.coalesced_failures == 1
    assert metric.resources_exhausted == {"web": {"CPU": 1200, "MemoryMB": 600}}
    assert 'Task Group "web" (failed to place 2 allocations):' in outcome.dry_run()


def test_max_allocs_and_reserved_port_collision():
    capped = node("a", NodeMaxAllocs=1)
    metric = simulate([capped], [job(count=2)]).job("web").failed["web"]
    assert metric.dimension_exhausted == {"max allocation exceeded": 1}
    reserved = node("b", ReservedResources={"Networks": {"ReservedHostPorts": "22,8080"}})
    web = job(Networks=[{"ReservedPorts": [{"Label": "http", "Value": 8080}]}])
    metric = simulate([reserved], [web]).job("web").failed["web"]
    assert metric.dimension_exhausted == {"network: reserved port collision http=8080": 1}


def test_dynamic_ports_are_distinct_per_node():
    web = job(count=3, Networks=[{"DynamicPorts": [{"Label": "http"}]}])
    plan = simulate([node("a")], [web])
    ports = [a.offer.ports[0][1] for a in plan.allocations()]
    assert ports == [20000, 20001, 20002]


def test_distinct_hosts_limits_one_per_node():
    constraint = {"Operand": "distinct_hosts", "RTarget": "true"}
    outcome = simulate([node("a"), node("b")], [job(count=3, group_constraints=[constraint])]).job(
        "web"
    )
    assert sorted(a.node_name for a in outcome.allocations()) == ["a", "b"]
    assert outcome.failed["web"].constraint_filtered == {"distinct_hosts": 2}


def test_distinct_property_allowed_count_and_reason():
    racks = [node(f"n{i}", Meta={"rack": f"r{i % 2}"}) for i in range(4)]
    constraint = {"LTarget": "${meta.rack}", "Operand": "distinct_property", "RTarget": "1"}
    outcome = simulate(racks, [job(count=3, constraints=[constraint])]).job("web")
    assert outcome.placed_count == 2
    reasons = outcome.failed["web"].constraint_filtered
    assert reasons == {
        "distinct_property: ${meta.rack}=r0 used by 1 allocs": 2,
        "distinct_property: ${meta.rack}=r1 used by 1 allocs": 2,
    }


def test_existing_allocations_take_capacity_and_count_for_anti_affinity():
    existing = [ExistingAlloc("other", "x", 0, cpu=3900, memory_mb=100, disk_mb=0)]
    plan = simulate([node("a"), node("b")], [job(cpu=500)], existing=existing)
    assert [a.node_name for a in plan.allocations()] == ["b"]


def test_priority_order_decides_who_gets_the_last_slot():
    low = job("low", memory=3000)
    high = job("high", memory=3000)
    high.priority = 90
    plan = simulate([node("a")], [low, high])
    assert [j.job.id for j in plan.jobs] == ["high", "low"]
    assert plan.job("high").placed_count == 1
    assert plan.job("low").unplaced_count == 1


def test_system_job_one_per_feasible_node_filtered_is_not_failure():
    nodes = [node("a"), node("b", memory=100), node("c", NodeClass="gpu")]
    constraint = {"LTarget": "${node.class}", "RTarget": "linux", "Operand": "="}
    outcome = simulate(nodes, [job(type_="system", constraints=[constraint])]).job("web")
    assert [a.node_name for a in outcome.allocations()] == ["a"]
    metric = outcome.failed["web"]
    assert metric.dimension_exhausted == {"memory": 1}
    assert metric.nodes_filtered == 0
    assert outcome.blocked_eval is not None


def test_system_job_all_filtered_reports_merged_filter_metric():
    constraint = {"LTarget": "${node.class}", "RTarget": "nope", "Operand": "="}
    outcome = simulate([node("a"), node("b")], [job(type_="system", constraints=[constraint])])
    metric = outcome.job("web").failed["web"]
    assert metric.nodes_evaluated == 2
    assert metric.constraint_filtered == {"${node.class} = nope": 2}


def test_service_placements_use_score_metadata():
    plan = simulate([node(f"n{i}") for i in range(5)], [job(count=2)])
    alloc = next(plan.allocations())
    assert 1 <= len(alloc.score_metadata) <= 5
    assert alloc.scores["normalized-score"] == alloc.score
    norm = [m["NormScore"] for m in alloc.score_metadata]
    assert norm == sorted(norm, reverse=True)


def test_exact_search_finds_what_the_heuristic_misses():
    # Spread fit sends the small job to the big node; the big job then fits nowhere.
    nodes = [node("big", memory=1000), node("small", memory=600)]
    small, big = job("small", memory=500), job("big", memory=1000)
    small.priority = 80
    plan = simulate(nodes, [small, big], algorithm="spread")
    assert plan.job("big").unplaced_count == 1
    exact = exact_placement(nodes, [small, big])
    assert exact.feasible is True
    assert sorted(exact.assignment) == [("big", "big", 0, 0), ("small", "small", 0, 1)]
    assert exact_placement(nodes, [job("huge", memory=2000)]).feasible is False


def two_group_job(job_constraints: list, second_constraints: list, first_count: int) -> Job:
    def group(name: str, count: int, constraints: list) -> dict:
        return {
            "Name": name,
            "Count": count,
            "Constraints": constraints,
            "Tasks": [
                {"Name": name, "Driver": "docker", "Resources": {"CPU": 100, "MemoryMB": 64}}
            ],
        }

    return Job.model_validate(
        {
            "ID": "two",
            "Constraints": job_constraints,
            "TaskGroups": [
                group("first", first_count, []),
                group("second", 1, second_constraints),
            ],
        }
    )


def test_later_groups_inherit_the_job_level_class_cache():
    nodes = [windows_node("win-1"), windows_node("win-2")]
    linux_only = {"LTarget": "${attr.kernel.name}", "RTarget": "linux", "Operand": "="}
    outcome = simulate(nodes, [two_group_job([linux_only], [], 1)]).job("two")
    first, second = (outcome.failed[name] for name in ("first", "second"))
    assert first.constraint_filtered == {
        "${attr.kernel.name} = linux": 1,
        "computed class ineligible": 1,
    }
    assert second.constraint_filtered == {"computed class ineligible": 2}


def test_a_later_group_starts_with_its_own_group_level_cache():
    nodes = [node(f"n{i}") for i in range(2)]
    windows_only = {"LTarget": "${attr.kernel.name}", "RTarget": "windows", "Operand": "="}
    # The first group pulls every node more than once; the second still visits each class
    # afresh, so its first node of the class shows the constraint itself.
    outcome = simulate(nodes, [two_group_job([], [windows_only], 5)]).job("two")
    assert outcome.groups[0].placed_count == 5
    assert outcome.failed["second"].constraint_filtered == {
        "${attr.kernel.name} = windows": 1,
        "computed class ineligible": 1,
    }


def test_normalized_score_is_the_mean_of_the_appended_scores():
    """``ScoreNormalizationIterator``: the final score averages exactly the appended scores."""
    nodes = [node(f"n{i}", Meta={"rack": f"r{i % 3}"}) for i in range(12)]
    resources = {"CPU": 500, "MemoryMB": 256}
    spread_job = Job.model_validate(
        {
            "ID": "web",
            "Spreads": [{"Attribute": "${meta.rack}"}],
            "Affinities": [{"LTarget": "${meta.rack}", "RTarget": "r1", "Operand": "="}],
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": 20,
                    "Tasks": [{"Name": "t", "Driver": "docker", "Resources": resources}],
                }
            ],
        }
    )
    [group] = simulate(nodes, [spread_job]).job("web").groups
    assert group.placed_count == 20
    every = [assemble(parts) for parts in group.parts]
    assert any(not np.isnan(parts[1]) for parts in every)  # some anti-affinity appended
    for final, parts in zip(group.scores, every, strict=True):
        assert final == pytest.approx(float(np.nanmean(parts)))
