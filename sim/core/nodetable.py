"""N nodes as numpy columns with interned values, so each check runs once per distinct value.

A target column (``${attr.kernel.name}``, ``${node.class}``, a literal ...) is stored as integer
codes into a short list of distinct ``(value, found)`` slots. An operator is evaluated on the
slots and broadcast through the codes: regexp, version and semver then cost O(distinct
values), not O(nodes). The computed node class is interned the same way, one level up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from itertools import compress, repeat
from operator import attrgetter, eq, is_
from typing import Any, TypeVar

import msgspec
import numpy as np

from models import Node

from .nodeclass import UNIQUE_PREFIX, device_class_key
from .targets import resolve_target

_NODE_FIELDS: dict[str, Callable[[Node], str]] = {
    "${node.unique.id}": lambda n: n.id,
    "${node.datacenter}": lambda n: n.datacenter,
    "${node.unique.name}": lambda n: n.name,
    "${node.class}": lambda n: n.node_class,
    "${node.pool}": lambda n: n.node_pool,
}


class Column(msgspec.Struct, frozen=True, dict=True):
    """Distinct slots of one target over all nodes: ``values[codes[i]]`` is node i's value.

    ``dict=True`` gives instances the ``__dict__`` their cached properties are stored in."""

    codes: np.ndarray
    values: tuple[str, ...]
    found: tuple[bool, ...]

    @cached_property
    def value_array(self) -> np.ndarray:
        """The distinct values as a numpy object array, for C-speed equality tests."""
        array = np.empty(len(self.values), dtype=object)
        array[:] = self.values
        return array

    @cached_property
    def found_array(self) -> np.ndarray:
        return np.asarray(self.found, dtype=bool)


T = TypeVar("T")


def intern(items: Iterable[T], size: int | None = None) -> tuple[np.ndarray, list[T]]:
    """Integer codes for hashable items in first-seen order, and the distinct items (faster
    than np.unique on str).

    One dictionary pass in C: each item maps to the position where it first appears, and
    ranking those positions numbers the distinct items in first-seen order, the dictionary's
    own. ``items`` may be an iterator of ``size`` items, so that rows made on the fly (a zip
    of columns, each record's fields read together while it is in the CPU's cache) are never
    held in a list: at 100,000 nodes the computed classes take 87 ms so, 135 ms from a list.
    """
    if size is None:
        size = len(items)  # type: ignore[arg-type]
    first: dict[T, int] = {}
    positions = np.fromiter(map(first.setdefault, items, range(size)), np.int64, size)
    codes = np.unique(positions, return_inverse=True)[1]
    return codes.reshape(-1).astype(np.int32), list(first)


def first_seen_order(codes: np.ndarray) -> np.ndarray:
    """The same partition as ``codes``, renumbered 0, 1, ... in order of first appearance."""
    present, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    rank = np.empty(len(present), dtype=np.int32)
    rank[np.argsort(first, kind="stable")] = np.arange(len(present), dtype=np.int32)
    return rank[inverse.reshape(-1)]


def first_positions(codes: np.ndarray, count: int) -> np.ndarray:
    """Index of the first occurrence of each code ``0..count-1`` in ``codes`` (-1 if absent)."""
    first = np.full(count, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


_HASHED_FIELDS = ("${node.datacenter}", "${node.class}", "${node.pool}")
_CLASS_FIELD_NAMES = ("datacenter", "node_class", "node_pool")
_CLASS_FIELDS = attrgetter(*_CLASS_FIELD_NAMES)


class NodeTable:
    """Columnar view of a node list; columns are built on first use and cached."""

    def __init__(self, nodes: Sequence[Node]):
        self.nodes: list[Node] = list(nodes)
        self.n = len(self.nodes)
        self._columns: dict[str, Column] = {}
        self._masks: dict[object, Any] = {}

    def subset(self, rows: np.ndarray) -> NodeTable:
        """The table of ``rows`` only (the nodes left after losing some), reusing this
        table's computed classes, readiness and attribute maps instead of reading every
        node again.

        Restricting the class partition is exact: a key that only removed nodes had is
        absent on every kept node, so it separates none of them. Codes are renumbered in
        first-appearance order, as a fresh table numbers them.
        """
        rows = np.asarray(rows, dtype=np.int64)
        nodes = self.nodes
        table = NodeTable([nodes[i] for i in rows.tolist()])
        table.__dict__["class_codes"] = first_seen_order(self.class_codes[rows])
        table.__dict__["ready"] = self.ready[rows]
        picked = rows.tolist()
        table.__dict__["driver_maps"] = [self.driver_maps[i] for i in picked]
        for name in ("_attribute_parts", "_meta_parts"):
            parts = (list(part) for part in getattr(self, name))
            table.__dict__[name] = tuple([part[i] for i in picked] for part in parts)
        return table

    def column(self, target: str) -> Column:
        """The interned column for a constraint target, resolved as ``resolveTarget`` does."""
        cached = self._columns.get(target)
        if cached is not None:
            return cached
        if not target.startswith("${"):
            column = Column(np.zeros(self.n, dtype=np.int32), (target,), (True,))
        else:
            column = self._resolved_column(target)
        self._columns[target] = column
        return column

    def _resolved_column(self, target: str) -> Column:
        """Per node, or per computed class when the target is one of the hashed fields.

        Datacenter, class, pool and non-``unique.`` attributes and meta are constant within a
        computed class, so they are resolved on one node per class and broadcast.
        """
        key, source = _map_lookup(target)
        hashed = target in _HASHED_FIELDS or (
            source is not None and not key.startswith(UNIQUE_PREFIX)
        )
        if hashed and self.n:
            class_codes, distinct = intern(self._raw(target, self.class_representatives))
            codes = class_codes[self.class_codes]
        else:
            codes, distinct = intern(self._raw(target, range(self.n)))
        slots = [_slot(raw) for raw in distinct]
        return Column(codes, tuple(v for v, _ in slots), tuple(f for _, f in slots))

    def _raw(self, target: str, rows: Iterable[int]) -> list[object]:
        """The target on the given node rows: a string, None when missing, or (value, found)."""
        nodes = self.nodes
        getter = _NODE_FIELDS.get(target)
        if getter is not None:
            return [getter(nodes[i]) for i in rows]
        key, source = _map_lookup(target)
        if source is None:
            return [resolve_target(target, nodes[i]) for i in rows]
        shared, unique = self._attribute_parts if source == "attributes" else self._meta_parts
        if key.startswith(UNIQUE_PREFIX):
            unique = list(unique)
            return [unique[i].get(key) for i in rows]
        return [shared[i].get(key) for i in rows]

    @cached_property
    def _attribute_parts(self) -> tuple[list[dict[str, str]], Sequence[dict[str, str]]]:
        return _map_parts(self.nodes, "attributes")

    @cached_property
    def _meta_parts(self) -> tuple[list[dict[str, str]], Sequence[dict[str, str]]]:
        return _map_parts(self.nodes, "meta")

    def cached_mask(self, key: object, build: Callable[[], T]) -> T:
        """Memoise a per-node result under ``key`` (a constraint mask, a candidate set ...)."""
        mask = self._masks.get(key)
        if mask is None:
            mask = build()
            self._masks[key] = mask
        return mask

    def node_test(
        self,
        key: object,
        test: Callable[[Node], bool],
        rows: np.ndarray,
        column: Callable[[], np.ndarray],
    ) -> np.ndarray:
        """``test`` on ``rows``, for per-node facts outside the class key (driver health ...).

        A few rows (class representatives) are tested directly; many rows build the whole
        column once with ``column`` (equal to ``test`` on every node), cached under ``key``.
        """
        mask = self._masks.get(key)
        if mask is None:
            if len(rows) * 8 < self.n:
                return np.fromiter((test(self.nodes[r]) for r in rows.tolist()), bool, len(rows))
            mask = self._masks[key] = column()
        return mask[rows]

    def per_object(
        self, objects: Sequence[T], test: Callable[[T], bool]
    ) -> tuple[np.ndarray, np.ndarray, list[T]]:
        """``test`` per node on one object each node holds, run once per distinct object.

        Nodes built from one template or fleet share nested objects (driver info, network
        lists), so a 100,000-node column costs a few hundred tests. Returns the per-node
        results, each node's object code and one object per code.
        """
        codes, distinct = intern(map(id, objects), len(objects))
        first = first_positions(codes, len(distinct)).tolist()
        results = np.fromiter((test(objects[i]) for i in first), bool, len(first))
        return results[codes], codes, [objects[i] for i in first]

    @cached_property
    def driver_maps(self) -> list[dict]:
        return list(map(attrgetter("drivers"), self.nodes))

    @cached_property
    def ready(self) -> np.ndarray:
        """``Node.ready`` of every node, over columns: status ready, no drain strategy, not
        draining, scheduling eligible."""
        nodes, n = self.nodes, self.n
        status = map(eq, map(attrgetter("status"), nodes), repeat("ready"))
        eligible = map(eq, map(attrgetter("scheduling_eligibility"), nodes), repeat("eligible"))
        no_strategy = map(is_, map(attrgetter("drain_strategy"), nodes), repeat(None))
        draining = np.fromiter(map(attrgetter("drain"), nodes), bool, n)
        columns = (np.fromiter(values, bool, n) for values in (status, eligible, no_strategy))
        return np.logical_and.reduce([*columns, ~draining])

    @cached_property
    def class_codes(self) -> np.ndarray:
        """Computed class per node, in first-appearance order.

        The key holds the hashed fields: datacenter, class, pool, the non-``unique.`` part of
        the attributes and of the meta, device identities. Nodes are first grouped by those
        fields with each map part taken by identity (nodes decoded in bulk share one per
        class, see ``sim.io.node_maps``), in one C-level pass; the maps are then compared by
        content once per group, and groups with equal content merged.
        """
        nodes = self.nodes
        attributes, meta = self._attribute_parts[0], self._meta_parts[0]
        devices = _device_keys(nodes)
        fields = (map(attrgetter(name), nodes) for name in _CLASS_FIELD_NAMES)
        codes, rows = intern(zip(*fields, devices, map(id, attributes), map(id, meta)), self.n)
        first = first_positions(codes, len(rows)).tolist()
        keys = [
            (_CLASS_FIELDS(nodes[i]), devices[i], _content(attributes[i]), _content(meta[i]))
            for i in first
        ]
        return first_seen_order(intern(keys)[0][codes])

    @cached_property
    def class_user_class(self) -> np.ndarray:
        """User node class code (into ``node_class_column.values``) of each computed class."""
        return self.node_class_column.codes[self.class_representatives]

    @property
    def class_count(self) -> int:
        return int(self.class_codes.max()) + 1 if self.n else 0

    @cached_property
    def class_representatives(self) -> np.ndarray:
        """The first node of each computed class, indexed by class code."""
        return first_positions(self.class_codes, self.class_count)

    @cached_property
    def node_class_column(self) -> Column:
        return self.column("${node.class}")

    @cached_property
    def name_index(self) -> dict[str, int]:
        return {n.name: i for i, n in enumerate(self.nodes)}


def _map_parts(
    nodes: Sequence[Node], name: str
) -> tuple[list[dict[str, str]], Sequence[dict[str, str]]]:
    """Per node, the map's class-shared and ``unique.*`` parts (``maps_of`` of node records,
    which keep them apart); a model's whole map serves as both."""
    kinds = set(map(type, nodes))
    maps_of = getattr(kinds.pop(), "maps_of", None) if len(kinds) == 1 else None
    if maps_of is not None:
        return maps_of(nodes, name)
    whole = list(map(attrgetter(name), nodes))
    return whole, whole


def _content(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A map's non-``unique.`` keys and values, in a canonical order."""
    return tuple(sorted((k, v) for k, v in values.items() if not k.startswith(UNIQUE_PREFIX)))


def _device_keys(nodes: Sequence[Node]) -> list[tuple[Any, ...]]:
    """``device_class_key`` per node, read only on nodes that have devices (found from the
    field as stored: a node record reads ``devices`` through a property, its stored value is
    empty or ``None`` alike when there are none)."""
    resources = list(map(attrgetter("node_resources"), nodes))
    kinds = set(map(type, resources))
    stored = getattr(kinds.pop(), "__stored_as__", {}) if len(kinds) == 1 else {}
    devices = list(map(attrgetter(stored.get("devices", "devices")), resources))
    keys: list[tuple[Any, ...]] = [()] * len(nodes)
    for i in compress(range(len(nodes)), devices):
        keys[i] = device_class_key(nodes[i])
    return keys


def _slot(raw: object) -> tuple[str, bool]:
    if raw is None:
        return "", False
    if isinstance(raw, str):
        return raw, True
    return raw  # type: ignore[return-value]


def _map_lookup(target: str) -> tuple[str, str | None]:
    """``${attr.k}`` → ("k", "attributes"); ``${meta.k}`` → ("k", "meta"); else no map."""
    for prefix, source in (("${attr.", "attributes"), ("${meta.", "meta")):
        if target.startswith(prefix):
            key = target[len(prefix) :]
            return (key[:-1] if key.endswith("}") else key), source
    return "", None
