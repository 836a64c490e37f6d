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

The raw JSON handed in is what msgspec's decoder kept of a node it parsed: well-formed, so with
no escape in it every ``"`` delimits a string, and a ``"unique.`` string followed by ``:`` is a
key. The run's pattern leans on that rather than checking what precedes each match.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

UNIQUE_PREFIX = "unique."
_KEY = b'"unique.'
# Possessive, so the run never backtracks; no backslash in the class (maps with one are split
# the slow way before the pattern runs), which lets the engine scan strings quickly.
_MEMBER = rb'"unique\.[^"]*+"\s*+:\s*+"[^"]*+"'
_RUN = re.compile(rb"(" + _MEMBER + rb"(?:\s*+,\s*+" + _MEMBER + rb")*+)\s*+,?\s*+")  # group 1
_MISSING: Any = object()
decode_map = msgspec.json.Decoder(dict[str, str]).decode


class SplitMap(msgspec.Struct, gc=False):
    """A map with ``unique.*`` keys, in parts: ``shared`` (its group's other members in JSON
    order, one object per group) and ``unique``; the unique members begin at byte ``start``
    of the JSON, whose first ``start`` bytes are those of ``group`` (the group's key).

    ``unique`` may be held as ``run``, the members' raw JSON, and decoded on first read: only
    a run of plain ASCII strings is held so (msgspec has checked its syntax, and ASCII is
    valid UTF-8), so that decoding cannot fail later. A struct, not a class with ``__init__``:
    one is made per node, and msgspec builds it in C. It holds only strings, bytes and dicts
    of strings, so it is never part of a reference cycle and the collector need not track it.
    """

    shared: dict[str, str]
    decoded: dict[str, str] | None  # the unique members, once decoded
    start: int = 0
    group: bytes = b""
    assembled: dict[str, str] | None = None  # the whole map, once put together
    run: bytes = b""

    @property
    def unique(self) -> dict[str, str]:
        if self.decoded is None:
            self.decoded = decode_map(b"{" + self.run + b"}")
        return self.decoded

    def whole(self) -> dict[str, str]:
        """The map as the model holds it (JSON order), put together on first read."""
        if self.assembled is None:
            items = list(self.shared.items())
            before = self.group.count(b'"', 0, self.start) // 4  # plain members: 4 quotes
            whole = dict(items[:before])
            whole.update(self.unique)
            whole.update(items[before:])
            self.assembled = whole
        return self.assembled

    def __len__(self) -> int:
        if self.decoded is None:  # plain members, four quotes each: counted, not decoded
            return len(self.shared) + self.run.count(b'"') // 4
        return len(self.shared) + len(self.decoded)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, str]:
        return dict(self.whole())


class MapSplitter:
    """Splits the maps of one file; groups (and their shared dicts) live as long as it does."""

    def __init__(self) -> None:
        # per group key: its members in JSON order (None: a repeated key, split the slow way)
        self._groups: dict[bytes, dict[str, str] | None] = {}
        self._keys: dict[bytes, bytes] = {}  # each group's key, to hold instead of an equal copy

    def split(self, raw: Any) -> SplitMap | dict[str, str] | None:
        """The map of ``raw`` (a JSON object as msgspec kept it; ``null`` or absent → None):
        its group's dict when it has no ``unique.*`` key (read-only, like every loaded map),
        else in parts.

        Raises what the decoder raises for a value the model's type refuses."""
        if raw is None:
            return None
        data = bytes(raw)
        if b"\\" in data:  # an escape may spell any key: decode, then split
            return self._split_decoded(data)
        start = data.find(_KEY)
        if start < 0:
            shared = self._groups.get(data, _MISSING)
            if shared is _MISSING:
                if data == b"null":
                    return None
                shared = self._group(data, data)
            return self._split_decoded(data) if shared is None else shared
        run = _RUN.match(data, start)
        if run is None:
            return self._split_decoded(data)
        end = run.end()
        if data.find(_KEY, end) >= 0:
            return self._split_decoded(data)
        key = data[:start] + data[end:]
        shared = self._groups.get(key, _MISSING)
        if shared is _MISSING:
            shared = self._group(key, data)
        if shared is None:
            return self._split_decoded(data)
        key = self._keys[key]  # the group's own copy, shared: not one per node
        members = run.group(1)
        if members.isascii():
            return SplitMap(shared, None, start, key, None, members)
        return SplitMap(shared, decode_map(b"{" + members + b"}"), start, key)

    def _group(self, key: bytes, data: bytes) -> dict[str, str] | None:
        """The members of ``key``'s new group in JSON order, decoded from its first node."""
        whole = decode_map(data)
        shared = {k: v for k, v in whole.items() if not k.startswith(UNIQUE_PREFIX)}
        repeated = key.count(b'"') // 4 != len(shared)
        self._groups[key] = None if repeated else shared
        self._keys[key] = key
        return self._groups[key]

    @staticmethod
    def _split_decoded(data: bytes) -> SplitMap | dict[str, str]:
        whole = decode_map(data)
        unique = {k: v for k, v in whole.items() if k.startswith(UNIQUE_PREFIX)}
        if not unique:
            return whole
        shared = {k: v for k, v in whole.items() if not k.startswith(UNIQUE_PREFIX)}
        return SplitMap(shared, unique, assembled=whole)
