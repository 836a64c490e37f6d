"""DriverChecker: every task driver detected and healthy on the node (feasible.go)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from operator import methodcaller

import numpy as np

from models import Node

from ..core.nodetable import NodeTable
from .checker import Finding, first_failures
from .reasons import MISSING_DRIVERS, ReasonTable

_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})


def driver_ok(node: Node, driver: str) -> bool:
    """``hasDrivers`` for one driver: DriverInfo wins; else attribute ``driver.<d>`` ParseBool."""
    if driver in node.drivers:
        info = node.drivers[driver]
        return info is not None and info.detected and info.healthy
    return node.attributes.get(f"driver.{driver}") in _GO_TRUE


# Only compared by identity: a plain object, so importing this module builds no validator.
_ABSENT = object()


def driver_column(table: NodeTable, driver: str) -> np.ndarray:
    """``driver_ok`` on every node: once per distinct DriverInfo, per node only where the
    node has no DriverInfo for ``driver`` and the attribute decides."""
    infos = list(map(methodcaller("get", driver, _ABSENT), table.driver_maps))
    mask, codes, objects = table.per_object(
        infos,
        lambda info: info is not _ABSENT and info is not None and info.healthy and info.detected,
    )
    if any(o is _ABSENT for o in objects):
        absent = next(k for k, o in enumerate(objects) if o is _ABSENT)
        for i in np.flatnonzero(codes == absent).tolist():
            mask[i] = table.nodes[i].attributes.get(f"driver.{driver}") in _GO_TRUE
    return mask


def driver_status(node: Node, driver: str) -> str:
    """The node's side of a driver check, in words, for explanations."""
    if driver in node.drivers:
        info = node.drivers[driver]
        if info is None:
            return "no driver info"
        return f"detected={str(info.detected).lower()}, healthy={str(info.healthy).lower()}"
    value = node.attributes.get(f"driver.{driver}")
    return "not fingerprinted" if value is None else f"attr.driver.{driver}={value!r}"


@dataclass
class DriverChecker:
    drivers: list[str]
    family: str = "driver"

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        reason = reasons.id(MISSING_DRIVERS)
        checks = [
            (
                table.node_test(
                    ("driver", d),
                    partial(driver_ok, driver=d),
                    rows,
                    partial(driver_column, table, d),
                ),
                reason,
            )
            for d in self.drivers
        ]
        return first_failures(rows, checks)

    def findings(self, node: Node) -> list[Finding]:
        return [
            Finding(f"driver {d}", f"driver {d!r} detected and healthy", driver_status(node, d))
            for d in self.drivers
            if not driver_ok(node, d)
        ]
