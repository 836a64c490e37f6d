"""HostVolumeChecker: requested host volumes exist on the node with a compatible mode.

An "available" checker in Nomad's stack: it runs on every node, is never class-cached, and
its failure never marks a class ineligible. CSI volumes are not modelled (they need the
cluster's volume and plugin state); a group that requests one is reported, not filtered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import Node, VolumeRequest

from ..core.nodetable import NodeTable
from .checker import Finding, per_node_verdicts
from .reasons import MISSING_HOST_VOLUMES, ReasonTable


def host_volume_requests(volumes: dict[str, VolumeRequest]) -> dict[str, list[VolumeRequest]]:
    """Requests grouped by source, as ``HostVolumeChecker.SetVolumes`` keys them.

    ``per_alloc`` sources get the ``[0]`` suffix of the first allocation index.
    """
    by_source: dict[str, list[VolumeRequest]] = {}
    for request in volumes.values():
        if request.type != "host":
            continue
        source = request.source + ("[0]" if request.per_alloc else "")
        by_source.setdefault(source, []).append(request)
    return by_source


def has_host_volumes(node: Node, by_source: dict[str, list[VolumeRequest]]) -> bool:
    """``hasVolumes``: each source present; a read-only volume needs read-only requests."""
    if len(by_source) > len(node.host_volumes):
        return False
    for source, requests in by_source.items():
        volume = node.host_volumes.get(source)
        if volume is None:
            return False
        if volume.read_only and any(not r.read_only for r in requests):
            return False
    return True


@dataclass
class HostVolumeChecker:
    by_source: dict[str, list[VolumeRequest]]
    family: str = "host volume"

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        return per_node_verdicts(
            table,
            rows,
            lambda node: has_host_volumes(node, self.by_source),
            reasons.id(MISSING_HOST_VOLUMES),
        )

    def findings(self, node: Node) -> list[Finding]:
        if has_host_volumes(node, self.by_source):
            return []
        have = sorted(
            f"{name}{' (read-only)' if v.read_only else ''}"
            for name, v in node.host_volumes.items()
        )
        return [
            Finding("host volumes", ", ".join(sorted(self.by_source)), ", ".join(have) or "none")
        ]
