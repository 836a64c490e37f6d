"""A node's Attributes and Meta read as two parts: what its computed class shares, and its own
``unique.*`` keys.

``Node.ComputeClass`` (nomad/structs/node_class.go) hashes every attribute and meta key except
those starting ``unique.``; in a fleet the rest repeats from node to node. So the raw JSON of a
map is split: the bytes without the ``unique.*`` members group the nodes (one decoded dict
per distinct group, shared), and only the ``unique.*`` members are decoded per node. Every
byte is still decoded and type-checked once: a group's first node is decoded whole, the
others' unique members on their own. The whole map, in its JSON order, is put together from
the parts when something reads it (``SplitMap.whole``); the raw JSON is not kept.

A map whose ``unique.*`` members are not one plain run (an escape anywhere, a non-string
value, keys interleaved, a repeated key) is decoded whole and split in Python: slower, same
result.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

UNIQUE_PREFIX = "unique."
_KEY = b'"unique.'
_MEMBER = rb'"unique\.[^"\\]*"\s*:\s*"[^"\\]*"'
_RUN = re.compile(rb"(" + _MEMBER + rb"(?:\s*,\s*" + _MEMBER + rb")*)\s*,?\s*")  # group 1: members
_MISSING: Any = object()
_SPACE = b" \t\r\n"
_BEFORE_KEY = b",{"
decode_map = msgspec.json.Decoder(dict[str, str]).decode


class SplitMap:
    """A map with ``unique.*`` keys, in parts: ``shared`` (its group's other members in JSON
    order, one object per group) and ``unique``; the first ``before`` shared members come
    ahead of the unique ones in the JSON."""

    __slots__ = ("_whole", "before", "shared", "unique")

    def __init__(
        self,
        shared: dict[str, str],
        unique: dict[str, str],
        before: int,
        whole: dict[str, str] | None = None,
    ):
        self.shared = shared
        self.unique = unique
        self.before = before
        self._whole = whole

    def whole(self) -> dict[str, str]:
        """The map as the model holds it (JSON order), put together on first read."""
        if self._whole is None:
            items = list(self.shared.items())
            whole = dict(items[: self.before])
            whole.update(self.unique)
            whole.update(items[self.before :])
            self._whole = whole
        return self._whole

    def __len__(self) -> int:
        return len(self.shared) + len(self.unique)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, str]:
        return dict(self.whole())


class MapSplitter:
    """Splits the maps of one file; groups (and their shared dicts) live as long as it does."""

    def __init__(self) -> None:
        # per group key: its members in JSON order (None: a repeated key, split the slow way)
        self._groups: dict[bytes, dict[str, str] | None] = {}

    def split(self, raw: Any) -> SplitMap | dict[str, str] | None:
        """The map of ``raw`` (a JSON object; ``null`` or absent → None): its group's dict
        when it has no ``unique.*`` key (read-only, like every loaded map), else in parts.

        Raises what the decoder raises for a value the model's type refuses."""
        if raw is None:
            return None
        data = bytes(raw)
        start = data.find(_KEY)
        if b"\\" in data:  # an escape may spell any key: decode, then split
            return self._split_decoded(data)
        if start < 0:
            if data == b"null":
                return None
            shared = self._groups.get(data, _MISSING)
            if shared is _MISSING:
                shared = self._group(data, data)
            return self._split_decoded(data) if shared is None else shared
        before_key = data[start - 1] in _BEFORE_KEY or _is_key(data, start)
        run = _RUN.match(data, start) if before_key else None
        end = -1 if run is None else run.end()
        if run is None or data.find(_KEY, end) >= 0:
            return self._split_decoded(data)
        key = data[:start] + data[end:]
        shared = self._groups.get(key, _MISSING)
        if shared is _MISSING:
            shared = self._group(key, data)
        if shared is None:
            return self._split_decoded(data)
        unique = decode_map(b"{" + run.group(1) + b"}")
        before = data.count(b'"', 0, start) // 4  # plain string members: four quotes each
        return SplitMap(shared, unique, before)

    def _group(self, key: bytes, data: bytes) -> dict[str, str] | None:
        """The members of ``key``'s new group in JSON order, decoded from its first node."""
        whole = decode_map(data)
        shared = {k: v for k, v in whole.items() if not k.startswith(UNIQUE_PREFIX)}
        repeated = key.count(b'"') // 4 != len(shared)
        self._groups[key] = None if repeated else shared
        return self._groups[key]

    @staticmethod
    def _split_decoded(data: bytes) -> SplitMap | dict[str, str]:
        whole = decode_map(data)
        unique = {k: v for k, v in whole.items() if k.startswith(UNIQUE_PREFIX)}
        if not unique:
            return whole
        shared = {k: v for k, v in whole.items() if not k.startswith(UNIQUE_PREFIX)}
        return SplitMap(shared, unique, 0, whole)


def _is_key(data: bytes, at: int) -> bool:
    """Whether the string at ``at`` is a member's key (after ``{`` or ``,``), not a value."""
    before = data[max(at - 64, 0) : at].rstrip(_SPACE)
    return before.endswith((b"{", b","))
