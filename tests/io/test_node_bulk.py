"""The bulk node path (msgspec) against ``Node.model_validate``: same nodes, same rejections.

The invariant: for any input, ``decode_nodes`` either declines (``None``) or returns exactly
the nodes ``Node.model_validate`` gives, field for field and with the same fields set; and
``load_nodes`` (bulk path, then fallback) ends exactly as ``load_nodes_validated`` does, with
the same nodes, the same warnings or the same error line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, model_validator

from models import Node
from models.base import NomadModel
from sim.core.errors import InputError
from sim.io.loaders import load_nodes, load_nodes_validated
from sim.io.node_decode import _Planner, decode_nodes
from sim.io.node_json import node_to_api, nodes_from_api, nodes_from_document
from sim.synth.strategies import node_strategy, nodes_strategy

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
# Keys Nomad sends that the models ignore, with values of every JSON kind.
NOMAD_EXTRAS = {
    "CreateIndex": 17,
    "Events": [{"Message": "Node registered", "Details": None}],
    "HTTPAddr": "10.0.0.1:4646",
    "TLSEnabled": False,
    "UpdateTime": "2026-11-01T08:00:00Z",
    "Locality": {"PciBusID": "0000:00:1e.0"},
    "Links": None,
}
WRONG_VALUES = (None, "x", "7", 7, 2.5, 7.0, True, [], {}, [1], {"Int": 1}, "", -1)


def same(fast: list[Node], slow: list[Node]) -> bool:
    """Equal values, equal types (repr tells 5 from 5.0) and equal fields set, recursively."""
    return (
        fast == slow
        and [repr(n) for n in fast] == [repr(n) for n in slow]
        and [n.model_dump(exclude_unset=True) for n in fast]
        == [n.model_dump(exclude_unset=True) for n in slow]
    )


def validated(items: list[Any]) -> list[Node] | None:
    try:
        return [Node.model_validate(item) for item in items]
    except ValueError:  # pydantic's ValidationError
        return None


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value that holds a value (object members, array items)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    out = []
    for key, child in items:
        out.append((*prefix, key))
        out.extend(paths(child, (*prefix, key)))
    return out


def parent_of(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


@st.composite
def api_documents(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Nodes in Nomad's API shape, with keys the models ignore sprinkled in."""
    nodes = draw(
        st.one_of(nodes_strategy(max_size=4), st.lists(node_strategy(), min_size=1, max_size=3))
    )
    items = [node_to_api(node) for node in nodes]
    for _ in range(draw(st.integers(0, 4))):
        spot = draw(st.sampled_from(_objects(items)))
        key, value = draw(st.sampled_from(sorted(NOMAD_EXTRAS.items())))
        spot.setdefault(key, value)
    return items


def _objects(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API objects of fixed shape (not the string maps, where every key is data)."""
    out: list[dict[str, Any]] = []
    for node in items:
        resources = node["NodeResources"]
        out += [node, resources, resources["Cpu"], node["ReservedResources"]]
        out += [d for d in node["Drivers"].values() if d is not None]
        out += resources["Networks"] + resources["Devices"]
        out += [i for d in resources["Devices"] for i in d["Instances"]]
    return out


@st.composite
def mutated_documents(draw: st.DrawFn) -> list[dict[str, Any]]:
    """API documents with one to three edits: a value replaced by null or a wrong type, or a
    key respelled (snake_case, lower case) as the models also accept or do not."""
    items = draw(api_documents())
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(items)))
        parent = parent_of(items, path)
        if isinstance(parent, dict) and draw(st.booleans()):
            key = path[-1]
            spelling = draw(
                st.sampled_from((_snake(key), key.lower(), "class", "pool", "static", "int"))
            )
            if spelling not in parent:
                parent[spelling] = parent.pop(key)
        else:
            parent[path[-1]] = draw(st.sampled_from(WRONG_VALUES))
    return items


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key).lstrip("_")


@SETTINGS
@given(api_documents())
def test_bulk_path_takes_api_nodes_and_equals_model_validate(items):
    fast = decode_nodes(json.dumps(items).encode())
    assert fast is not None  # plain API nodes never leave the bulk path
    assert same(fast, validated(items))


@SETTINGS
@given(mutated_documents())
def test_bulk_path_declines_or_agrees_on_edited_nodes(items):
    fast = decode_nodes(json.dumps(items).encode())
    slow = validated(items)
    assert fast is None or (slow is not None and same(fast, slow))


@SETTINGS
@given(mutated_documents())
def test_load_nodes_ends_as_the_validated_path(tmp_path_factory, items):
    path = tmp_path_factory.mktemp("nodes") / "nodes.json"
    path.write_text(json.dumps(items if len(items) > 1 else items[0]))
    expected = _outcome(load_nodes_validated, path)
    actual = _outcome(load_nodes, path)
    if isinstance(expected, str):
        assert actual == expected
    else:
        assert not isinstance(actual, str)
        assert same(actual.nodes, expected.nodes) and actual.warnings == expected.warnings


def _outcome(loader: Any, path: Path) -> Any:
    try:
        return loader(path)
    except InputError as exc:
        return str(exc)


def test_bulk_path_nulls_mean_unset():
    (item,) = [node_to_api(n) for n in _small_nodes(1)]
    item.update({"NodePool": None, "Meta": None, "DrainStrategy": None, "NodeClass": None})
    item["NodeResources"]["Devices"] = None
    item["Drivers"] = {**item["Drivers"], "qemu": None}
    fast = decode_nodes(json.dumps(item).encode())
    assert fast is not None and same(fast, validated([item]))
    assert fast[0].node_pool == "default" and "node_pool" not in fast[0].model_fields_set
    assert fast[0].drivers["qemu"] is None


def test_empty_pool_is_default_but_set():
    (item,) = [node_to_api(n) for n in _small_nodes(1)]
    item["NodePool"] = ""
    fast = decode_nodes(json.dumps([item]).encode())
    assert fast is not None and same(fast, validated([item]))
    assert fast[0].node_pool == "default" and "node_pool" in fast[0].model_fields_set


@pytest.mark.parametrize(
    "edit",
    [
        lambda n: n.update({"node_class": "x"}),  # snake_case spelling
        lambda n: n.update({"TaskGroups": []}),  # a job
        lambda n: n.pop("NodeResources"),  # a stub, or a pre-0.9 node
        lambda n: n["NodeResources"]["Cpu"].update({"CpuShares": "4000"}),  # lax number
        lambda n: n["NodeResources"].update({"Devices": [{"Attributes": {"memory": 5}}]}),
    ],
)
def test_bulk_path_declines_what_only_pydantic_reads(edit):
    (item,) = [node_to_api(n) for n in _small_nodes(1)]
    edit(item)
    assert decode_nodes(json.dumps([item, item]).encode()) is None


def test_repeated_id_goes_to_the_validated_path_and_its_error(tmp_path):
    items = [node_to_api(n) for n in _small_nodes(2)]
    items[1]["ID"] = items[0]["ID"]
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items))
    with pytest.raises(InputError, match=r"node\[1\]\.ID '.*' repeats node\[0\]"):
        load_nodes(path)


def test_bad_node_error_names_index_name_id_and_field(tmp_path):
    items = [node_to_api(n) for n in _small_nodes(40)]
    items[37]["NodeResources"]["Memory"]["MemoryMB"] = "lots"
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items))
    with pytest.raises(InputError) as info:
        load_nodes(path)
    name, node_id = items[37]["Name"], items[37]["ID"]
    assert str(info.value) == (
        f"{path}: node[37] (Name {name!r}, ID {node_id!r}): NodeResources.Memory.MemoryMB: "
        "expected an integer, got 'lots'"
    )


def test_loaded_nodes_share_equal_sub_objects(tmp_path):
    items = [node_to_api(n) for n in _small_nodes(30)]
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items))
    nodes = load_nodes(path).nodes
    resources = {id(n.node_resources) for n in nodes}
    assert len(resources) < len(nodes)  # fleets share one NodeResources object


@pytest.mark.parametrize("bad", [False, True])
def test_document_member_nodes_end_as_nodes_from_api(bad):
    """A snapshot's ``Nodes``: the bulk path on the member's raw JSON, same end as the dicts."""
    items = [node_to_api(n) for n in _small_nodes(12)]
    if bad:
        items[5]["Drain"] = "lots"
    text = json.dumps({"NomadSimSnapshot": 1, "Jobs": [], "Nodes": items, "Region": "global"})
    expected = _outcome(lambda _: nodes_from_api(items, "snap.json"), Path("snap.json"))
    actual = _outcome(
        lambda _: nodes_from_document(text, "Nodes", items, "snap.json"), Path("snap.json")
    )
    if bad:
        assert actual == expected and "node[5]" in actual and "Drain" in actual
    else:
        assert same(actual.nodes, expected.nodes)


def test_real_node_samples(real):
    files = sorted((real / "nodes").glob("*.json"))
    files += sorted((real / "api").glob("v1-node-ID*.json"))
    fast_files = 0
    for path in files:
        expected = _outcome(load_nodes_validated, path)
        actual = _outcome(load_nodes, path)
        assert (
            actual == expected if isinstance(expected, str) else same(actual.nodes, expected.nodes)
        )
        fast_files += decode_nodes(path.read_bytes()) is not None
    assert fast_files >= 3  # the Nomad >= 0.9 full-node samples take the bulk path


def test_a_validator_the_bulk_path_does_not_know_stops_it():
    class Odd(NomadModel):
        size: int = 0

        @model_validator(mode="before")
        @classmethod
        def _double(cls, data: Any) -> Any:
            return data

    with pytest.raises(TypeError, match="no fast-path rule"):
        _Planner().plan(Odd)


def test_plain_pydantic_model_field_is_refused():
    class Other(BaseModel):
        size: int = 0

    class Holder(NomadModel):
        other: Other | None = None

    with pytest.raises(TypeError, match="no fast-path rule"):
        _Planner().plan(Holder)


def _small_nodes(count: int) -> list[Node]:
    from sim.synth import generate_nodes

    return generate_nodes(count, seed=7)
