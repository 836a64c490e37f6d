"""ConstraintChecker: the constraint list in order, the first failure named (feasible.go)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import Constraint, Node

from ..core.nodetable import Column, NodeTable
from ..core.operators import check_constraint, regexp_matcher
from ..core.targets import resolve_target
from .checker import Finding, first_failures
from .reasons import ReasonTable

_PLACEMENT_ONLY = ("distinct_hosts", "distinct_property")


def constraint_mask(table: NodeTable, constraint: Constraint) -> np.ndarray:
    """Per-node result of one constraint, evaluated once per distinct (left, right) pair."""
    key = ("constraint", constraint.operand, constraint.l_target, constraint.r_target)
    return table.cached_mask(key, lambda: _evaluate(table, constraint))


_EQUAL = ("=", "==", "is")
_NOT_EQUAL = ("!=", "not")


def _literal_slots(op: str, left: Column, rv: str, rf: bool) -> np.ndarray:
    """Slot results against one right-hand value; equality and presence run at C speed.

    These shortcuts restate ``checkConstraint``'s rules for plain strings: ``=`` needs both
    sides found, ``!=`` ignores found, ``is_set``/``is_not_set`` read only the left side,
    ``regexp`` needs both found and searches with the pattern compiled once.
    """
    if op in _EQUAL:
        return (left.value_array == rv) & left.found_array & rf
    if op in _NOT_EQUAL:
        return left.value_array != rv
    if op == "is_set":
        return left.found_array.copy()
    if op == "is_not_set":
        return ~left.found_array
    if op == "regexp":
        matcher = regexp_matcher(rv) if rf else None
        if matcher is None:
            return np.zeros(len(left.values), dtype=bool)
        return np.fromiter(
            (found and matcher(value) for value, found in zip(left.values, left.found)),
            bool,
            len(left.values),
        )
    slots = [check_constraint(op, lv, rv, lf, rf) for lv, lf in zip(left.values, left.found)]
    return np.asarray(slots, dtype=bool)


def _evaluate(table: NodeTable, constraint: Constraint) -> np.ndarray:
    left, right = table.column(constraint.l_target), table.column(constraint.r_target)
    op = constraint.operand
    if len(right.values) == 1:
        return _literal_slots(op, left, right.values[0], right.found[0])[left.codes]
    if len(left.values) == 1:
        lv, lf = left.values[0], left.found[0]
        slots = [check_constraint(op, lv, rv, lf, rf) for rv, rf in zip(right.values, right.found)]
        return np.asarray(slots, dtype=bool)[right.codes]
    pairs = left.codes.astype(np.int64) * len(right.values) + right.codes
    distinct, inverse = np.unique(pairs, return_inverse=True)
    width = len(right.values)
    slots = [
        check_constraint(
            op,
            left.values[p // width],
            right.values[p % width],
            left.found[p // width],
            right.found[p % width],
        )
        for p in distinct.tolist()
    ]
    return np.asarray(slots, dtype=bool)[inverse]


@dataclass
class ConstraintChecker:
    """Hard constraints; ``distinct_*`` pass here and are enforced during placement."""

    constraints: list[Constraint]
    family: str = "constraint"

    def __post_init__(self) -> None:
        self.constraints = [c for c in self.constraints if c.operand not in _PLACEMENT_ONLY]

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        checks = [(constraint_mask(table, c)[rows], reasons.id(str(c))) for c in self.constraints]
        return first_failures(rows, checks)

    def findings(self, node: Node) -> list[Finding]:
        found = []
        for c in self.constraints:
            lval, lfound = resolve_target(c.l_target, node)
            rval, rfound = resolve_target(c.r_target, node)
            if not check_constraint(c.operand, lval, rval, lfound, rfound):
                actual = repr(lval) if lfound else "(not set)"
                found.append(constraint_finding(c, actual))
        return found


def constraint_finding(constraint: Constraint, actual: str) -> Finding:
    """A failing constraint; one Nomad added at registration says so, and why."""
    text = str(constraint)
    if constraint.implied_by:
        return Finding(
            f"implied constraint {text.strip()}",
            f"{text} (added by Nomad for {constraint.implied_by})",
            actual,
            implied_by=constraint.implied_by,
        )
    return Finding(f"constraint {text.strip()}", text, actual)
