"""Feasibility: which nodes each task group may use, and why every other node may not."""

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
