"""A node's Attributes and Meta read as two parts: what its computed class shares, and its own
``unique.*`` keys.

``Node.ComputeClass`` (nomad/structs/node_class.go) hashes every attribute and meta key except
those starting ``unique.``; in a fleet the rest repeats from node to node. So the raw JSON of a
map is split: the bytes without the ``unique.*`` members group the nodes (one decoded dict
per distinct group, shared), and only the ``unique.*`` members are decoded per node. Every
byte is still decoded and type-checked once: a group's first node is decoded whole, the
others' unique members on their own. The whole map, in its JSON order, is decoded from the
raw bytes only when something reads it (``SplitMap.whole``).

A map whose ``unique.*`` members are not one plain run (an escape anywhere, a non-string
value, keys interleaved) is decoded whole and split in Python: slower, same result.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

UNIQUE_PREFIX = "unique."
_KEY = b'"unique.'
_RUN = re.compile(rb'(?:"unique\.[^"\\]*"\s*:\s*"[^"\\]*"\s*,?\s*)+')
_SPACE = b" \t\r\n"
_BEFORE_KEY = b",{"
_NO_KEYS: dict[str, str] = {}


class SplitMap:
    """One node's map: its class-shared part, its ``unique.*`` part and its raw JSON."""

    __slots__ = ("_whole", "raw", "shared", "unique")
    decode = staticmethod(msgspec.json.Decoder(dict[str, str]).decode)

    def __init__(self, raw: Any, shared: dict[str, str], unique: dict[str, str]):
        self.raw = raw
        self.shared = shared
        self.unique = unique
        self._whole: dict[str, str] | None = None

    def whole(self) -> dict[str, str]:
        """The map as the model holds it (JSON order), decoded on first read."""
        if self._whole is None:
            self._whole = self.decode(self.raw)
        return self._whole

    def __len__(self) -> int:
        return len(self.shared) + len(self.unique)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, str]:
        return dict(self.whole())


class MapSplitter:
    """Splits the maps of one file; groups (and their shared dicts) live as long as it does."""

    def __init__(self) -> None:
        self._decode = SplitMap.decode
        self._groups: dict[bytes, dict[str, str]] = {}
        self._by_content: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}

    def split(self, raw: Any) -> SplitMap | None:
        """The map of ``raw`` (a JSON object; ``null`` or absent → None) in its two parts.

        Raises what the decoder raises for a value the model's type refuses."""
        if raw is None:
            return None
        data = bytes(raw)
        start = data.find(_KEY)
        if b"\\" in data:  # an escape may spell any key: decode, then split
            return self._split_decoded(raw, data)
        if start < 0:
            if data == b"null":
                return None
            shared = self._groups.get(data)
            return SplitMap(raw, shared or self._shared(data, data), _NO_KEYS)
        run = (
            _RUN.match(data, start)
            if data[start - 1] in _BEFORE_KEY or _is_key(data, start)
            else None
        )
        if run is None or data.find(_KEY, run.end()) >= 0:
            return self._split_decoded(raw, data)
        members = data[start : run.end()].rstrip(_SPACE).rstrip(b",")
        unique = self._decode(b"{" + members + b"}")
        return SplitMap(raw, self._shared(data[:start] + data[run.end() :], data), unique)

    def _shared(self, key: bytes, data: bytes) -> dict[str, str]:
        shared = self._groups.get(key)
        if shared is None:
            whole = self._decode(data)
            shared = self._groups[key] = self._canonical(
                {k: v for k, v in whole.items() if not k.startswith(UNIQUE_PREFIX)}
            )
        return shared

    def _split_decoded(self, raw: Any, data: bytes) -> SplitMap:
        whole = self._decode(data)
        shared = {k: v for k, v in whole.items() if not k.startswith(UNIQUE_PREFIX)}
        unique = {k: v for k, v in whole.items() if k.startswith(UNIQUE_PREFIX)}
        return SplitMap(raw, self._canonical(shared), unique)

    def _canonical(self, shared: dict[str, str]) -> dict[str, str]:
        """One dict per distinct content, so that equal shared parts are the same object."""
        return self._by_content.setdefault(tuple(sorted(shared.items())), shared)


def _is_key(data: bytes, at: int) -> bool:
    """Whether the string at ``at`` is a member's key (after ``{`` or ``,``), not a value."""
    before = data[max(at - 64, 0) : at].rstrip(_SPACE)
    return before.endswith((b"{", b","))
