"""Resolve a constraint target (``${attr.kernel.name}``, ``${node.class}``, a literal) on a node.

Nomad's ``resolveTarget`` (scheduler/feasible/feasible.go) is the specification: a target that
does not start with ``${`` is a literal; the five ``${node.*}`` targets are always found (even
when empty); ``${attr.``/``${meta.`` look up a key after trimming at most one trailing ``}``
(so ``${attr.kernel.name`` still resolves); everything else (``${node.region}``,
``${device.model}`` on a node, ``${env.X}``) is ``("", False)``.
"""

from __future__ import annotations

from models import Node

_NODE_FIELDS = {
    "${node.unique.id}": "id",
    "${node.datacenter}": "datacenter",
    "${node.unique.name}": "name",
    "${node.class}": "node_class",
    "${node.pool}": "node_pool",
}
_ATTR = "${attr."
_META = "${meta."


def resolve_target(target: str, node: Node) -> tuple[str, bool]:
    """Return ``(value, found)``; a missing attribute is ``("", False)``, never ``None``."""
    if not target.startswith("${"):
        return target, True
    field = _NODE_FIELDS.get(target)
    if field is not None:
        return getattr(node, field), True
    if target.startswith(_ATTR):
        return _lookup(node.attributes, target[len(_ATTR) :])
    if target.startswith(_META):
        return _lookup(node.meta, target[len(_META) :])
    return "", False


def _lookup(mapping: dict[str, str], key: str) -> tuple[str, bool]:
    # strings.TrimSuffix(key, "}"): one brace at most.
    if key.endswith("}"):
        key = key[:-1]
    value = mapping.get(key)
    return ("", False) if value is None else (value, True)
