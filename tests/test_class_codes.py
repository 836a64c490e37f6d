"""NodeTable.class_codes against ``computed_class_key`` node by node: the same partition.

The table codes computed classes in bulk (a tuple per node of the hashed fields with each map
part by identity, then the parts compared by content once per group); the scalar key is the
specification. Equal keys must get equal codes and different keys different ones, numbered in
order of first appearance, for pydantic nodes and for node records alike.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from models import Node
from sim.core.nodeclass import computed_class_key
from sim.core.nodetable import NodeTable
from sim.io.node_json import node_to_api
from sim.io.node_records import decode_records
from sim.synth import NodeProfile, generate_nodes

from .test_nodetable_subset import fleets


def first_appearance_codes(keys: list[object]) -> list[int]:
    """Each key's rank among the distinct keys in order of first appearance."""
    ranks: dict[object, int] = {}
    return [ranks.setdefault(key, len(ranks)) for key in keys]


@settings(max_examples=80, deadline=None)
@given(fleets())
def test_class_codes_partition_nodes_as_their_class_keys(nodes):
    codes = NodeTable(nodes).class_codes.tolist()
    assert codes == first_appearance_codes([computed_class_key(n) for n in nodes])


@settings(max_examples=15, deadline=None, derandomize=True)
@given(st.integers(1, 300), st.integers(0, 10_000), st.sampled_from([0.0, 0.3]))
def test_records_code_classes_as_their_models_keys(count, seed, gpus):
    """Generated fleets (GPU devices, unique attributes, several pools and classes) read as
    records, whose maps are shared per group."""
    models = generate_nodes(count, seed, NodeProfile(gpu_fraction=gpus, fleets=6))
    records = decode_records(json.dumps([node_to_api(n) for n in models]).encode())
    assert records is not None
    expected = first_appearance_codes([computed_class_key(n) for n in models])
    assert NodeTable(records).class_codes.tolist() == expected
    assert NodeTable(models).class_codes.tolist() == expected


def gpu_nodes(memories: list[dict[str, object]]) -> list[dict[str, object]]:
    """Full nodes in API shape, alike but for their GPU's ``memory`` attribute."""
    template = node_to_api(generate_nodes(1, 7, NodeProfile(gpu_fraction=1.0))[0])
    nodes = []
    for i, memory in enumerate(memories):
        node = json.loads(json.dumps(template))
        node["ID"], node["Name"] = f"00000000-0000-0000-0000-{i:012d}", f"gpu-{i}"
        node["NodeResources"]["Devices"][0]["Attributes"]["memory"] = memory
        nodes.append(node)
    return nodes


def test_device_attributes_are_hashed_with_their_kind():
    """``psstructs.Attribute`` is hashed field by field (node_class.go hashes the struct): an
    Int 5 and a Float 5.0 differ, as a Bool true and an Int 1 do; equal attributes do not."""
    documents = gpu_nodes(
        [
            {"Int": 5, "Unit": "GiB"},
            {"Float": 5.0, "Unit": "GiB"},
            {"Int": 5, "Unit": "GiB"},
            {"Bool": True},
            {"Int": 1},
            {"Int": 5, "Unit": "MiB"},
        ]
    )
    models = [Node.model_validate(d) for d in documents]
    records = decode_records(json.dumps(documents).encode())
    assert records is not None
    for nodes in (models, records):
        assert NodeTable(nodes).class_codes.tolist() == [0, 1, 0, 2, 3, 4]
