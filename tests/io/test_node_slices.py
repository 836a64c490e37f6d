"""Node arrays decoded in slices (``sim.io.node_records._decode_sliced``): wherever the cuts
fall, the records read as the validated models, and a bad node is still named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sim.core.errors import InputError
from sim.io import node_records
from sim.io.loaders import load_node_records
from sim.io.node_json import node_to_api
from sim.io.node_maps import MapSplitter
from sim.synth import generate_nodes

from .test_node_bulk import validated
from .test_node_records import reads_as


def _gpu(name: str) -> dict[str, Any]:
    """A device group whose JSON object, keys sorted, opens with the key a node opens with."""
    return {
        "Vendor": "nvidia",
        "Type": "gpu",
        "Name": name,
        "Instances": [{"ID": f"{name}-0", "Healthy": True}],
        "Attributes": {"memory": {"Int": 16, "Unit": "GiB"}},
    }


def _items(count: int) -> list[dict[str, Any]]:
    items = [node_to_api(n) for n in generate_nodes(count, seed=11)]
    for i, item in enumerate(items):
        if i % 3 == 0:
            item["NodeResources"]["Devices"] = [_gpu("t4"), _gpu("a10"), _gpu("l4")]
        item["Meta"]["étage"] = f"{i % 4}ᵉ"
    return items


@pytest.mark.parametrize("slice_bytes", [1, 700, 6_000, 40_000, 1 << 30])
@pytest.mark.parametrize("indent", [None, 2])
def test_records_read_as_models_wherever_the_cuts_fall(monkeypatch, slice_bytes, indent):
    monkeypatch.setattr(node_records, "_SLICE", slice_bytes)
    items = _items(30)
    data = json.dumps(items, indent=indent, sort_keys=True, ensure_ascii=False).encode()
    records, sliced = node_records._decode_sliced(data, MapSplitter(), None)
    assert sliced and records is not None
    assert all(map(reads_as, records, validated(json.loads(data))))


def test_slices_release_the_bytes_behind_them(monkeypatch):
    monkeypatch.setattr(node_records, "_SLICE", 5_000)
    data = json.dumps(_items(12)).encode()
    released: list[int] = []
    records = node_records.decode_records(data, released.append)
    assert records is not None and len(records) == 12
    assert released == sorted(released) and len(released) > 3 and released[-1] == len(data)


@pytest.mark.parametrize("slice_bytes", [1, 9_000, 1 << 30])
def test_a_bad_node_inside_a_slice_is_named_with_its_field(tmp_path, monkeypatch, slice_bytes):
    monkeypatch.setattr(node_records, "_SLICE", slice_bytes)
    items = _items(25)
    items[17]["NodeResources"]["Cpu"]["CpuShares"] = "many"
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items, sort_keys=True))
    with pytest.raises(InputError) as info:
        load_node_records(path)
    assert str(info.value) == (
        f"{path}: node[17] (Name {items[17]['Name']!r}, ID {items[17]['ID']!r}): "
        "NodeResources.Cpu.CpuShares: expected an integer, got 'many'"
    )


def test_an_empty_array_and_a_single_node():
    assert node_records.decode_records(b" [ ] ") == []
    (item,) = _items(1)
    (record,) = node_records.decode_records(json.dumps(item).encode()) or []
    assert reads_as(record, validated([item])[0])


def test_malformed_json_past_the_first_slice_declines(monkeypatch):
    monkeypatch.setattr(node_records, "_SLICE", 3_000)
    data = json.dumps(_items(10)).encode()
    assert node_records.decode_records(data[:-40] + b"}]") is None


def test_an_array_that_cannot_be_cut_is_read_node_by_node(monkeypatch):
    monkeypatch.setattr(node_records, "_RECUTS", 0)  # no cut is tried: the slicing gives up
    items = _items(20)
    data = json.dumps(items, sort_keys=True, ensure_ascii=False).encode()
    assert node_records._decode_sliced(data, MapSplitter(), None) == (None, False)
    records = node_records.decode_records(data)
    assert records is not None
    assert all(map(reads_as, records, validated(json.loads(data))))
