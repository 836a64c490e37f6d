"""NodeTable.subset: the kept nodes' table equals one built from them afresh."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models import Node
from sim.core.nodetable import NodeTable


@st.composite
def fleets(draw) -> list[Node]:
    count = draw(st.integers(1, 12))
    nodes = []
    for i in range(count):
        attributes = {"kernel.name": draw(st.sampled_from(["linux", "windows"]))}
        if draw(st.booleans()):
            attributes[draw(st.sampled_from(["gpu", "arm", "ssd"]))] = "1"
        nodes.append(
            Node.model_validate(
                {
                    "Name": f"n{i}",
                    "Datacenter": draw(st.sampled_from(["dc1", "dc2"])),
                    "NodeClass": draw(st.sampled_from(["", "a", "b"])),
                    "Status": draw(st.sampled_from(["ready", "ready", "down"])),
                    "Meta": {"rack": draw(st.sampled_from(["r1", "r2"]))},
                    "Attributes": attributes,
                }
            )
        )
    return nodes


@settings(max_examples=60, deadline=None)
@given(fleets(), st.data())
def test_subset_equals_a_fresh_table(nodes, data):
    table = NodeTable(nodes)
    rows = np.array(
        sorted(data.draw(st.sets(st.integers(0, len(nodes) - 1), max_size=len(nodes)))),
        dtype=np.int64,
    )
    part, fresh = table.subset(rows), NodeTable([nodes[i] for i in rows.tolist()])
    assert part.class_codes.tolist() == fresh.class_codes.tolist()
    assert part.ready.tolist() == fresh.ready.tolist()
    for target in ("${node.class}", "${meta.rack}", "${attr.gpu}", "${node.datacenter}"):
        a, b = part.column(target), fresh.column(target)
        assert [a.values[c] for c in a.codes] == [b.values[c] for c in b.codes]
