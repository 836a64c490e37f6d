"""``--anonymize``: who the nodes are goes, what the scheduler reads stays.

Replaced by stable hashes (same input, same output; keyed by ``--salt`` so that short
values such as IP addresses cannot be found by trying every candidate): node IDs and
names, addresses (``HTTPAddr``, network IPs, CIDRs, MACs, gateways), every ``unique.*``
attribute, every attribute value that is an IP address, host volume paths, and meta
values. Kept: datacenter, node pool, node class, drivers, resources, every other attribute.

Meta values are hashed per value, so nodes that shared a value still share one and the
computed node classes partition the nodes as before. Job constraints and affinities that
compare ``${meta.K}``, ``${node.unique.name}``, ``${node.unique.id}``,
``${attr.unique.*}`` (or any ``${attr.*}`` to an IP address) to a literal with ``=``,
``==``, ``!=``, ``is`` or ``is_not`` get the literal hashed the same way, as do spread
targets on such attributes, so they select the same nodes. A meta key that any job
compares with another operator (regexp, version, lexical order, set_contains, ...) keeps
its values in clear: a hash would change the answer. The same operators on node names,
IDs or unique attributes cannot be kept and would no longer match; ``anonymize`` returns
those as notes.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Callable
from typing import Any

EQUALITY = {"=", "==", "is", "!=", "not", "is_not"}  # feasible.go:checkConstraint
# Operators whose answer a consistent one-to-one hash keeps without touching the job.
HASH_SAFE = EQUALITY | {"is_set", "is_not_set", "distinct_property", "distinct_hosts"}
_TARGET = re.compile(r"^\$\{(?:(meta\.|attr\.unique\.)(.+)|(node\.unique\.(?:name|id)))\}$")


class Anonymizer:
    """Stable keyed hashes, one spelling per kind of value."""

    def __init__(self, salt: str = ""):
        self._key = salt.encode()

    def digest(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def token(self, value: str) -> str:
        return f"h-{self.digest(value)[:16]}" if value else value

    def node_id(self, value: str) -> str:
        if not value:
            return value
        d = self.digest(f"id:{value}")
        return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:32]}"

    def name(self, value: str) -> str:
        return f"node-{self.digest(f'name:{value}')[:12]}" if value else value

    def address(self, value: str) -> str:
        """``host:port`` keeps its port; anything else is hashed whole."""
        host, sep, port = value.rpartition(":")
        if sep and port.isdigit() and host:
            return f"{self.token(host)}:{port}"
        return self.token(value)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_interface(value)
    except ValueError:
        return False
    return True


def anonymize(document: dict[str, Any], salt: str = "") -> tuple[dict[str, Any], list[str]]:
    """A copy of the snapshot with identities hashed, and notes on what cannot stay exact."""
    anon = Anonymizer(salt)
    clear_meta, notes = _meta_in_clear(document.get("Jobs") or [])
    out = dict(document)
    out["Address"] = "anonymized"
    out["Agent"] = {k: v for k, v in (document.get("Agent") or {}).items() if k != "Datacenter"}
    out["Anonymized"] = True
    out["Nodes"] = [_node(node, anon, clear_meta) for node in document.get("Nodes") or []]
    out["Jobs"] = [_rewrite(job, anon, clear_meta) for job in document.get("Jobs") or []]
    out["Allocations"] = [_alloc(a, anon) for a in document.get("Allocations") or []]
    if clear_meta:
        notes.append(
            "meta keys kept in clear (jobs compare them with operators a hash would change): "
            + ", ".join(sorted(clear_meta))
        )
    return out, notes


def _constraints(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Every constraint and affinity of a job (job, group and task level)."""
    found: list[dict[str, Any]] = []
    levels = [job, *(job.get("TaskGroups") or [])]
    for group in job.get("TaskGroups") or []:
        levels.extend(group.get("Tasks") or [])
    for level in levels:
        for key in ("Constraints", "Affinities"):
            found.extend(c for c in level.get(key) or [] if isinstance(c, dict))
    return found


def unkept_comparisons(job: dict[str, Any]) -> list[str]:
    """Constraints and affinities of a job that compare a hashed node identity (name, ID,
    ``unique.*`` attribute) with an operator a hash changes: they no longer match."""
    found = []
    for c in _constraints(job):
        operand = c.get("Operand") or "="
        if operand in HASH_SAFE:
            continue
        for side in ("LTarget", "RTarget"):
            match = _TARGET.match(str(c.get(side) or ""))
            if match and match.group(1) != "meta.":
                found.append(f"{c.get('LTarget')} {operand} {c.get('RTarget')!r}")
                break
    return found


def _meta_in_clear(jobs: list[Any]) -> tuple[set[str], list[str]]:
    clear: set[str] = set()
    notes: list[str] = []
    for job in jobs:
        for c in _constraints(job):
            if (c.get("Operand") or "=") in HASH_SAFE:
                continue
            for side in ("LTarget", "RTarget"):
                match = _TARGET.match(str(c.get(side) or ""))
                if match and match.group(1) == "meta.":
                    clear.add(match.group(2))
        notes.extend(
            f"job {job.get('ID')!r}: {text} compares a hashed node identity; it will no "
            "longer match"
            for text in unkept_comparisons(job)
        )
    return clear, notes


def _hasher(target: str, anon: Anonymizer, clear_meta: set[str]) -> Callable[[str], str] | None:
    """How values of an interpolated target are hashed; ``None`` when they stay in clear."""
    match = _TARGET.match(target)
    if not match:
        return _ip_token(anon) if target.startswith("${attr.") else None
    kind, rest, node_field = match.groups()
    kind = kind or node_field
    if kind == "meta.":
        return None if rest in clear_meta else anon.token
    if kind == "node.unique.name":
        return anon.name
    if kind == "node.unique.id":
        return anon.node_id
    return anon.token


def _ip_token(anon: Anonymizer) -> Callable[[str], str]:
    """Attribute values that are IP addresses are hashed, so are literals that are."""
    return lambda value: anon.token(value) if _is_ip(value) else value


def _attribute(key: str, value: str, anon: Anonymizer) -> str:
    return anon.token(value) if key.startswith("unique.") or _is_ip(value) else value


def _node(node: dict[str, Any], anon: Anonymizer, clear_meta: set[str]) -> dict[str, Any]:
    out = dict(node)
    out["ID"] = anon.node_id(node.get("ID", ""))
    out["Name"] = anon.name(node.get("Name", ""))
    if node.get("HTTPAddr"):
        out["HTTPAddr"] = anon.address(node["HTTPAddr"])
    out["Attributes"] = {
        k: _attribute(k, str(v), anon) for k, v in (node.get("Attributes") or {}).items()
    }
    out["Meta"] = {
        k: v if k in clear_meta or v is None else anon.token(str(v))
        for k, v in (node.get("Meta") or {}).items()
    }
    if isinstance(node.get("Drivers"), dict):
        out["Drivers"] = {
            name: _driver(info, anon) if isinstance(info, dict) else info
            for name, info in node["Drivers"].items()
        }
    for key in ("NodeResources", "Resources"):
        if isinstance(node.get(key), dict):
            out[key] = _addresses(node[key], anon)
    if isinstance(node.get("HostVolumes"), dict):
        out["HostVolumes"] = {
            name: {**vol, "Path": anon.token(vol.get("Path", ""))} if isinstance(vol, dict) else vol
            for name, vol in node["HostVolumes"].items()
        }
    if isinstance(node.get("HostNetworks"), dict):
        out["HostNetworks"] = _addresses(node["HostNetworks"], anon)
    out["Links"] = {k: anon.token(str(v)) for k, v in (node.get("Links") or {}).items()}
    out["Events"] = []
    out["StatusDescription"] = ""
    for key in ("CSIControllerPlugins", "CSINodePlugins"):
        out.pop(key, None)
    return out


def _driver(info: dict[str, Any], anon: Anonymizer) -> dict[str, Any]:
    attributes = info.get("Attributes") or {}
    return {
        **info,
        "Attributes": {k: _attribute(k, str(v), anon) for k, v in attributes.items()},
    }


_ADDRESS_KEYS = {"IP", "CIDR", "Address", "Gateway", "MacAddress", "HostIP", "Hostname"}


def _addresses(value: Any, anon: Anonymizer) -> Any:
    """Hash every address-like field, anywhere inside resources and networks."""
    if isinstance(value, dict):
        return {
            k: anon.token(v) if k in _ADDRESS_KEYS and isinstance(v, str) else _addresses(v, anon)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_addresses(v, anon) for v in value]
    return value


def _rewrite(value: Any, anon: Anonymizer, clear_meta: set[str]) -> Any:
    """A job with every literal compared to a hashed node value hashed the same way."""
    if isinstance(value, list):
        return [_rewrite(v, anon, clear_meta) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _rewrite(v, anon, clear_meta) for k, v in value.items()}
    if "LTarget" in value and (value.get("Operand") or "=") in EQUALITY:
        for side, other in (("LTarget", "RTarget"), ("RTarget", "LTarget")):
            hasher = _hasher(str(value.get(side) or ""), anon, clear_meta)
            literal = value.get(other)
            if hasher and isinstance(literal, str) and not literal.startswith("${"):
                out[other] = hasher(literal)
    if "Attribute" in value and isinstance(value.get("SpreadTarget"), list):
        hasher = _hasher(str(value["Attribute"]), anon, clear_meta)
        if hasher:
            out["SpreadTarget"] = [
                {**t, "Value": hasher(t["Value"])} if isinstance(t.get("Value"), str) else t
                for t in value["SpreadTarget"]
            ]
    return out


def _alloc(alloc: dict[str, Any], anon: Anonymizer) -> dict[str, Any]:
    out = dict(alloc)
    out["NodeID"] = anon.node_id(alloc.get("NodeID", ""))
    out["NodeName"] = anon.name(alloc.get("NodeName", ""))
    if isinstance(alloc.get("AllocatedResources"), dict):
        out["AllocatedResources"] = _addresses(alloc["AllocatedResources"], anon)
    if isinstance(alloc.get("Resources"), dict):
        out["Resources"] = _addresses(alloc["Resources"], anon)
    return out
