"""Keys an operator groups nodes by (datacenter, node pool, OS, node class, a meta or an
attribute value), read from a node: how ``graph --group-by`` merges computed classes."""

from __future__ import annotations

from collections.abc import Callable

from models import Node

from .errors import InputError

AUTO, NONE = "auto", "none"
# The most right-hand vertices a picture draws one per row; beyond, ``auto`` merges them.
# At this many rows a 9 pt font still fits a canvas of at most 3,000 px.
MAX_GROUPS = 40
UNSET = "(unset)"

_FIELDS: dict[str, tuple[str, Callable[[Node], str]]] = {
    "datacenter": ("datacenter", lambda n: n.datacenter),
    "node_pool": ("node_pool", lambda n: n.node_pool),
    "os": ("os (attr.kernel.name)", lambda n: n.attributes.get("kernel.name", UNSET)),
    "class": ("node class", lambda n: n.node_class or "(no class)"),
}


def key_reader(key: str) -> tuple[str, Callable[[Node], str]]:
    """How a key is named in a caption, and how a node's value for it is read; an
    ``InputError`` naming the choices for anything else."""
    if key in _FIELDS:
        return _FIELDS[key]
    family, dot, name = key.partition(".")
    if dot and name and family == "meta":
        return key, lambda n: n.meta.get(name, UNSET)
    if dot and name and family == "attr":
        return key, lambda n: n.attributes.get(name, UNSET)
    choices = "|".join((AUTO, NONE, *_FIELDS, "meta.KEY", "attr.KEY"))
    raise InputError(f"--group-by {key!r}: expected {choices}")
