"""Computed classes grouped by each map's own key layout equal classes keyed node by node
over every attribute and meta key of the cluster (the value or absence of each)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Node
from sim.core.nodeclass import UNIQUE_PREFIX, device_class_key
from sim.core.nodetable import NodeTable, intern

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_KEYS = ["kernel.name", "os.name", "unique.hostname", "unique.network.ip-address", "cpu.arch"]


def _per_node_codes(nodes: list[Node]) -> list[int]:
    """The reference key: every cluster key looked up on every node."""
    keys = []
    for maps in ([n.attributes for n in nodes], [n.meta for n in nodes]):
        present = set().union(*maps)
        keys.append(sorted(k for k in present if not k.startswith(UNIQUE_PREFIX)))
    rows = [
        (
            n.datacenter,
            n.node_class,
            n.node_pool,
            tuple(map(n.attributes.get, keys[0])),
            tuple(map(n.meta.get, keys[1])),
            device_class_key(n) if n.node_resources.devices else (),
        )
        for n in nodes
    ]
    return intern(rows)[0].tolist()


@st.composite
def fleets(draw) -> list[Node]:
    nodes = []
    for i in range(draw(st.integers(1, 10))):
        names = draw(st.permutations(_KEYS))[: draw(st.integers(0, len(_KEYS)))]
        attrs = {
            k: f"{i}" if k.startswith(UNIQUE_PREFIX) else draw(st.sampled_from("ab")) for k in names
        }
        meta_keys = draw(st.permutations(["rack", "zone", "unique.id"]))[: draw(st.integers(0, 3))]
        meta = {k: draw(st.sampled_from(["r1", "r2"])) for k in meta_keys}
        nodes.append(
            Node.model_validate(
                {
                    "ID": f"id-{i}",
                    "Name": f"n{i}",
                    "Datacenter": draw(st.sampled_from(["dc1", "dc2"])),
                    "NodeClass": draw(st.sampled_from(["", "gpu"])),
                    "Attributes": attrs,
                    "Meta": meta,
                    "NodeResources": {"Cpu": {"CpuShares": 1000}},
                }
            )
        )
    return nodes


@SETTINGS
@given(fleets())
def test_class_codes_equal_per_node_keys(nodes):
    assert NodeTable(nodes).class_codes.tolist() == _per_node_codes(nodes)


def test_key_order_does_not_split_a_class():
    base = {"ID": "a", "Name": "a", "NodeResources": {"Cpu": {"CpuShares": 1}}}
    one = Node.model_validate({**base, "Attributes": {"x": "1", "y": "2", "unique.h": "a"}})
    two = Node.model_validate(
        {**base, "ID": "b", "Name": "b", "Attributes": {"unique.h": "b", "y": "2", "x": "1"}}
    )
    assert NodeTable([one, two]).class_codes.tolist() == [0, 0]
