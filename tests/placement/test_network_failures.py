"""A node whose network index cannot be built is exhausted, never a traceback.

From scheduler/feasible/rank_test.go: ``TestBinPackIterator_Network_NodeError`` (reserved
host ports that do not parse) and ``TestBinPackIterator_Network_PortCollision_Alloc`` (two
allocations on the node holding the same port).
"""

from __future__ import annotations

import pytest

from models import Job
from sim.placement import ExistingAlloc, simulate
from sim.placement.resources import parse_port_list

from .helpers import job, node

NETWORK = {"Networks": [{"DynamicPorts": [{"Label": "http"}]}]}


def test_unparsable_reserved_host_ports_exhaust_the_node_as_an_invalid_node():
    bad = node(
        "bad",
        memory=4096,
        ReservedResources={"Networks": {"ReservedHostPorts": "not-valid-ports"}},
    )
    plan = simulate([bad], [job(cpu=1024, memory=1024, **NETWORK)])
    metric = plan.jobs[0].failed["web"]
    assert metric.dimension_exhausted == {"network: invalid node": 1}
    assert metric.nodes_exhausted == 1 and metric.nodes_evaluated == 1


def test_an_invalid_node_is_exhausted_even_for_a_group_without_network():
    # BinPackIterator builds the node's network index before anything else.
    bad = node("bad", ReservedResources={"Networks": {"ReservedHostPorts": "22,x"}})
    good = node("good")
    distinct = [{"Operand": "distinct_hosts", "RTarget": "true"}]
    plan = simulate([bad, good], [job(count=2, group_constraints=distinct)])
    outcome = plan.jobs[0].groups[0]
    assert [plan.table.nodes[n].name for n in outcome.nodes] == ["good"]
    assert outcome.failed.dimension_exhausted == {"network: invalid node": 1}
    assert outcome.failed.constraint_filtered == {"distinct_hosts": 1}


def test_allocations_colliding_on_a_port_exhaust_the_node_as_a_port_collision():
    # 2048 MB node: the two existing allocations of 1024 MB would also exhaust memory, but
    # Nomad stops at the network index.
    small = node("n", cpu=2048, memory=2048)
    existing = [
        ExistingAlloc("other", "web", 0, cpu=1024, memory_mb=1024, ports=(5000, 9876))
        for _ in range(2)
    ]
    plan = simulate([small], [job(cpu=1024, memory=1024, **NETWORK)], existing=existing)
    assert plan.jobs[0].failed["web"].dimension_exhausted == {"network: port collision": 1}


def test_an_allocation_on_a_reserved_host_port_is_a_collision():
    n = node("n", ReservedResources={"Networks": {"ReservedHostPorts": "22"}})
    plan = simulate([n], [job()], existing=[ExistingAlloc("other", "x", 0, ports=(22,))])
    assert plan.jobs[0].failed["web"].dimension_exhausted == {"network: port collision": 1}


def test_allocations_on_distinct_ports_do_not_collide():
    n = node("n")
    existing = [ExistingAlloc("other", "x", 0, ports=(p,)) for p in (5000, 5001)]
    plan = simulate([n], [job()], existing=existing)
    assert plan.placed_count == 1


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("not-valid-ports", "can only parse single port numbers or port ranges"),
        ("22,,80", "can't specify empty port"),
        ("0", "port must be > 0"),
        ("70000", "port must be < 65536 but found 70000"),
        ("90-80", "invalid range: ending value (80) less than starting (90) value"),
        ("x", 'strconv.ParseUint: parsing "x": invalid syntax'),
    ],
)
def test_port_ranges_are_parsed_as_nomad_parses_them(spec, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_port_list(spec)


def test_port_ranges_parse():
    assert parse_port_list("22, 80,8000-8002") == {22, 80, 8000, 8001, 8002}
    assert parse_port_list("") == set()


def _task_network_job(*tasks: dict, group_network: dict | None = None):
    """One group whose tasks each ask a task-level network (``task.resources.network``)."""
    spec = job(**({"Networks": [group_network]} if group_network else {}))
    data = spec.model_dump(by_alias=True)
    template = data["TaskGroups"][0]["Tasks"][0]
    data["TaskGroups"][0]["Tasks"] = [
        {**template, "Name": f"t{i}", "Resources": {"CPU": 100, "MemoryMB": 64, "Networks": [net]}}
        for i, net in enumerate(tasks)
    ]
    return Job.model_validate(data)


def _three_dynamic_ports(name: str = "small"):
    return node(
        name,
        NodeResources={
            **node(name).model_dump(by_alias=True)["NodeResources"],
            "MinDynamicPort": 20000,
            "MaxDynamicPort": 20002,
        },
    )


def _dimension(plan) -> dict[str, int]:
    return plan.jobs[0].failed["web"].dimension_exhausted


def test_an_earlier_task_networks_dynamic_ports_are_taken_for_the_next():
    # BinPackIterator: AddReserved(offer) after each task's AssignTaskNetwork holds its
    # dynamic ports too; three dynamic ports in the range, two tasks asking two each.
    two = {"DynamicPorts": [{"Label": "a"}, {"Label": "b"}]}
    plan = simulate([_three_dynamic_ports()], [_task_network_job(two, two)])
    assert _dimension(plan) == {"network: dynamic port selection failed": 1}
    one = {"DynamicPorts": [{"Label": "a"}]}
    assert simulate([_three_dynamic_ports()], [_task_network_job(two, one)]).placed_count == 1


def test_the_group_networks_dynamic_ports_are_taken_for_the_tasks():
    # AddReservedPorts(offer) after the group network's AssignPorts, offer with its dynamic ports.
    two = {"DynamicPorts": [{"Label": "a"}, {"Label": "b"}]}
    plan = simulate([_three_dynamic_ports()], [_task_network_job(two, group_network=two)])
    assert _dimension(plan) == {"network: dynamic port selection failed": 1}


def test_a_tasks_own_reserved_port_in_the_range_is_no_dynamic_port_for_it():
    # getDynamicPortsPrecise marks the ask's reserved ports used before counting.
    ask = {"ReservedPorts": [{"Label": "r", "Value": 20000}], "DynamicPorts": [{"Label": "a"}] * 3}
    plan = simulate([_three_dynamic_ports()], [_task_network_job(ask)])
    assert _dimension(plan) == {"network: dynamic port selection failed": 1}
