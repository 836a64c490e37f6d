"""The two small interfaces every feasibility check implements, so a new check is a new unit.

``verdicts`` is the fast path: one reason id per node row (``PASS`` = -1), the first failure
only, exactly what Nomad records. ``findings`` is the explanation path: every failing part of
the check on one node, with the node's actual value, which Nomad never shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import msgspec
import numpy as np

from models import Node

from ..core.nodetable import NodeTable
from .reasons import ReasonTable


class Finding(msgspec.Struct, frozen=True):
    """One failing check on one node: what was required and what the node has."""

    check: str
    required: str
    actual: str
    implied_by: str = ""
    """For a constraint Nomad added at registration: what implied it."""


class Checker(Protocol):
    family: str

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        """Reason id of the first failure per row, or ``PASS``."""
        ...

    def findings(self, node: Node) -> list[Finding]:
        """Every failing part of this check on ``node``."""
        ...


def per_node_verdicts(
    table: NodeTable, rows: np.ndarray, passes: Callable[[Node], bool], reason_id: int
) -> np.ndarray:
    """A scalar per-node check (devices, host volumes) as verdicts over ``rows``."""
    ok = np.fromiter((passes(table.nodes[r]) for r in rows.tolist()), bool, len(rows))
    return np.where(ok, -1, reason_id).astype(np.int32)


def first_failures(rows: np.ndarray, checks: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """Combine per-part pass masks (in order) into the id of each row's first failing part."""
    verdict = np.full(len(rows), -1, dtype=np.int32)
    for passed, reason_id in checks:
        verdict[(verdict == -1) & ~passed] = reason_id
    return verdict
