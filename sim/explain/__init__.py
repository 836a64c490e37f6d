"""Explanations: Nomad-worded placement failures, then the why-not table Nomad lacks."""

from ..core.nomad_text import format_alloc_metrics, format_dry_run, format_task_group_failure
from .whynot import ClassExplanation, explain_group, node_findings

__all__ = [
    "ClassExplanation",
    "explain_group",
    "format_alloc_metrics",
    "format_dry_run",
    "format_task_group_failure",
    "node_findings",
]
