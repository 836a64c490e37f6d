"""Node JSON: one full node (``nomad node status -json <id>``, GET /v1/node/:id) or many.

List stubs (``nomad node status -json`` with no ID, GET /v1/nodes) are accepted with a
warning: they lack Attributes, Meta and NodeResources, so most checks cannot be evaluated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from pydantic import ValidationError

from models import DeviceAttribute, Node

from ..core.errors import InputError
from .detect import NODE_CAPTURE_RECIPE
from .node_decode import decode_nodes
from .node_records import decode_records
from .pydantic_errors import input_error


@dataclass
class NodeLoad:
    """Nodes read from a file, plus what the caller should tell the user about them."""

    nodes: list[Node]
    warnings: list[str] = field(default_factory=list)


def stub_warning(source: str | Path, count: int) -> str:
    return (
        f"{source}: {count} node(s) are list stubs (`nomad node status -json` without an ID, "
        "or GET /v1/nodes): they carry no Attributes (at most os.name), no Meta and no "
        "NodeResources, so ${attr.*} and ${meta.*} constraints cannot be evaluated and "
        f"resources cannot be checked. Capture full nodes with: {NODE_CAPTURE_RECIPE}"
    )


def nodes_from_api(items: list[Any], source: str | Path, *, stubs: bool = False) -> NodeLoad:
    many = len(items) > 1
    nodes = []
    for i, item in enumerate(items):
        try:
            nodes.append(Node.model_validate(item))
        except ValidationError as exc:
            raise _node_error(exc, source, item, i if many else None) from None
    seen: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.id in seen:
            raise InputError(f"node[{i}].ID {node.id!r} repeats node[{seen[node.id]}]", source)
        seen[node.id] = i
    return NodeLoad(nodes, [stub_warning(source, len(nodes))] if stubs else [])


def nodes_from_document(
    text: str, member: str, items: list[Any], source: str | Path, *, records: bool = False
) -> NodeLoad:
    """The nodes of ``member`` of a JSON object document (a snapshot's ``Nodes``), whose
    parsed form is ``items``: the bulk path on the member's raw JSON when it takes them
    (node records with ``records``, else pydantic Nodes), else ``nodes_from_api`` on
    ``items``, which decides and words any error."""
    try:
        document: Any = msgspec.json.decode(text, type=_member_struct(member))
        raw = document.value
    except (msgspec.DecodeError, msgspec.ValidationError):
        raw = None
    decode = decode_records if records else decode_nodes
    nodes = decode(memoryview(raw)) if raw is not None else None
    return NodeLoad(nodes) if nodes is not None else nodes_from_api(items, source)


@functools.cache
def _member_struct(member: str) -> type[msgspec.Struct]:
    """A struct that keeps one member of a JSON object as raw JSON and skips the rest."""
    field = msgspec.field(name=member, default=None)
    return msgspec.defstruct("Member", [("value", msgspec.Raw, field)])


def _node_error(
    exc: ValidationError, source: str | Path, item: Any, index: int | None
) -> InputError:
    """One line naming the node (index, Name, ID), the field and what was expected."""
    where = "node" if index is None else f"node[{index}]"
    named = [
        f"{key} {item[key]!r}"
        for key in ("Name", "ID")
        if isinstance(item, dict) and isinstance(item.get(key), str) and item[key]
    ]
    if named:
        where += f" ({', '.join(named)})"
    return InputError(f"{where}: {input_error(exc, source).message}", source)


def node_to_api(node: Node) -> dict[str, Any]:
    """The node in Nomad's API shape (``GET /v1/node/:id`` keys), the inverse of the loader.

    Device attributes are written as Nomad's ``structs.Attribute`` JSON does: only the
    set one of ``Int``/``Float``/``String``/``Bool``, and ``Unit`` when not empty.
    """
    data = node.model_dump(by_alias=True)
    for device, source in zip(
        data["NodeResources"]["Devices"], node.node_resources.devices, strict=True
    ):
        device["Attributes"] = {
            name: _device_attribute(attr) for name, attr in source.attributes.items()
        }
    return data


def _device_attribute(attr: DeviceAttribute) -> dict[str, Any]:
    out: dict[str, Any] = {
        key: value
        for key, value in (
            ("Int", attr.int_value),
            ("Float", attr.float_value),
            ("String", attr.string_value),
            ("Bool", attr.bool_value),
        )
        if value is not None
    }
    if attr.unit:
        out["Unit"] = attr.unit
    return out
