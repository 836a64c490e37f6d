"""Every failing check on one node, with the node's value: what the why-not table and the
fix search read (Nomad itself records only the first failure per node)."""

from __future__ import annotations

from models import Node

from .candidates import in_datacenters, in_pool
from .checker import Finding
from .engine import GroupFeasibility


def eligibility_findings(node: Node, feasibility: GroupFeasibility) -> list[Finding]:
    """Reasons a node is not even a candidate; Nomad drops these before counting anything."""
    job = feasibility.job
    found = []
    if not node.ready():
        state = f"status={node.status}, eligibility={node.scheduling_eligibility}"
        if node.drain or node.drain_strategy is not None:
            state += ", draining"
        found.append(Finding("node ready", "status ready, eligible, not draining", state))
    if not in_pool(node.node_pool, job.node_pool):
        found.append(Finding("node pool", f"pool {job.node_pool!r}", repr(node.node_pool)))
    if not in_datacenters(node.datacenter, job.datacenters):
        found.append(Finding("datacenter", f"one of {job.datacenters}", repr(node.datacenter)))
    return found


def node_findings(node: Node, feasibility: GroupFeasibility) -> list[Finding]:
    """Every failing check on one node, in the stack's order."""
    stack = feasibility.stack
    checkers = stack.job_checkers + stack.group_checkers + stack.available_checkers
    found = eligibility_findings(node, feasibility)
    for checker in checkers:
        found.extend(checker.findings(node))
    return found
