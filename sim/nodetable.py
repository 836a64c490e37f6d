"""N nodes as numpy columns with interned values, so each check runs once per distinct value.

A target column (``${attr.kernel.name}``, ``${node.class}``, a literal ...) is stored as integer
codes into a short list of distinct ``(value, found)`` slots. An operator is evaluated on the
slots and broadcast through the codes: regexp, version and semver then cost O(distinct
values), not O(nodes). The computed node class is interned the same way, one level up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from models import Node

from .nodeclass import computed_class_key
from .targets import resolve_target

_NODE_FIELDS: dict[str, Callable[[Node], str]] = {
    "${node.unique.id}": lambda n: n.id,
    "${node.datacenter}": lambda n: n.datacenter,
    "${node.unique.name}": lambda n: n.name,
    "${node.class}": lambda n: n.node_class,
    "${node.pool}": lambda n: n.node_pool,
}


@dataclass(frozen=True)
class Column:
    """Distinct slots of one target over all nodes: ``values[codes[i]]`` is node i's value."""

    codes: np.ndarray
    values: tuple[str, ...]
    found: tuple[bool, ...]


def intern(items: Sequence[object]) -> tuple[np.ndarray, list[object]]:
    """Integer codes for hashable items in first-seen order (faster than np.unique on str)."""
    index: dict[object, int] = {}
    codes = np.fromiter(
        (index.setdefault(item, len(index)) for item in items), dtype=np.int32, count=len(items)
    )
    return codes, list(index)


class NodeTable:
    """Columnar view of a node list; columns are built on first use and cached."""

    def __init__(self, nodes: Sequence[Node]):
        self.nodes: list[Node] = list(nodes)
        self.n = len(self.nodes)
        self._columns: dict[str, Column] = {}
        self._masks: dict[object, np.ndarray] = {}

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
        getter = _NODE_FIELDS.get(target)
        if getter is not None:
            pairs: list[object] = [(getter(n), True) for n in self.nodes]
        else:
            key, source = _map_lookup(target)
            if source is None:
                pairs = [resolve_target(target, n) for n in self.nodes]
            else:
                pairs = []
                for node in self.nodes:
                    value = getattr(node, source).get(key)
                    pairs.append(("", False) if value is None else (value, True))
        codes, slots = intern(pairs)
        return Column(
            codes,
            tuple(s[0] for s in slots),  # type: ignore[index]
            tuple(s[1] for s in slots),  # type: ignore[index]
        )

    def cached_mask(self, key: object, build: Callable[[], np.ndarray]) -> np.ndarray:
        """Memoise a per-node boolean column under ``key`` (a constraint, a driver name ...)."""
        mask = self._masks.get(key)
        if mask is None:
            mask = build()
            self._masks[key] = mask
        return mask

    @cached_property
    def ready(self) -> np.ndarray:
        return np.fromiter((n.ready() for n in self.nodes), dtype=bool, count=self.n)

    @cached_property
    def class_codes(self) -> np.ndarray:
        codes, self._class_keys = intern([computed_class_key(n) for n in self.nodes])
        return codes

    @property
    def class_count(self) -> int:
        return int(self.class_codes.max()) + 1 if self.n else 0

    @cached_property
    def class_representatives(self) -> np.ndarray:
        """The first node of each computed class, indexed by class code."""
        _, first = np.unique(self.class_codes, return_index=True)
        return first

    @cached_property
    def node_class_column(self) -> Column:
        return self.column("${node.class}")

    @cached_property
    def name_index(self) -> dict[str, int]:
        return {n.name: i for i, n in enumerate(self.nodes)}


def _map_lookup(target: str) -> tuple[str, str | None]:
    """``${attr.k}`` → ("k", "attributes"); ``${meta.k}`` → ("k", "meta"); else no map."""
    for prefix, source in (("${attr.", "attributes"), ("${meta.", "meta")):
        if target.startswith(prefix):
            key = target[len(prefix) :]
            return (key[:-1] if key.endswith("}") else key), source
    return "", None
