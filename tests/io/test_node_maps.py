"""Attributes and Meta split into class-shared and ``unique.*`` parts (``sim.io.node_maps``)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.errors import InputError
from sim.io.loaders import load_node_records
from sim.io.node_json import node_to_api
from sim.io.node_maps import MapSplitter, SplitMap
from sim.synth import generate_nodes


def parts(split: Any) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Whole, shared and unique part of what ``split`` gives (a map with no unique key is
    its group's dict)."""
    if isinstance(split, SplitMap):
        return split.whole(), split.shared, split.unique
    return split, split, {}


KEYS = st.sampled_from(["kernel.name", "os.name", "unique.hostname", "unique.ip", "é.ü", "a"])
VALUES = st.text(max_size=6)  # quotes, backslashes and any unicode, escaped by the encoder


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(KEYS, VALUES), max_size=8), st.sampled_from([None, 0, 2]))
def test_split_reads_as_the_whole_map(members, indent):
    text = "{" + ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in members) + "}"
    if indent is not None:
        text = json.dumps(json.loads(text), indent=indent)
    whole = json.loads(text)
    split = MapSplitter().split(msgspec.Raw(text.encode()))
    size = len(split)  # before any part is read: the unique members may still be raw
    got, shared, unique = parts(split)
    assert got == whole and list(got) == list(whole) and len(split) == size == len(whole)
    assert shared == {k: v for k, v in whole.items() if not k.startswith("unique.")}
    assert unique == {k: v for k, v in whole.items() if k.startswith("unique.")}


def test_nodes_whose_other_members_match_share_one_dict():
    splitter = MapSplitter()
    first = splitter.split(msgspec.Raw(b'{"a":"1","unique.h":"x","b":"2"}'))
    second = splitter.split(msgspec.Raw(b'{"unique.h":"y", "unique.i":"z", "a":"1","b":"2"}'))
    plain = splitter.split(msgspec.Raw(b'{"a":"1","b":"2"}'))
    again = splitter.split(msgspec.Raw(b'{"a":"1","b":"2"}'))
    other = splitter.split(msgspec.Raw(b'{"a":"1","unique.h":"x","b":"3"}'))
    assert isinstance(first, SplitMap) and isinstance(second, SplitMap)
    assert first.shared is second.shared is plain is again
    assert parts(other)[1:] == ({"a": "1", "b": "3"}, {"unique.h": "x"})
    assert second.unique == {"unique.h": "y", "unique.i": "z"}
    assert list(second.whole()) == ["unique.h", "unique.i", "a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        b'{"a":"1","unique.h":"x","b":"2","unique.i":"y"}',  # interleaved
        b'{"a":"unique.x","unique.h":"x"}',  # a value that looks like a key
        b'{"a":"1","unique.h":"x\\"y"}',  # an escape inside the run
        b'{"a":"1","\\u0075nique.h":"x"}',  # an escaped key spelling unique.
    ],
)
def test_maps_that_are_not_one_plain_run_split_the_slow_way(text):
    whole = json.loads(text)
    got, shared, unique = parts(MapSplitter().split(msgspec.Raw(text)))
    assert got == whole and {**shared, **unique} == whole
    assert all(k.startswith("unique.") for k in unique)


def test_null_and_empty_maps():
    splitter = MapSplitter()
    assert splitter.split(msgspec.Raw(b"null")) is None and splitter.split(None) is None
    assert parts(splitter.split(msgspec.Raw(b"{}"))) == ({}, {}, {})


@pytest.mark.parametrize("key", ["unique.hostname", "kernel.name"])
def test_a_bad_map_value_in_the_middle_names_node_and_field(tmp_path, key):
    items = [node_to_api(n) for n in generate_nodes(60, seed=3)]
    items[31]["Attributes"][key] = [7]  # refused (a number would be taken as its text)
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items))
    with pytest.raises(InputError) as info:
        load_node_records(path)
    message = str(info.value)
    assert message.startswith(f"{path}: node[31] (Name {items[31]['Name']!r}, ID ")
    assert ": Attributes: expected a string, got list" in message


def test_unicode_keys_and_values_read_back(tmp_path):
    items = [node_to_api(n) for n in generate_nodes(3, seed=3)]
    items[1]["Attributes"]["unique.hostname"] = "nœud-ü"
    items[1]["Meta"]["étage"] = "3ᵉ"
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    nodes = load_node_records(path).nodes
    assert nodes[1].attributes["unique.hostname"] == "nœud-ü"
    assert nodes[1].meta["étage"] == "3ᵉ"
    assert type(nodes[1]).maps_of(nodes, "attributes")[1][1]["unique.hostname"] == "nœud-ü"
