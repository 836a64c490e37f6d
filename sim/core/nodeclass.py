"""Nomad's computed node class: the key under which feasibility verdicts are cached.

``Node.ComputeClass`` (nomad/structs/node_class.go) hashes the datacenter, attributes and
meta (keys starting ``unique.`` excluded), the user node class, the node pool and, of the
devices, only vendor/type/name/attributes. Equality of that tuple is an exact stand-in for
equality of Nomad's hash; the numeric ``v1:<hash>`` itself is not reproduced.
"""

from __future__ import annotations

from typing import Any

from models import Constraint, Node, TaskGroup

UNIQUE_PREFIX = "unique."
_ESCAPING_PREFIXES = ("${unique.", "${node.unique.", "${attr.unique.", "${meta.unique.")


def _without_unique(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in values.items() if not k.startswith(UNIQUE_PREFIX)))


def device_class_key(node: Node) -> tuple[Any, ...]:
    """Of the devices, only vendor/type/name/attributes are hashed; their order matters.

    An attribute is hashed as the ``psstructs.Attribute`` it is: which of Int, Float, String
    and Bool is set, and its unit. So Int 5 and Float 5.0 differ, as Bool true and Int 1 do,
    though Python's ``5 == 5.0`` and ``True == 1`` would merge them."""
    return tuple(
        (
            d.vendor,
            d.type,
            d.name,
            tuple(
                sorted(
                    (k, a.int_value, a.float_value, a.string_value, a.bool_value, a.unit)
                    for k, a in d.attributes.items()
                    if not k.startswith(UNIQUE_PREFIX)
                )
            ),
        )
        for d in node.node_resources.devices
    )


def computed_class_key(node: Node) -> tuple[Any, ...]:
    """The fields ``ComputeClass`` hashes; device order matters, map order does not."""
    return (
        node.datacenter,
        _without_unique(node.attributes),
        _without_unique(node.meta),
        node.node_class,
        node.node_pool,
        device_class_key(node),
    )


def constraint_escapes(constraint: Constraint) -> bool:
    """``EscapedConstraints``: a target naming a ``unique.`` value defeats class caching."""
    return any(
        target.startswith(_ESCAPING_PREFIXES)
        for target in (constraint.l_target, constraint.r_target)
    )


def job_escapes(constraints: list[Constraint]) -> bool:
    return any(constraint_escapes(c) for c in constraints)


def group_escapes(group: TaskGroup) -> bool:
    """A group escapes through its own or its tasks' constraints, or any CSI volume."""
    constraints = list(group.constraints)
    for task in group.tasks:
        constraints.extend(task.constraints)
    if job_escapes(constraints):
        return True
    return any(v.type == "csi" for v in group.volumes.values())
