"""Explanations: Nomad-worded placement failures, then the why-not table Nomad lacks."""

from ..core.class_labels import class_labels, table_class_labels
from ..core.nomad_text import format_alloc_metrics, format_dry_run, format_task_group_failure
from .whynot import ClassExplanation, explain_group, node_findings

__all__ = [
    "ClassExplanation",
    "class_labels",
    "explain_group",
    "format_alloc_metrics",
    "format_dry_run",
    "format_task_group_failure",
    "node_findings",
    "table_class_labels",
]
