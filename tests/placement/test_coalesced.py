"""A group's placements after its first failure are counted, not attempted (CoalescedFailures)."""

from __future__ import annotations

from sim.placement import simulate

from .helpers import job, node


def test_a_billion_unplaceable_allocations_are_counted_at_once():
    # Two nodes hold 2 × 4 allocations of 1000 MHz; the rest of 10**9 cannot place. Looping
    # over them one by one would not finish; counting them is immediate.
    count = 10**9
    plan = simulate([node("a"), node("b")], [job(count=count, cpu=1000)])
    group = plan.jobs[0].groups[0]
    assert group.placed_count == 8
    assert group.unplaced == count - 8
    assert group.failed.coalesced_failures == count - 9
    # ExhaustResources adds the ask of every failed allocation: the first and the coalesced.
    assert group.failed.resources_exhausted["web"]["CPU"] == 1000 * (count - 8)
