"""A node whose network index cannot be built is exhausted, never a traceback.

From scheduler/feasible/rank_test.go: ``TestBinPackIterator_Network_NodeError`` (reserved
host ports that do not parse) and ``TestBinPackIterator_Network_PortCollision_Alloc`` (two
allocations on the node holding the same port).
"""

from __future__ import annotations

import pytest

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
