"""Node JSON decoded straight into read-only node records, with no Python object per field.

A record answers every attribute of the pydantic model it mirrors (``node.attributes``,
``node.node_resources.cpu.cpu_shares``, ``node.ready()``, a device attribute's ``value``) with
the value the model would hold, so the engine reads records and models alike. The record
types are derived from the models field by field (as ``sim.io.node_decode``'s wire structs
are, under the same rules): msgspec decodes and type-checks them in C and skips every key no
model field names, a slice of the node array (about 2 MB) per call. Attributes and Meta are
kept as raw JSON by the decoder and split (``sim.io.node_maps``) into one dict per distinct
group of nodes, shared, plus each node's ``unique.*`` members: the one step in Python per
node, and what lets the node table compute classes per shared dict rather than per node.
Building the pydantic object tree costs several times more, and at 100,000 nodes would be
most of a ``check``.

``null`` means unset, as in the models: each field is stored as decoded (``None`` when absent
or null) and read through a property that gives the model's default instead, filled in on
first read. Whatever the records do not take exactly as the models would (another spelling,
a number in a string, a pre-0.9 node, a stub, a job, a repeated ID) makes ``decode_records``
return ``None``; the caller then reads the file through the pydantic path, which decides and
words any error. ``sim.load_nodes`` keeps returning pydantic Nodes (``as_model`` turns a
record into one); the CLI reads records.

Records are read-only like loaded nodes, with one exception the what-if edits need:
``model_copy(update=...)`` gives a changed copy, as the model's does. Records holding only
scalars, lists of scalars and such records (CPU, memory, disk, reserved resources) are
frozen, their lists kept as tuples and read as lists: equal ones hash alike, so capacity is
grouped by them in one pass over the nodes.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
import types
import typing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any, NamedTuple, Union

import msgspec
from pydantic import BaseModel

from models import Node
from models.base import NomadModel
from models.node import NodeResources

from ..core.gcpause import gc_paused
from .node_decode import (
    _NOT_NODE_KEYS,
    _REFUSED,
    _accepted_names,
    _check_validators,
    _refuse,
)
from .node_maps import MapSplitter, SplitMap, decode_map

# Fields whose absence declines a file (a stub, a pre-0.9 node): ``None`` when absent.
_REQUIRED = {(Node, "id"), (Node, "node_resources")}
# Maps kept as raw JSON, then split into class-shared and ``unique.*`` parts (``node_maps``).
_SPLIT = {(Node, "attributes"), (Node, "meta")}
# Lists kept as their raw JSON, type-checked on load and decoded on first read: only a group
# that asks for a network reads them, and as objects they are a third of a node's memory.
_KEPT = {(NodeResources, "networks"), (NodeResources, "node_networks")}
_NO_MAP: dict[str, str] = {}


def _lazy_default(raw: str, factory: Callable[[], Any]) -> property:
    """A list or map field: the decoded value, or (absent or ``null``) a fresh default,
    stored on first read so that repeated reads give the same object."""

    def read(self: Any) -> Any:
        value = getattr(self, raw)
        if value is None:
            value = factory()
            setattr(self, raw, value)
        return value

    return property(read)


def _kept_default(raw: str, decode: Callable[[bytes], Any]) -> property:
    """A kept list field: decoded from its JSON on first read (it was type-checked on load,
    so this cannot fail), ``[]`` when absent or ``null``."""

    def read(self: Any) -> Any:
        value = getattr(self, raw)
        if value is None or type(value) is bytes:
            value = [] if value is None else decode(value) or []
            setattr(self, raw, value)
        return value

    return property(read)


def _split_default(raw: str) -> property:
    """A split map field: the whole map (decoded on first read), ``{}`` when absent or null,
    or the dict a ``model_copy`` put there."""

    def read(self: Any) -> Any:
        value = getattr(self, raw)
        if type(value) is SplitMap:
            return value.whole()
        if value is None or isinstance(value, msgspec.Raw):
            value = {} if value is None else decode_map(value)
            setattr(self, raw, value)
        return value

    return property(read)


def _maps_of(nodes: list[Any], name: str) -> tuple[list[dict[str, str]], Sequence[dict[str, str]]]:
    """Per record, the map's class-shared part and its ``unique.*`` part (``sim.io.node_maps``);
    a map with no unique key, or one a ``model_copy`` put there, serves as both. The unique
    parts are gathered on first use: computed classes read only the shared ones."""
    stored = list(map(attrgetter(f"_{name}"), nodes))
    kinds = set(map(type, stored))
    if kinds == {SplitMap}:  # the usual Attributes: read in C-level passes
        return list(map(_SHARED, stored)), _Gathered(lambda: list(map(_UNIQUE, stored)))
    if type(None) in kinds:
        stored = [_NO_MAP if v is None else v for v in stored]
    if SplitMap not in kinds:  # the usual Meta
        return stored, stored
    shared = [v.shared if type(v) is SplitMap else v for v in stored]
    return shared, _Gathered(lambda: [v.unique if type(v) is SplitMap else v for v in stored])


_SHARED, _UNIQUE = attrgetter("shared"), attrgetter("unique")


class _Gathered(Sequence[dict[str, str]]):
    """A list built on first use."""

    def __init__(self, build: Callable[[], list[dict[str, str]]]):
        self._build = build
        self._items: list[dict[str, str]] | None = None

    def _list(self) -> list[dict[str, str]]:
        if self._items is None:
            self._items = self._build()
        return self._items

    def __getitem__(self, index: Any) -> Any:
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[dict[str, str]]:
        return iter(self._list())


def _tuple_as_list(raw: str) -> property:
    """A list field of a hashable record, stored as a tuple: a list of its items (``[]`` when
    absent or ``null``), made on each read; the engine reads these once per distinct record."""

    def read(self: Any) -> list[Any]:
        value = getattr(self, raw)
        return [] if value is None else list(value)

    return property(read)


def _hashable(model: type[BaseModel]) -> bool:
    """Whether the model holds only scalars, lists of scalars and such models: its record is
    then frozen, so equal records (a fleet's CPU, memory, reserved resources) hash alike."""
    if model is Node:
        return False  # edited by ``model_copy(update=...)`` and on load
    for info in model.model_fields.values():
        origin = typing.get_origin(info.annotation)
        args = [a for a in typing.get_args(info.annotation) if a is not type(None)]
        wrapped = origin is list or (origin in (Union, types.UnionType) and len(args) == 1)
        inner = args[0] if wrapped else info.annotation
        if isinstance(inner, type) and issubclass(inner, NomadModel):
            if origin is list or not _hashable(inner):
                return False
        elif inner not in (str, int, float, bool):
            return False
    return True


def _model_copy(self: Any, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
    """``BaseModel.model_copy``: a (deep) copy with the ``update`` fields replaced, unvalidated."""
    out = copy.deepcopy(self) if deep else copy.copy(self)
    for name, value in (update or {}).items():
        setattr(out, self.__stored_as__.get(name, name), value)
    return out


def _model_methods(model: type[BaseModel]) -> dict[str, Any]:
    """The model's own public methods and properties (``Node.ready``, ``DeviceAttribute.value``):
    they read fields by name, so they read a record as well."""
    return {
        name: member
        for name, member in vars(model).items()
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    }


class _RecordPlanner:
    """Record struct types for the node models, derived from their fields.

    How a field is stored follows what Nomad's JSON (Go's encoding) can hold in it:
    - a string, number or bool is never ``null``: a plain attribute, the model's default when
      absent; a ``null`` there declines the file (the pydantic path reads it);
    - an optional field (default ``None``): a plain attribute, ``None`` when absent or null;
    - a nested object (a Go struct value): a plain attribute, a default record when absent;
    - a list or map is ``null`` whenever Go's slice or map is nil: stored as decoded under
      ``_name`` and read through a property that gives an empty one instead.
    Reads of the first three cost what a model's do; the engine's per-node loops read mostly
    those.
    """

    def __init__(self) -> None:
        self.records: dict[type[BaseModel], type[msgspec.Struct]] = {}
        self.models: dict[type[msgspec.Struct], type[BaseModel]] = {}
        # NodeResources' kept fields: stored name, and the check of a JSON array of them
        self.kept: list[tuple[str, Callable[[bytes], Any]]] = []

    def record(self, model: type[BaseModel]) -> type[msgspec.Struct]:
        if model in self.records:
            return self.records[model]
        _check_validators(model)
        fields: list[tuple[str, Any, Any]] = []
        refused: list[tuple[str, Any, Any]] = []
        stored_as: dict[str, str] = {}
        hashable = _hashable(model)
        namespace: dict[str, Any] = {**_model_methods(model), "model_copy": _model_copy}
        for name, info in model.model_fields.items():
            canonical, *others = _accepted_names(name, info)
            wire = self._type(info.annotation)
            factory: Any = info.default_factory  # node models' factories take no argument
            origin = typing.get_origin(info.annotation)
            if (model, name) in _REQUIRED:
                fields.append((name, wire, msgspec.field(name=canonical, default=None)))
            elif (model, name) in _SPLIT:
                stored_as[name] = f"_{name}"
                namespace[name] = _split_default(stored_as[name])
                field = msgspec.field(name=canonical, default=None)
                fields.append((stored_as[name], msgspec.Raw, field))
            elif (model, name) in _KEPT:
                stored_as[name] = f"_{name}"
                decode = msgspec.json.Decoder(wire | None, dec_hook=_refuse).decode
                namespace[name] = _kept_default(stored_as[name], decode)
                field = msgspec.field(name=canonical, default=None)
                fields.append((stored_as[name], msgspec.Raw, field))
                array = types.GenericAlias(list, (wire | None,))  # list[...], built at run time
                check = msgspec.json.Decoder(array, dec_hook=_refuse).decode
                self.kept.append((stored_as[name], check))
            elif origin is list and hashable:  # a tuple, read as a list
                stored_as[name] = f"_{name}"
                namespace[name] = _tuple_as_list(stored_as[name])
                field = msgspec.field(name=canonical, default=None)
                items = types.GenericAlias(tuple, (typing.get_args(wire)[0], ...))
                fields.append((stored_as[name], items | None, field))
            elif origin in (list, dict):
                stored_as[name] = f"_{name}"
                namespace[name] = _lazy_default(stored_as[name], factory)
                field = msgspec.field(name=canonical, default=None)
                fields.append((stored_as[name], wire | None, field))
            elif factory is not None:  # a nested model
                fields.append((name, wire, msgspec.field(name=canonical, default_factory=wire)))
            else:
                fields.append((name, wire, msgspec.field(name=canonical, default=info.default)))
            refused += [
                (f"other_{name}_{i}", _REFUSED, msgspec.field(name=other, default=msgspec.UNSET))
                for i, other in enumerate(others)
            ]
        if model is Node:
            namespace["maps_of"] = staticmethod(_maps_of)
            refused += [
                (f"not_node_{i}", _REFUSED, msgspec.field(name=key, default=msgspec.UNSET))
                for i, key in enumerate(_NOT_NODE_KEYS)
            ]
        namespace["__stored_as__"] = stored_as
        record = msgspec.defstruct(
            f"{model.__name__}Record",
            fields + refused,
            kw_only=True,
            namespace=namespace,
            gc=False,  # acyclic: the collector need not track (or rescan) a million records
            frozen=hashable,
        )
        self.records[model] = record
        self.models[record] = model
        return record

    def _type(self, annotation: Any) -> Any:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, NomadModel):
            return self.record(annotation)
        if annotation in (str, int, float, bool) or annotation is Any:
            return annotation
        if origin in (Union, types.UnionType):
            parts = [a for a in args if a is not type(None)]
            if len(parts) != 1:
                raise TypeError(f"no fast-path rule for {annotation}")
            return self._type(parts[0]) | None
        if origin is list:
            return types.GenericAlias(list, (self._type(args[0]),))
        if origin is dict and args[0] is str:
            return types.GenericAlias(dict, (str, self._type(args[1])))
        raise TypeError(f"no fast-path rule for {annotation}")


class _Reader(NamedTuple):
    planner: _RecordPlanner
    node: msgspec.json.Decoder  # one node record
    nodes: msgspec.json.Decoder  # an array of them
    empty_resources: Any  # NodeResources as a node without them would hold it


@functools.cache
def _reader() -> _Reader:
    """The record types and their decoders, derived on first use: that takes milliseconds
    that runs reading no node JSON need not pay."""
    planner = _RecordPlanner()
    record = planner.record(Node)
    return _Reader(
        planner,
        msgspec.json.Decoder(record, dec_hook=_refuse),
        msgspec.json.Decoder(types.GenericAlias(list, (record,)), dec_hook=_refuse),
        planner.records[NodeResources](),
    )


_SPLITTER = msgspec.json.Decoder(list[msgspec.Raw])
_RELEASE_EVERY = 1 << 25
# Bytes of node JSON per decoder call: small enough that a slice's records are still in the
# CPU's cache when their maps are split and their kept lists checked (at 100,000 nodes, 2 MB
# slices read the file about a tenth faster than 8 MB ones; 1 MB and below, no faster).
_SLICE = 1 << 21
_RECUTS = 8  # cuts tried per slice before the array is split node by node instead
_FIRST_NODE = re.compile(rb'\s*\[\s*(\{)\s*"([^"\\]*)"\s*:')
_UNSLICED = None, False


def decode_records(
    data: bytes | memoryview, release: Callable[[int], None] | None = None
) -> list[Any] | None:
    """Node records from node JSON (one full node or an array of them), or ``None`` when it
    is not plainly full nodes in Nomad's API shape (the pydantic path then reads it).

    An array is decoded in slices of about 2 MB (``_decode_sliced``), or, where it cannot
    be cut, split into raw nodes and decoded node by node. ``release(n)`` is told, as the
    decoding moves on, that fewer than the first ``n`` bytes of ``data`` are needed again (a
    memory map hands those pages back), so the file is never resident whole beside its
    records.
    """
    head = bytes(data[:64]).lstrip()
    splitter = MapSplitter()
    try:
        with gc_paused():
            if not head.startswith(b"["):
                records: list[Any] | None = _finished([_reader().node.decode(data)], splitter)
            else:
                records, sliced = _decode_sliced(data, splitter, release)
                if not sliced:
                    records = _finished(_decode_each(_SPLITTER.decode(data), release), splitter)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    if records is None or not _plainly_full_nodes(records):
        return None
    if "" in map(_POOL, records):
        for record in records:
            if record.node_pool == "":  # Node.Canonicalize: no pool means "default"
                record.node_pool = "default"
    return records


def _decode_sliced(
    data: bytes | memoryview, splitter: MapSplitter, release: Callable[[int], None] | None
) -> tuple[list[Any] | None, bool]:
    """The array decoded slice by slice, and whether it could be cut.

    A slice ends at a ``}`` followed by ``,`` and an object opening with the first node's
    first key: usually a node boundary. A cut inside a node (a device list whose objects
    open with that key) leaves that node unclosed, which the decoder refuses as malformed
    JSON; the next such place is tried then. A value the records' types refuse raises
    ``msgspec.ValidationError`` as the node-by-node path would.
    """
    first = _FIRST_NODE.match(data)
    if first is None:
        return _UNSLICED
    boundary = re.compile(rb'\}\s*,\s*(?=\{\s*"' + re.escape(first.group(2)) + rb'"\s*:)')
    records: list[Any] = []
    decode = _reader().nodes.decode
    start, size = first.start(1), len(data)
    while start < size:
        cut, target = None, start + _SLICE
        for _ in range(_RECUTS):
            cut = boundary.search(data, target) if target < size else None
            end = size if cut is None else cut.start() + 1
            try:
                batch = decode(b"".join((b"[", data[start:end], b"" if cut is None else b"]")))
                break
            except msgspec.DecodeError:
                if cut is None:
                    return _UNSLICED
                target = cut.end()
        else:
            return _UNSLICED
        records += _finished(batch, splitter)
        start = size if cut is None else cut.end()
        if release is not None:
            release(start)
    return records, True


def _decode_each(raws: list[Any], release: Callable[[int], None] | None) -> list[Any]:
    decode = _reader().node.decode
    records = []
    consumed = released = 0
    for i, raw in enumerate(raws):
        raws[i] = None
        records.append(decode(raw))
        consumed += len(raw)
        if release is not None and consumed - released > _RELEASE_EVERY:
            release(released := consumed)
    return records


def _kept(records: list[Any]) -> list[Any]:
    """The kept fields (``_KEPT``) of ``records`` type-checked, one decoder call per field for
    all of them, and each stored as bytes of its own, so that the buffer it was cut from can
    go. Raises what the decoder raises for a value the record type refuses."""
    resources = list(filter(None, map(_RESOURCES, records)))  # None: the file is declined
    for stored, check in _reader().planner.kept:
        raws = list(map(attrgetter(stored), resources))
        present = list(filter(None, raws))
        check(b"".join((b"[", b",".join(present), b"]")))
        copies = iter(map(bytes, present))
        values = [None if raw is None else next(copies) for raw in raws]
        deque(map(setattr, resources, repeat(stored), values), maxlen=0)
    return records


def _finished(records: list[Any], splitter: MapSplitter) -> list[Any]:
    """Freshly decoded records made whole, as every path of ``decode_records`` hands them on:
    their maps split (``node_maps``), their kept lists type-checked and copied (``_kept``)."""
    for record in records:
        record._attributes = splitter.split(record._attributes)
        record._meta = splitter.split(record._meta)
    return _kept(records)


_ID, _POOL = attrgetter("id"), attrgetter("node_pool")
_RESOURCES, _ATTRIBUTES = attrgetter("node_resources"), attrgetter("_attributes")


def _plainly_full_nodes(records: list[Any]) -> bool:
    """Full nodes for ``sim.io.detect`` (not stubs), with no pre-0.9 resources to convert,
    and no ID repeated (the pydantic path names both nodes); checked field by field over all
    records in C-level passes."""
    ids = list(map(_ID, records))
    if None in ids or len(set(ids)) != len(ids):
        return False
    resources = list(map(_RESOURCES, records))
    if None in resources or _reader().empty_resources in resources:
        return False
    attributes = list(map(_ATTRIBUTES, records))
    if None in attributes:
        return False
    # A split map holds at least one unique member, so one with shared members has two.
    sizes = (2 if type(a) is SplitMap and a.shared else len(a) for a in attributes)
    return min(sizes, default=2) > 1


def as_model(record: Any) -> Any:
    """The pydantic model a record stands for, as ``model_validate`` builds it from the JSON."""
    model = _reader().planner.models[type(record)]
    resources = record.node_resources if model is Node else record
    if type(resources) is _reader().planner.records[NodeResources]:
        for _, name in _KEPT:
            getattr(resources, name)  # a kept list's first read decodes it in place
    whole_maps = {f"_{name}": getattr(record, name) for kind, name in _SPLIT if kind is model}
    if whole_maps:  # split maps, put together
        record = msgspec.structs.replace(record, **whole_maps)
    return model.model_validate(msgspec.to_builtins(record))
