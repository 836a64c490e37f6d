"""Node records (the CLI's bulk path) against ``Node.model_validate``: same values, same table.

The invariant: for any input, ``decode_records`` either declines (``None``) or returns records
that read, field by field and recursively, exactly as the validated models do; the NodeTable
built from them has the same computed classes, readiness, columns and capacity. And
``load_node_records`` ends as ``load_nodes_validated`` does, error lines included.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from models import Node
from sim.core.errors import InputError
from sim.core.nodetable import NodeTable
from sim.io.loaders import load_node_records, load_nodes_validated
from sim.io.node_json import node_to_api
from sim.io.node_records import as_model, decode_records
from sim.placement.resources import NodeCapacity

from .test_node_bulk import api_documents, mutated_documents, validated

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
TARGETS = (
    "${node.datacenter}",
    "${node.class}",
    "${node.pool}",
    "${node.unique.name}",
    "${attr.kernel.name}",
    "${attr.unique.hostname}",
    "${meta.rack}",
)


def reads_as(record: Any, model: Any) -> bool:
    """Every model field read on the record equals the model's, recursively and by type."""
    if isinstance(model, BaseModel):
        kind = type(model).__name__  # a record, or the model itself when the file declined
        return type(record).__name__ in (kind, f"{kind}Record") and all(
            reads_as(getattr(record, name), getattr(model, name))
            for name in type(model).model_fields
        )
    if isinstance(model, list):
        return (
            isinstance(record, list)
            and len(record) == len(model)
            and all(map(reads_as, record, model))
        )
    if isinstance(model, dict):
        return (
            isinstance(record, dict)
            and list(record) == list(model)
            and all(reads_as(record[k], v) for k, v in model.items())
        )
    return type(record) is type(model) and record == model


def same_table(records: list[Any], models: list[Node]) -> None:
    fast, slow = NodeTable(records), NodeTable(models)
    assert fast.class_codes.tolist() == slow.class_codes.tolist()
    assert fast.ready.tolist() == [n.ready() for n in models]
    for target in TARGETS:
        a, b = fast.column(target), slow.column(target)
        assert a.codes.tolist() == b.codes.tolist() and (a.values, a.found) == (b.values, b.found)
    assert all(map(reads_as, fast.driver_maps, slow.driver_maps))
    cap_a, cap_b = NodeCapacity.of(records), NodeCapacity.of(models)
    for name in ("cpu", "memory_mb", "disk_mb", "max_allocs", "mhz_per_core", "invalid"):
        assert np.array_equal(getattr(cap_a, name), getattr(cap_b, name))
    assert (cap_a.usable_cores, cap_a.reserved_ports) == (cap_b.usable_cores, cap_b.reserved_ports)


@SETTINGS
@given(api_documents())
def test_records_take_api_nodes_and_read_as_the_models(items):
    records = decode_records(json.dumps(items).encode())
    assert records is not None  # plain API nodes never leave the bulk path
    models = validated(items)
    assert [as_model(r) for r in records] == models  # first, before any field is read
    assert all(map(reads_as, records, models))
    same_table(records, models)


@SETTINGS
@given(mutated_documents())
def test_records_decline_or_agree_on_edited_nodes(items):
    records = decode_records(json.dumps(items).encode())
    models = validated(items)
    assert records is None or (models is not None and all(map(reads_as, records, models)))


@SETTINGS
@given(mutated_documents())
def test_load_node_records_ends_as_the_validated_path(tmp_path_factory, items):
    path = tmp_path_factory.mktemp("nodes") / "nodes.json"
    path.write_text(json.dumps(items if len(items) > 1 else items[0]))
    expected = _outcome(load_nodes_validated, path)
    actual = _outcome(load_node_records, path)
    if isinstance(expected, str):
        assert actual == expected
    else:
        assert not isinstance(actual, str) and actual.warnings == expected.warnings
        assert all(map(reads_as, actual.nodes, expected.nodes))


def _outcome(loader: Any, path: Any) -> Any:
    try:
        return loader(path)
    except InputError as exc:
        return str(exc)


def test_nulls_read_as_defaults_and_an_empty_pool_as_default():
    (item,) = [node_to_api(n) for n in _small_nodes(1)]
    item.update({"NodePool": "", "Meta": None, "DrainStrategy": None, "HostVolumes": None})
    item["NodeResources"]["Devices"] = None
    item["Drivers"] = {**item["Drivers"], "qemu": None}
    (record,) = decode_records(json.dumps([item]).encode())
    (model,) = validated([item])
    assert reads_as(record, model)
    assert record.node_pool == "default" and record.meta == {} and record.drivers["qemu"] is None
    assert record.meta is record.meta  # a default is made once, then read as stored


def test_a_null_scalar_declines_the_records():
    (item,) = [node_to_api(n) for n in _small_nodes(1)]
    item["Status"] = None  # Go never writes null for a string; the pydantic path decides
    assert decode_records(json.dumps([item]).encode()) is None


def test_model_copy_on_a_record_changes_the_copy_only():
    (record,) = decode_records(json.dumps([node_to_api(_small_nodes(1)[0])]).encode())
    drained = record.model_copy(
        update={"drain": True, "scheduling_eligibility": "ineligible", "attributes": {"a": "b"}}
    )
    assert drained.drain and drained.attributes == {"a": "b"} and not drained.ready()
    assert not record.drain and record.attributes != {"a": "b"}


def test_bad_node_error_names_index_name_id_and_field(tmp_path):
    items = [node_to_api(n) for n in _small_nodes(40)]
    items[37]["NodeResources"]["Memory"]["MemoryMB"] = "lots"
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items))
    with pytest.raises(InputError) as info:
        load_node_records(path)
    name, node_id = items[37]["Name"], items[37]["ID"]
    assert str(info.value) == (
        f"{path}: node[37] (Name {name!r}, ID {node_id!r}): NodeResources.Memory.MemoryMB: "
        "expected an integer, got 'lots'"
    )


@pytest.mark.parametrize(
    ("field", "index", "key", "value", "expected"),
    [
        ("Networks", 1, "MBits", "fast", "expected an integer, got 'fast'"),
        ("NodeNetworks", 0, "Device", 7, "expected a string, got 7"),
    ],
)
def test_a_bad_value_in_a_list_kept_raw_is_named_on_load(
    tmp_path, field, index, key, value, expected
):
    """Networks are decoded on first read, but type-checked when the file is read."""
    items = [node_to_api(n) for n in _small_nodes(30)]
    item = items[21]
    networks = item["NodeResources"][field] = item["NodeResources"][field] or []
    networks += [{"Mode": "host", "Device": "eth1"} for _ in range(2 - len(networks))]
    networks[index][key] = value
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items))
    with pytest.raises(InputError) as info:
        load_node_records(path)
    assert str(info.value) == (
        f"{path}: node[21] (Name {item['Name']!r}, ID {item['ID']!r}): "
        f"NodeResources.{field}[{index}].{key}: {expected}"
    )


def test_generated_fleet_gives_the_same_table():
    models = _small_nodes(300)
    records = decode_records(json.dumps([node_to_api(n) for n in models]).encode())
    assert records is not None
    same_table(records, validated([node_to_api(n) for n in models]))


def test_real_node_samples(real):
    files = sorted((real / "nodes").glob("*.json"))
    files += sorted((real / "api").glob("v1-node-ID*.json"))
    fast = 0
    for path in files:
        expected = _outcome(load_nodes_validated, path)
        actual = _outcome(load_node_records, path)
        if isinstance(expected, str):
            assert actual == expected
            continue
        assert all(map(reads_as, actual.nodes, expected.nodes))
        records = decode_records(path.read_bytes())
        if records is not None:
            fast += 1
            same_table(records, expected.nodes)
    assert fast >= 3  # the Nomad >= 0.9 full-node samples take the bulk path


def _small_nodes(count: int) -> list[Node]:
    from sim.synth import generate_nodes

    return generate_nodes(count, seed=7)
