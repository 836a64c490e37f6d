"""One readable, unique label per computed node class, shared by every command.

People name a class by its user node class, datacenter and kernel
(``m5-xlarge · dc1 · linux``). Nomad's computed class also hashes the node pool and every
attribute, meta value and device (nomad/structs/node_class.go: ``ComputeClass``), so two
classes can share that name; each such label then gains the hashed values that tell it from
its namesakes (``pool=prod``, ``meta.rack=r1``), and, when those alone cannot, the class code.
"""

from __future__ import annotations

from collections.abc import Sequence

from models import Node

from ..core.nodeclass import UNIQUE_PREFIX, device_class_key
from ..core.nodetable import NodeTable

_MAX_DISTINGUISHING = 2
_ABSENT = "(unset)"
_FAMILY_ORDER = ("pool", "meta", "attr", "devices")


def base_label(node: Node) -> str:
    """How people name a computed class: user node class · datacenter · kernel."""
    kernel = node.attributes.get("kernel.name", "")
    return f"{node.node_class or '(no class)'} · {node.datacenter} · {kernel}"


def _hashed_values(node: Node) -> dict[str, str]:
    """The hashed fields the base label leaves out, under the names users write them."""
    values = {"pool": node.node_pool}
    values |= {f"meta.{k}": v for k, v in node.meta.items() if not k.startswith(UNIQUE_PREFIX)}
    values |= {
        f"attr.{k}": v for k, v in node.attributes.items() if not k.startswith(UNIQUE_PREFIX)
    }
    devices = device_class_key(node)
    if devices:
        values["devices"] = ",".join(f"{vendor}/{kind}/{name}" for vendor, kind, name, _ in devices)
    return values


def _distinguishing(namesakes: list[Node]) -> list[str]:
    """Keys whose values differ among the namesakes: pool, then meta, then attributes, then
    devices; within each, the most varied first."""
    values = [_hashed_values(n) for n in namesakes]
    keys = sorted({k for v in values for k in v})
    varied = {k: len({v.get(k, _ABSENT) for v in values}) for k in keys}
    differing = [k for k in keys if varied[k] > 1]
    return sorted(differing, key=lambda k: (_FAMILY_ORDER.index(k.split(".")[0]), -varied[k], k))


def class_labels(representatives: Sequence[Node]) -> list[str]:
    """Labels for the classes whose first nodes are ``representatives`` (index = class code).

    >>> from models import Node
    >>> def node(rack, pool="default"):
    ...     linux = {"kernel.name": "linux"}
    ...     return Node(NodeClass="m5", NodePool=pool, Attributes=linux, Meta={"rack": rack})
    >>> for label in class_labels([node("r1"), node("r2"), node("r1", "batch")]):
    ...     print(label)
    m5 · dc1 · linux · pool=default · meta.rack=r1
    m5 · dc1 · linux · pool=default · meta.rack=r2
    m5 · dc1 · linux · pool=batch · meta.rack=r1
    """
    bases = [base_label(n) for n in representatives]
    namesakes: dict[str, list[int]] = {}
    for code, base in enumerate(bases):
        namesakes.setdefault(base, []).append(code)
    labels = list(bases)
    for codes in namesakes.values():
        if len(codes) < 2:
            continue
        keys = _distinguishing([representatives[c] for c in codes])[:_MAX_DISTINGUISHING]
        for c in codes:
            shown = _hashed_values(representatives[c])
            labels[c] += "".join(f" · {k}={shown.get(k, _ABSENT)}" for k in keys)
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} · class #{c}" if seen[label] > 1 else label for c, label in enumerate(labels)]


def table_class_labels(table: NodeTable) -> list[str]:
    """:func:`class_labels` of every computed class of ``table``, indexed by class code."""
    return class_labels([table.nodes[i] for i in table.class_representatives.tolist()])
