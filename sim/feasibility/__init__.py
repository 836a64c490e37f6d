"""Feasibility: which nodes each task group may use, and why every other node may not.

Names are imported on first use (``sim.core.lazy``): a command loads only the modules it
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
    from .candidates import Candidates, candidate_nodes, in_datacenters, in_pool
    from .checker import Checker, Finding
    from .devices import device_matches, healthy_instances
    from .engine import (
        GroupFeasibility,
        JobEligibility,
        JobFeasibility,
        VisitOrder,
        evaluate_group,
        evaluate_job,
        evaluate_stack,
        run_checkers,
    )
    from .findings import eligibility_findings, node_findings
    from .reasons import COMPUTED_CLASS_INELIGIBLE, MISSING_HOST_VOLUMES, PASS, ReasonTable
    from .reference import ReferenceWrapper, reference_candidates
    from .stack import GroupStack, build_stack, group_constraints, job_stage, network_asks

_HOMES = {
    "COMPUTED_CLASS_INELIGIBLE": ".reasons",
    "Candidates": ".candidates",
    "Checker": ".checker",
    "Finding": ".checker",
    "GroupFeasibility": ".engine",
    "GroupStack": ".stack",
    "JobEligibility": ".engine",
    "JobFeasibility": ".engine",
    "MISSING_HOST_VOLUMES": ".reasons",
    "PASS": ".reasons",
    "ReasonTable": ".reasons",
    "ReferenceWrapper": ".reference",
    "VisitOrder": ".engine",
    "build_stack": ".stack",
    "candidate_nodes": ".candidates",
    "device_matches": ".devices",
    "eligibility_findings": ".findings",
    "evaluate_group": ".engine",
    "evaluate_job": ".engine",
    "evaluate_stack": ".engine",
    "group_constraints": ".stack",
    "healthy_instances": ".devices",
    "in_datacenters": ".candidates",
    "in_pool": ".candidates",
    "job_stage": ".stack",
    "network_asks": ".stack",
    "node_findings": ".findings",
    "reference_candidates": ".reference",
    "run_checkers": ".engine",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "COMPUTED_CLASS_INELIGIBLE",
    "MISSING_HOST_VOLUMES",
    "PASS",
    "Candidates",
    "Checker",
    "Finding",
    "GroupFeasibility",
    "GroupStack",
    "JobEligibility",
    "JobFeasibility",
    "ReasonTable",
    "ReferenceWrapper",
    "VisitOrder",
    "build_stack",
    "candidate_nodes",
    "device_matches",
    "eligibility_findings",
    "evaluate_group",
    "evaluate_job",
    "evaluate_stack",
    "group_constraints",
    "healthy_instances",
    "in_datacenters",
    "in_pool",
    "job_stage",
    "network_asks",
    "node_findings",
    "reference_candidates",
    "run_checkers",
]
