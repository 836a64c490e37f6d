"""The why-not table agrees with the engine: findings exactly where the verdict is not PASS."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.explain import explain_group, node_findings
from sim.feasibility import PASS, GroupFeasibility, evaluate_job
from sim.io import load_scenario
from sim.synth.strategies import job_strategy, nodes_strategy
from tests.feasibility.nodes import grafana_job, linux_node

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _blind_classes(table: NodeTable, group: GroupFeasibility) -> set[int]:
    """Computed classes the why-not table flags: nodes the class cache answers wrongly."""
    return {e.class_code for e in explain_group(table, group) if e.blind_spots}


@st.composite
def clusters_and_jobs(draw: st.DrawFn) -> tuple[list[Node], Job, int]:
    nodes = draw(nodes_strategy(max_size=40))
    return nodes, draw(job_strategy(nodes=nodes)), draw(st.integers(0, 1000))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=clusters_and_jobs())
def test_no_finding_exactly_when_the_verdict_is_pass(case) -> None:
    """Every node whose verdict is its own (the first of its computed class in the visit
    order, or any node of a class the why-not table does not flag as a blind spot) has no
    finding exactly when it passes; nodes that are not candidates always have one."""
    nodes, job, seed = case
    table = NodeTable(nodes)
    for group in evaluate_job(table, job, seed).groups:
        order = group.order.tolist()
        blind = _blind_classes(table, group)
        decided: set[int] = set()  # classes whose first node has been visited
        for position, index in enumerate(order):
            code = int(table.class_codes[index])
            if code in decided and code in blind:
                continue
            decided.add(code)
            findings = node_findings(table.nodes[index], group)
            assert (not findings) == (group.verdicts[position] == PASS), (
                table.nodes[index].name,
                group.reason_of(position),
                findings,
            )
        for index in set(range(table.n)) - set(order):
            assert node_findings(table.nodes[index], group), table.nodes[index].name


def test_blind_spot_named_when_a_class_member_has_an_unhealthy_driver() -> None:
    """Driver health is not part of the computed class: Nomad's cache passes the sick node."""
    healthy = linux_node("linux-a")
    sick = linux_node(
        "linux-b",
        Drivers={"docker": {"Detected": True, "Healthy": False}, "exec": {"Detected": True}},
    )
    table = NodeTable([healthy, sick])
    group = evaluate_job(table, grafana_job(), seed=0).groups[0]
    [explanation] = explain_group(table, group)
    assert explanation.node_count == 2 and explanation.feasible
    decider = explanation.example
    other = "linux-b" if decider == "linux-a" else "linux-a"
    assert explanation.blind_spots == [
        f"class-cache blind spot: {decider} decided the class "
        f"{'feasible' if decider == 'linux-a' else 'ineligible'}, but 1 node(s) differ in "
        f"drivers, devices or networks ({other})"
    ]


def test_assumed_constraint_names_the_constraint_and_the_actual_class() -> None:
    resolved = load_scenario(SCENARIOS / "hashistack-assumed-constraint.yaml")
    table = NodeTable(resolved.nodes)
    grafana = next(j for j in resolved.jobs if j.id == "grafana")
    group = evaluate_job(table, grafana, seed=0).groups[0]
    explanations = explain_group(table, group)
    assert explanations and not any(e.feasible for e in explanations)
    assert sorted((e.example, f.required, f.actual) for e in explanations for f in e.findings) == [
        ("linux-0", "${node.class} = hashistack", "'hashistack-linux'"),
        ("windows-0", "${node.class} = hashistack", "'hashistack-windows'"),
    ]


def test_one_node_by_name_and_an_unknown_name() -> None:
    table = NodeTable([linux_node("linux-a")])
    group = evaluate_job(table, grafana_job(), seed=0).groups[0]
    [one] = explain_group(table, group, node_name="linux-a")
    assert (one.label, one.node_count, one.findings) == ("linux-a", 1, [])
    with pytest.raises(KeyError):
        explain_group(table, group, node_name="nowhere")


def test_a_feasible_class_where_the_group_cannot_start_names_the_start_risk():
    """Bug #17: grafana's Linux image is feasible on the Windows Docker class but never starts."""
    scenario = load_scenario(SCENARIOS / "hashistack.yaml")
    table = NodeTable(scenario.nodes)
    job = next(j for j in scenario.jobs if j.id == "grafana")
    (group,) = evaluate_job(table, job, 0).groups
    by_os = {
        table.nodes[table.name_index[e.example]].attributes["driver.docker.os_type"]: e
        for e in explain_group(table, group)
    }
    assert by_os["linux"].feasible and by_os["linux"].can_start
    windows = by_os["windows"]
    assert windows.feasible and not windows.can_start
    (risk,) = windows.start_risks
    assert "Linux image" in risk and "Windows Docker node" in risk
