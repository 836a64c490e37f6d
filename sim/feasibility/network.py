"""NetworkChecker: the group's network mode exists on the node, host networks resolve.

Reproduces ``NetworkChecker`` (feasible.go): mode ``none`` always passes; otherwise some
``NodeResources.Networks`` entry must have the mode (empty counts as ``host``), except the
pre-0.12 ``bridge`` upgrade path; every port with ``host_network`` must resolve to an alias
of a node network address.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from operator import attrgetter

import msgspec
import numpy as np

from models import Node, Port

from ..core.gofmt import go_quote
from ..core.nodetable import NodeTable
from ..core.targets import resolve_target
from ..core.versions import VersionError, parse_constraint, parse_semver
from .checker import Finding
from .reasons import MISSING_NETWORK, ReasonTable

_BEFORE_BRIDGE = parse_constraint("< 0.12")


class NetworkAsk(msgspec.Struct, frozen=True):
    """What the checker is parameterised with; a fresh checker asks for mode ``host``."""

    mode: str = "host"
    ports: tuple[Port, ...] = ()


def node_modes(node: Node) -> set[str]:
    return {nw.mode or "host" for nw in node.node_resources.networks}


@lru_cache(maxsize=1024)
def _predates_bridge(nomad_version: str) -> bool:
    try:
        version = parse_semver(nomad_version)
    except VersionError:
        return False
    return all(term(version) for term in _BEFORE_BRIDGE)


def predates_bridge_fingerprint(node: Node) -> bool:
    """A client older than 0.12 never fingerprints ``bridge``: such nodes pass a bridge ask.

    ``NetworkChecker.Feasible`` parses ``nomad.version`` strictly (``NewSemver``) and checks it
    against the go-version constraint ``< 0.12`` (so a prerelease client does not qualify).
    """
    return _predates_bridge(node.attributes.get("nomad.version", ""))


def network_failure(node: Node, ask: NetworkAsk) -> str | None:
    """The reason Nomad records, or None when the node passes."""
    if ask.mode == "none":
        return None
    if ask.mode not in node_modes(node):
        if ask.mode == "bridge" and predates_bridge_fingerprint(node):
            return None
        return MISSING_NETWORK
    for port in ask.ports:
        if not port.host_network:
            continue
        value, found = resolve_target(port.host_network, node)
        if not found:
            network, label = go_quote(port.host_network), go_quote(port.label)
            return f"invalid host network {network} template for port {label}"
        aliases = {a.alias for nw in node.node_resources.node_networks for a in nw.addresses}
        if value not in aliases:
            return f"missing host network {go_quote(value)} for port {go_quote(port.label)}"
    return None


def offers_mode(node: Node, mode: str) -> bool:
    """The node has a network of ``mode`` (or, for ``bridge``, predates its fingerprint)."""
    return mode in node_modes(node) or (mode == "bridge" and predates_bridge_fingerprint(node))


def mode_column(table: NodeTable, mode: str) -> np.ndarray:
    """``offers_mode`` on every node, once per distinct networks list (and Nomad version)."""
    networks = list(map(attrgetter("node_resources.networks"), table.nodes))
    mask = table.per_object(networks, lambda nws: mode in {nw.mode or "host" for nw in nws})[0]
    if mode == "bridge" and not mask.all():
        version = table.column("${attr.nomad.version}")
        old = np.array([_predates_bridge(v) for v in version.values], dtype=bool)
        mask |= old[version.codes]
    return mask


@dataclass
class NetworkChecker:
    ask: NetworkAsk
    family: str = "network"

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        if not any(port.host_network for port in self.ask.ports):
            mode = self.ask.mode
            ok = table.node_test(
                ("network mode", mode),
                partial(offers_mode, mode=mode),
                rows,
                partial(mode_column, table, mode),
            )
            return np.where(ok, -1, reasons.id(MISSING_NETWORK)).astype(np.int32)
        out = np.full(len(rows), -1, dtype=np.int32)
        for i, row in enumerate(rows.tolist()):
            failure = network_failure(table.nodes[row], self.ask)
            if failure is not None:
                out[i] = reasons.id(failure)
        return out

    def findings(self, node: Node) -> list[Finding]:
        failure = network_failure(node, self.ask)
        if failure is None:
            return []
        modes = sorted(node_modes(node))
        return [
            Finding("network", f"network mode {self.ask.mode!r}", f"{failure}; node modes {modes}")
        ]
