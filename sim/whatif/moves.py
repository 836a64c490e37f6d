"""What a what-if changed, allocation by allocation: what moved where, what no longer places."""

from __future__ import annotations

from collections import Counter

import msgspec

from .outcome import ScenarioRun


class Move(msgspec.Struct, frozen=True):
    """One group's allocations that left some nodes and arrived on others."""

    group: str
    left: dict[str, int]
    arrived: dict[str, int]


class Loss(msgspec.Struct, frozen=True):
    """A group that places fewer allocations after than before."""

    group: str
    before: int
    after: int
    blocking: str


def moves(before: ScenarioRun, after: ScenarioRun) -> list[Move]:
    """Per group, the allocations that are on a node before and not after, and the reverse."""
    earlier = {g.key: Counter(g.placements) for g in before.groups}
    out = []
    for g in after.groups:
        old, new = earlier.get(g.key, Counter()), Counter(g.placements)
        left, arrived = old - new, new - old
        if left or arrived:
            out.append(Move(g.key, dict(sorted(left.items())), dict(sorted(arrived.items()))))
    return out


def losses(before: ScenarioRun, after: ScenarioRun) -> list[Loss]:
    """Groups with more unplaced allocations after the change than before it."""
    earlier = {g.key: g for g in before.groups}
    return [
        Loss(g.key, earlier[g.key].placed if g.key in earlier else 0, g.placed, g.blocking)
        for g in after.groups
        if g.unplaced > (earlier[g.key].unplaced if g.key in earlier else 0)
    ]
