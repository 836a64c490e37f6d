"""Feasibility: which nodes each task group may use, and why every other node may not."""

from .candidates import Candidates, candidate_nodes
from .checker import Checker, Finding
from .engine import GroupFeasibility, JobFeasibility, evaluate_job, evaluate_stack
from .reasons import COMPUTED_CLASS_INELIGIBLE, PASS, ReasonTable
from .stack import GroupStack, build_stack, group_constraints, network_asks

__all__ = [
    "COMPUTED_CLASS_INELIGIBLE",
    "PASS",
    "Candidates",
    "Checker",
    "Finding",
    "GroupFeasibility",
    "GroupStack",
    "JobFeasibility",
    "ReasonTable",
    "build_stack",
    "candidate_nodes",
    "evaluate_job",
    "evaluate_stack",
    "group_constraints",
    "network_asks",
]
