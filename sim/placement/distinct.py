"""``distinct_hosts`` and ``distinct_property``: feasibility that depends on placed allocations.

Both run after the class-cached checkers, are never cached, and record their own
filter reasons: ``distinct_hosts`` (``DistinctHostsIterator``, scheduler/feasible/feasible.go),
``missing property "<LTarget>"`` and ``distinct_property: <LTarget>=<value> used by <n> allocs``
(``propertySet.SatisfiesDistinctProperties``, scheduler/feasible/propertyset.go).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import Constraint, Job, TaskGroup

from ..core.gofmt import go_quote
from ..core.nodetable import NodeTable
from ..feasibility import ReasonTable

DISTINCT_HOSTS = "distinct_hosts"
DISTINCT_PROPERTY = "distinct_property"
_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_GO_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
_UINT64_MAX = 2**64 - 1


def distinct_hosts_enabled(constraints: list[Constraint]) -> bool:
    """Only the first ``distinct_hosts`` constraint counts; RTarget "" or unparsable → on."""
    for constraint in constraints:
        if constraint.operand == DISTINCT_HOSTS:
            return constraint.r_target not in _GO_FALSE
    return False


def parse_uint64(text: str) -> tuple[int | None, str]:
    """Go ``strconv.ParseUint(text, 10, 64)``: (value, "") or (None, Go's error text)."""
    if text and text.isascii() and text.isdigit():
        value = int(text)
        if value <= _UINT64_MAX:
            return value, ""
        return None, f"strconv.ParseUint: parsing {go_quote(text)}: value out of range"
    return None, f"strconv.ParseUint: parsing {go_quote(text)}: invalid syntax"


@dataclass
class PropertySet:
    """One ``distinct_property`` constraint: allocations counted per node property value."""

    l_target: str
    codes: np.ndarray  # per table node: slot of its property value
    values: tuple[str, ...]
    found: np.ndarray  # per slot
    counts: np.ndarray  # per slot: existing + placed allocations
    allowed: int
    error: str = ""
    group: str = ""  # "" = job level (counts every group of the job)

    @classmethod
    def of(cls, table: NodeTable, constraint: Constraint, group: str = "") -> PropertySet:
        column = table.column(constraint.l_target) if constraint.l_target else None
        allowed, error = 1, ""
        if constraint.r_target:
            parsed, err = parse_uint64(constraint.r_target)
            if parsed is None:
                allowed = 0
                error = (
                    f"failed to convert RTarget {go_quote(constraint.r_target)} to uint64: {err}"
                )
            else:
                allowed = parsed
        values: tuple[str, ...]
        if column is None:  # getProperty: an empty property name is not found
            codes, values, found = np.zeros(table.n, dtype=np.int32), ("",), np.array([False])
        else:
            codes, values, found = column.codes, column.values, np.array(column.found, dtype=bool)
        return cls(
            constraint.l_target,
            codes,
            values,
            found,
            np.zeros(len(values), dtype=np.int64),
            allowed,
            error,
            group,
        )

    def counts_for(self, group: str) -> bool:
        return not self.group or self.group == group

    def add(self, node: int) -> None:
        slot = self.codes[node]
        if self.found[slot]:
            self.counts[slot] += 1

    def mask(self, nodes: np.ndarray) -> np.ndarray:
        if self.error:
            return np.zeros(len(nodes), dtype=bool)
        slot = self.codes[nodes]
        return self.found[slot] & (self.counts[slot] < self.allowed)

    def verdicts(self, nodes: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        """Reason id per node (-1 = satisfied), worded as Nomad records them."""
        out = np.full(len(nodes), -1, dtype=np.int32)
        if self.error:
            out[:] = reasons.id(self.error)
            return out
        slot = self.codes[nodes]
        for i in np.flatnonzero(~self.mask(nodes)).tolist():
            s = int(slot[i])
            if not self.found[s]:
                out[i] = reasons.id(f"missing property {go_quote(self.l_target)}")
            else:
                out[i] = reasons.id(
                    f"distinct_property: {self.l_target}={self.values[s]} "
                    f"used by {int(self.counts[s])} allocs"
                )
        return out


@dataclass
class DistinctRules:
    """The distinct_* rules that apply to one group's placements."""

    job_hosts: bool
    group_hosts: bool
    property_sets: list[PropertySet]

    @property
    def active(self) -> bool:
        return self.job_hosts or self.group_hosts or bool(self.property_sets)


def job_property_sets(table: NodeTable, job: Job) -> list[PropertySet]:
    """Job-level sets, shared by all groups of the job (one evaluation)."""
    return [PropertySet.of(table, c) for c in job.constraints if c.operand == DISTINCT_PROPERTY]


def distinct_rules(
    table: NodeTable, job: Job, group: TaskGroup, job_sets: list[PropertySet]
) -> DistinctRules:
    """Job sets first, then the group's own (``DistinctPropertyIterator.Next``).

    Task-level distinct_* constraints are not read by these iterators.
    """
    group_sets = [
        PropertySet.of(table, c, group.name)
        for c in group.constraints
        if c.operand == DISTINCT_PROPERTY
    ]
    return DistinctRules(
        job_hosts=distinct_hosts_enabled(job.constraints),
        group_hosts=distinct_hosts_enabled(group.constraints),
        property_sets=[*job_sets, *group_sets],
    )


def distinct_mask(
    rules: DistinctRules, nodes: np.ndarray, job_count: np.ndarray, group_count: np.ndarray
) -> np.ndarray:
    """Nodes that satisfy every distinct rule; counts are allocations per table node."""
    ok = np.ones(len(nodes), dtype=bool)
    if rules.job_hosts:
        ok &= job_count[nodes] == 0
    elif rules.group_hosts:
        ok &= group_count[nodes] == 0
    for pset in rules.property_sets:
        ok &= pset.mask(nodes)
    return ok


def distinct_verdicts(
    rules: DistinctRules,
    nodes: np.ndarray,
    job_count: np.ndarray,
    group_count: np.ndarray,
    reasons: ReasonTable,
) -> np.ndarray:
    """First failing distinct rule per node as a reason id (-1 = satisfied)."""
    out = np.full(len(nodes), -1, dtype=np.int32)
    if rules.job_hosts or rules.group_hosts:
        counts = job_count if rules.job_hosts else group_count
        out[counts[nodes] > 0] = reasons.id(DISTINCT_HOSTS)
    for pset in rules.property_sets:
        open_ = out == -1
        out[open_] = pset.verdicts(nodes[open_], reasons)
    return out
