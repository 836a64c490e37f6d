"""Placement failures worded exactly as Nomad's CLI words them.

``formatAllocMetrics`` (command/monitor.go) and ``formatDryRun`` (command/job_plan.go).
Go prints map-driven lines in random map order; here they are sorted by key so output is
deterministic. Colour codes are omitted.
"""

from __future__ import annotations

from .gofmt import go_quote
from .metrics import AllocMetric


def format_alloc_metrics(metric: AllocMetric, prefix: str = "") -> str:
    """The ``* ...`` lines of a placement failure, final newline trimmed."""
    lines = []
    if metric.nodes_evaluated == 0:
        lines.append(f"{prefix}* No nodes were eligible for evaluation")
    for dc, count in sorted(metric.nodes_available.items()):
        if count == 0:
            lines.append(f"{prefix}* No nodes are available in datacenter {go_quote(dc)}")
    for name, count in sorted(metric.class_filtered.items()):
        lines.append(f"{prefix}* Class {go_quote(name)}: {count} nodes excluded by filter")
    for reason, count in sorted(metric.constraint_filtered.items()):
        lines.append(f"{prefix}* Constraint {go_quote(reason)}: {count} nodes excluded by filter")
    if metric.nodes_exhausted > 0:
        lines.append(f"{prefix}* Resources exhausted on {metric.nodes_exhausted} nodes")
    for name, count in sorted(metric.class_exhausted.items()):
        lines.append(f"{prefix}* Class {go_quote(name)} exhausted on {count} nodes")
    for dimension, count in sorted(metric.dimension_exhausted.items()):
        lines.append(f"{prefix}* Dimension {go_quote(dimension)} exhausted on {count} nodes")
    for quota in metric.quota_exhausted:
        lines.append(f"{prefix}* Quota limit hit {go_quote(quota)}")
    return "\n".join(lines)


def format_task_group_failure(group: str, metric: AllocMetric, indent: int = 2) -> str:
    """``Task Group "web" (failed to place 2 allocations):`` and its metric lines."""
    failed = metric.coalesced_failures + 1
    noun = "allocations" if metric.coalesced_failures > 0 else "allocation"
    header = f"{' ' * indent}Task Group {go_quote(group)} (failed to place {failed} {noun}):"
    return header + "\n" + format_alloc_metrics(metric, " " * (indent + 2))


def format_dry_run(job_type: str, failed: dict[str, AllocMetric]) -> str:
    """The scheduler dry-run block of ``nomad job plan``."""
    if not failed:
        return "- All tasks successfully allocated."
    if job_type == "system":
        out = ["- WARNING: Failed to place allocations on all nodes."]
    else:
        out = ["- WARNING: Failed to place all allocations."]
    for group in sorted(failed):
        out.append(format_task_group_failure(group, failed[group]))
        out.append("")
    return "\n".join(out).rstrip("\n")


PREEMPTION_DISPLAY_THRESHOLD = 10  # preemptionDisplayThreshold, command/job_plan.go


def format_list(rows: list[list[str]]) -> str:
    """``formatList`` (command/helpers.go): ryanuber/columnize with its defaults, columns
    left-aligned and joined by two spaces, the last one unpadded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join([*(c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)), row[-1]])
        for row in rows
    )


def format_preemptions(preempted: list[tuple[str, str, str, str, str]]) -> str:
    """``JobPlanCommand.addPreemptions``: (alloc ID, job ID, task group, namespace, job type)
    per preempted allocation; listed one by one under 10, else counted per job (per job type
    from 10 jobs on). Go's map order of the counts is replaced by first appearance."""
    out = ["Preemptions:", ""]
    if len(preempted) < PREEMPTION_DISPLAY_THRESHOLD:
        rows = [["Alloc ID", "Job ID", "Task Group"]]
        rows += [[alloc, job, group] for alloc, job, group, _, _ in preempted]
        return "\n".join(out) + "\n" + format_list(rows)
    per_job: dict[tuple[str, str, str], int] = {}
    for _, job, _, namespace, job_type in preempted:
        key = (job, namespace, job_type)
        per_job[key] = per_job.get(key, 0) + 1
    if len(per_job) < PREEMPTION_DISPLAY_THRESHOLD:
        rows = [["Job ID", "Namespace", "Job Type", "Preemptions"]]
        rows += [[job, ns, kind, str(n)] for (job, ns, kind), n in per_job.items()]
    else:
        per_type: dict[str, int] = {}
        for (_, _, kind), n in per_job.items():
            per_type[kind] = per_type.get(kind, 0) + n
        rows = [["Job Type", "Preemptions"]]
        rows += [[kind, str(n)] for kind, n in per_type.items()]
    return "\n".join(out) + "\n" + format_list(rows)
