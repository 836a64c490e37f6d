"""NetworkChecker: the group's network mode exists on the node, host networks resolve.

Reproduces ``NetworkChecker`` (feasible.go): mode ``none`` always passes; otherwise some
``NodeResources.Networks`` entry must have the mode (empty counts as ``host``), except the
pre-0.12 ``bridge`` upgrade path; every port with ``host_network`` must resolve to an alias
of a node network address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import Node, Port

from ..gofmt import go_quote
from ..nodetable import NodeTable
from ..operators import check_constraint
from ..targets import resolve_target
from .checker import Finding
from .reasons import MISSING_NETWORK, ReasonTable


@dataclass(frozen=True)
class NetworkAsk:
    """What the checker is parameterised with; a fresh checker asks for mode ``host``."""

    mode: str = "host"
    ports: tuple[Port, ...] = field(default_factory=tuple)


def network_failure(node: Node, ask: NetworkAsk) -> str | None:
    """The reason Nomad records, or None when the node passes."""
    if ask.mode == "none":
        return None
    modes = {nw.mode or "host" for nw in node.node_resources.networks}
    if ask.mode not in modes:
        nomad_version = node.attributes.get("nomad.version", "")
        if ask.mode == "bridge" and check_constraint("semver", nomad_version, "< 0.12"):
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


@dataclass
class NetworkChecker:
    ask: NetworkAsk
    family: str = "network"

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        if self.ask.mode == "none":
            return np.full(len(rows), -1, dtype=np.int32)
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
        modes = sorted({nw.mode or "host" for nw in node.node_resources.networks})
        return [
            Finding("network", f"network mode {self.ask.mode!r}", f"{failure}; node modes {modes}")
        ]
