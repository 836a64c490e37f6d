"""Node JSON in bulk: decoded and type-checked in C (msgspec), built into pydantic Nodes
without running a Python validator per node.

``Node.model_validate`` stays the definition of a node. The msgspec structs here are derived
from the pydantic models field by field (the same JSON keys, the same types, ``null`` meaning
unset), so the two cannot drift apart silently: a model validator or field annotation this
module does not know makes deriving them (on first use) fail. Whatever the structs do not
take exactly as the models would (a snake_case or alternative key, a number in a string, a
scalar device attribute, a pre-0.9 node, a stub, a job) makes ``decode_nodes`` return
``None``, and the caller reads the file through ``Node.model_validate``, which then decides
and words the error.

Equal sub-objects (a fleet's CPU and memory, a healthy docker driver, a host NIC without its
address) are built once and shared between nodes, as ``sim.synth`` shares them: treat loaded
nodes as read-only, or ``model_copy(deep=True)`` one before mutating nested fields.
"""

from __future__ import annotations

import functools
import threading
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import partial
from typing import Any, Union

import msgspec
from pydantic import AliasChoices, BaseModel

from models import Node
from models.base import NomadModel

from ..core.gcpause import gc_paused

# Validators the wire structs reproduce: nulls are dropped (every model), a string map takes
# strings as they are, a numeric port string is refused (the structs ask for an int), and a
# scalar device attribute is refused (the structs ask for an object). Node's canonicalization
# is reproduced in `_node`.
_KNOWN_MODEL_VALIDATORS = {"_nulls_mean_unset", "_canonicalize", "_from_scalar"}
_KNOWN_FIELD_VALIDATORS = {"_coerce"}
_KNOWN_BEFORE_VALIDATORS = {"_string_map"}


class _Refused:
    """The type of a key the fast path leaves to pydantic (another spelling, a job's key)."""


def _refuse(_type: type, _value: object) -> object:
    raise ValueError("left to the pydantic path")


_REFUSED = _Refused | msgspec.UnsetType
_CACHE_BOUND = 4096
_NULL = object()  # a raw JSON field that held null: unset, like an absent key


# Keys that make a file something other than full node JSON (sim.io.detect decides then).
_NOT_NODE_KEYS = ("TaskGroups", "JobSummary", "ParentID", "Job", "job")


def _accepted_names(name: str, info: Any) -> list[str]:
    """The JSON keys pydantic accepts for a field, the canonical (PascalCase) one first."""
    if isinstance(info.validation_alias, AliasChoices):
        names = [str(choice) for choice in info.validation_alias.choices]
    else:
        names = [info.validation_alias or info.alias or name]
    return [*names, name] if name not in names else names


def _check_validators(model: type[BaseModel]) -> None:
    decorators = model.__pydantic_decorators__
    unknown = (set(decorators.model_validators) - _KNOWN_MODEL_VALIDATORS) | (
        set(decorators.field_validators) - _KNOWN_FIELD_VALIDATORS
    )
    for info in model.model_fields.values():
        for meta in info.metadata:
            func = getattr(meta, "func", None)
            if func is None or func.__name__ not in _KNOWN_BEFORE_VALIDATORS:
                unknown.add(repr(meta))
    if unknown:
        raise TypeError(f"{model.__name__}: no fast-path rule for {sorted(unknown)}")


Convert = Callable[[Any], Any]
# Every intern cache, emptied before and after each file: sharing stays within one file.
_CACHES: list[dict[Any, Any]] = []
_CACHES_IN_USE = threading.Lock()


def _new_cache() -> dict[Any, Any]:
    cache: dict[Any, Any] = {}
    _CACHES.append(cache)
    return cache


@dataclass(eq=False)
class _Plan:
    """How one pydantic model is read: its wire struct and, per field, converter and default;
    ``key`` turns a wire struct into a hashable stand-in (itself when it holds no raw JSON)."""

    model: type[BaseModel]
    struct: type[msgspec.Struct] = msgspec.Struct
    fields: list[tuple[str, Convert | None, Any, Callable[[], Any] | None]] = dc_field(
        default_factory=list
    )
    key: Callable[[Any], Any] | None = None
    build: Convert = lambda wire: None


class _Planner:
    """Wire struct types and converters for the node models, derived from their fields.

    Every model but Node is interned: built once per distinct wire value. Their dict-typed
    fields are kept as raw JSON and decoded on the first build, and lists arrive as tuples,
    so that most wire structs hash in C.
    """

    def __init__(self) -> None:
        self.plans: dict[type[BaseModel], _Plan] = {}

    def plan(self, model: type[BaseModel], interned: bool = True) -> _Plan:
        if model in self.plans:
            return self.plans[model]
        _check_validators(model)
        plan = self.plans[model] = _Plan(model)
        fields: list[tuple[str, Any, Any]] = []
        refused: list[tuple[str, Any, Any]] = []  # after the model's own fields
        key_parts: list[Callable[[Any], Any] | None] = []
        for name, info in model.model_fields.items():
            canonical, *others = _accepted_names(name, info)
            wire, convert, key_part = self._field(info.annotation, interned)
            fields.append((name, wire, msgspec.field(name=canonical, default=None)))
            key_parts.append(key_part)
            factory: Any = info.default_factory  # node models' factories take no argument
            plan.fields.append((name, convert, None if factory else info.default, factory))
            refused += [
                (f"other_{name}_{i}", _REFUSED, msgspec.field(name=other, default=msgspec.UNSET))
                for i, other in enumerate(others)
            ]
        if model is Node:
            refused += [
                (f"not_node_{i}", _REFUSED, msgspec.field(name=key, default=msgspec.UNSET))
                for i, key in enumerate(_NOT_NODE_KEYS)
            ]
        plan.struct = msgspec.defstruct(
            f"{model.__name__}Wire", fields + refused, frozen=interned, kw_only=True
        )
        if any(key_parts):
            plan.key = _struct_key(list(model.model_fields), key_parts)
        plan.build = _build_function(plan, interned)
        return plan

    def _field(
        self, annotation: Any, interned: bool
    ) -> tuple[Any, Convert | None, Callable[[Any], Any] | None]:
        """Wire type, converter and key part of one field (``null`` always means unset)."""
        wire, convert, key_part = self._type(annotation)
        if not (interned and typing.get_origin(annotation) is dict):
            return wire | None, convert, key_part
        decode = msgspec.json.Decoder(wire | None, dec_hook=_refuse).decode

        def from_raw(raw: msgspec.Raw) -> Any:
            value = decode(raw)
            if value is None:
                return _NULL
            return convert(value) if convert else value

        return msgspec.Raw, from_raw, bytes

    def _type(self, annotation: Any) -> tuple[Any, Convert | None, Callable[[Any], Any] | None]:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, NomadModel):
            plan = self.plan(annotation)
            return plan.struct, plan.build, plan.key
        if annotation in (str, int, float, bool) or annotation is Any:
            return annotation, None, None
        if origin in (Union, types.UnionType):
            parts = [a for a in args if a is not type(None)]
            if len(parts) != 1:
                raise TypeError(f"no fast-path rule for {annotation}")
            return self._type(parts[0])
        if origin is list:
            item, convert, key_part = self._type(args[0])
            list_key = None if key_part is None else partial(_map_tuple, key_part)
            items = types.GenericAlias(tuple, (item, ...))  # tuple[item, ...], built at run time
            if convert is None:
                return items, list, list_key
            return items, _list_builder(convert, list_key), list_key
        if origin is dict and args[0] is str:
            nullable = type(None) in typing.get_args(args[1])
            value, convert, _ = self._type(args[1])
            value = value | None if nullable else value
            mapping = types.GenericAlias(dict, (str, value))
            return mapping, convert and partial(_build_dict, convert), None
        raise TypeError(f"no fast-path rule for {annotation}")


def _struct_key(names: list[str], parts: list[Callable[[Any], Any] | None]) -> Callable[[Any], Any]:
    """The hashable stand-in of a wire struct holding raw JSON, as straight-line code."""
    env: dict[str, Any] = {}
    items = []
    for i, (name, part) in enumerate(zip(names, parts)):
        env[f"part{i}"] = part
        value = f"wire.{name}"
        items.append(value if part is None else f"None if {value} is None else part{i}({value})")
    exec(f"def key(wire):\n    return ({', '.join(items)},)", env)  # built from field names
    return env["key"]


def _map_tuple(key_part: Callable[[Any], Any], items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(map(key_part, items))


def _list_builder(convert: Convert, key: Callable[[Any], Any] | None) -> Convert:
    """Lists of built models; equal lists are shared, as the models in them are."""
    cache = _new_cache()

    def build_list(items: tuple[Any, ...]) -> list[Any]:
        k = items if key is None else key(items)
        built = cache.get(k)
        if built is None:
            built = _remember(cache, k, [convert(item) for item in items])
        return built

    return build_list


def _build_dict(convert: Convert, items: dict[str, Any]) -> dict[str, Any]:
    return {k: None if v is None else convert(v) for k, v in items.items()}


def _build_function(plan: _Plan, interned: bool) -> Convert:
    """From wire struct to model instance, written out per model.

    Set fields are converted, unset ones (absent or ``null``) take the model's default; the
    instance is then made as ``model_construct`` makes it (``__dict__``, fields set, no
    extras, no private attributes), without its per-field loop: the values are validated and
    complete. Interned models are looked up first and remembered. The function is generated,
    as ``dataclasses`` generates ``__init__``: a loop over the fields costs several times more
    per node than straight-line code. Fields-set objects are shared per distinct set (a set
    costs ~0.5 KB, several per node), like the sub-objects: loaded nodes are read-only.
    """
    names = [name for name, *_ in plan.fields]
    env: dict[str, Any] = {
        "NULL": _NULL,
        "model": plan.model,
        "new": plan.model.__new__,
        "setattr_": object.__setattr__,
        "key": plan.key,
        "cache": _new_cache(),
        "field_sets": _new_cache(),
        "names": names,
        "BOUND": _CACHE_BOUND,
    }
    lines = ["def build(wire):"]
    if interned:
        lines.append("    k = wire" if plan.key is None else "    k = key(wire)")
        lines += ["    built = cache.get(k)", "    if built is not None: return built"]
    lines.append("    mask = 0")
    for i, (name, convert, default, factory) in enumerate(plan.fields):
        env[f"convert{i}"], env[f"default{i}"], env[f"factory{i}"] = convert, default, factory
        lines.append(f"    v{i} = wire.{name}")
        if convert is not None:
            lines.append(f"    if v{i} is not None: v{i} = convert{i}(v{i})")
        unset = f"v{i} is None or v{i} is NULL" if convert is not None else f"v{i} is None"
        lines.append(f"    if {unset}: v{i} = " + (f"factory{i}()" if factory else f"default{i}"))
        lines.append(f"    else: mask |= {1 << i}")
    pairs = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(names))
    lines += [
        "    fields_set = field_sets.get(mask)",
        "    if fields_set is None:",
        "        fields_set = field_sets[mask] = {n for i, n in enumerate(names) if mask >> i & 1}",
        "    obj = new(model)",
        f"    setattr_(obj, '__dict__', {{{pairs}}})",
        "    setattr_(obj, '__pydantic_fields_set__', fields_set)",
        "    setattr_(obj, '__pydantic_extra__', None)",
        "    setattr_(obj, '__pydantic_private__', None)",
    ]
    if interned:  # ``_remember``, written out: it runs for every sub-object of every node
        lines += ["    if len(cache) >= BOUND: cache.clear()", "    cache[k] = obj"]
    lines.append("    return obj")
    exec("\n".join(lines), env)  # the source is built from field names only
    return env["build"]


def _remember(cache: dict, key: Any, built: Any) -> Any:
    """Cache ``built``; a cache past its bound is emptied, so values unique to each node (a
    NIC with the node's address) do not pile up while repeated ones come straight back."""
    if len(cache) >= _CACHE_BOUND:
        cache.clear()
    cache[key] = built
    return built


@functools.cache
def _node_reader() -> tuple[Convert, msgspec.json.Decoder]:
    """The Node plan's build function and the decoder of its wire struct, made on first use:
    deriving them takes milliseconds that runs reading no node JSON need not pay."""
    plan = _Planner().plan(Node, interned=False)
    return plan.build, msgspec.json.Decoder(plan.struct, dec_hook=_refuse)


_SPLITTER = msgspec.json.Decoder(list[msgspec.Raw])
_RELEASE_EVERY = 1 << 25


def decode_nodes(
    data: bytes | memoryview, release: Callable[[int], None] | None = None
) -> list[Node] | None:
    """Full nodes from node JSON, or ``None`` when it is not plainly full nodes in Nomad's
    API shape (then ``Node.model_validate`` must read it, and word any error).

    An array is split into raw nodes first and decoded node by node, so the wire structs of
    only one node exist at a time; ``release(n)`` is told, every 32 MB, that fewer than the
    first ``n`` bytes of ``data`` are needed again (a memory map hands those pages back).
    """
    head = bytes(data[:64]).lstrip()
    try:
        raws = _SPLITTER.decode(data) if head.startswith(b"[") else [data]
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    with _CACHES_IN_USE, gc_paused():
        try:
            nodes = _build_nodes(raws, release)
        finally:
            for cache in _CACHES:
                cache.clear()
    if nodes is None:
        return None
    if len({n.id for n in nodes}) != len(nodes):
        return None  # a repeated ID: the pydantic path names both nodes
    return nodes


def _build_nodes(raws: list[Any], release: Callable[[int], None] | None) -> list[Node] | None:
    build, decoder = _node_reader()
    nodes = []
    consumed = released = 0
    for i, raw in enumerate(raws):
        raws[i] = None
        try:  # raw parts are decoded while building, so their errors arrive here too
            wire = decoder.decode(raw)
            if not _plainly_full_node(wire):
                return None
            nodes.append(_node(build(wire)))
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            return None
        consumed += len(raw)
        if release is not None and consumed - released > _RELEASE_EVERY:
            release(released := consumed)
    return nodes


def _plainly_full_node(wire: Any) -> bool:
    """A full node for ``sim.io.detect`` (not a stub), with no pre-0.9 resources to convert."""
    resources = wire.node_resources
    return (
        wire.id is not None
        and resources is not None
        and any(v is not None for v in msgspec.structs.astuple(resources))
        and len(wire.attributes or ()) > 1
    )


def _node(node: Node) -> Node:
    if node.node_pool == "":  # Node.Canonicalize: no pool means "default"
        node.__dict__["node_pool"] = "default"
    return node
