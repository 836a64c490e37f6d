"""What ``check``, ``whatif`` and ``diff`` print, built from ``ScenarioRun`` results."""

from __future__ import annotations

from collections import Counter
from typing import Any

from models import TaskGroup

from ..core.class_labels import table_class_labels
from ..whatif.outcome import GroupResult, ScenarioRun
from .render import OutputFormat, table

GROUP_HEADER = [
    "JOB/GROUP",
    "TYPE",
    "COUNT",
    "FEASIBLE NODES",
    "PLACED",
    "STATUS",
    "BLOCKED BY",
    "PLACED ON",
]
# Up to this many chosen nodes are named; beyond it they are summarised per computed class.
NAMED_NODES = 3
NAMED_CLASSES = 3


def group_rows(run: ScenarioRun) -> list[list[Any]]:
    labels = _LazyLabels(run)
    return [
        [
            g.key,
            g.job_type,
            g.count,
            g.feasible_nodes,
            g.placed,
            g.status,
            g.blocking or "-",
            placed_on(run, g, labels) or "-",
        ]
        for g in run.groups
    ]


class _LazyLabels:
    """The run's class labels, computed only when some group needs a per-class summary."""

    def __init__(self, run: ScenarioRun):
        self.run = run
        self._labels: list[str] | None = None

    def __getitem__(self, code: int) -> str:
        if self._labels is None:
            self._labels = table_class_labels(self.run.table)
        return self._labels[code]


def placed_on(run: ScenarioRun, g: GroupResult, labels: _LazyLabels | None = None) -> str:
    """The nodes chosen for the group: named when few (``linux-0 ×2, windows-0``), else
    allocations and nodes per computed class (``8 allocs on 4 nodes of m5-xlarge · ...``),
    the largest first."""
    per_node = Counter(g.placements or g.nodes)
    if len(per_node) <= NAMED_NODES:
        return ", ".join(f"{n} ×{k}" if k > 1 else n for n, k in per_node.items())
    labels = labels or _LazyLabels(run)
    table_ = run.table
    allocs: Counter[int] = Counter()
    nodes: Counter[int] = Counter()
    for name, k in per_node.items():
        code = int(table_.class_codes[table_.name_index[name]])
        allocs[code] += k
        nodes[code] += 1
    ranked = allocs.most_common()
    parts = [
        f"{_plural(k, 'alloc')} on {_plural(nodes[c], 'node')} of {labels[c]}"
        for c, k in ranked[:NAMED_CLASSES]
    ]
    if len(ranked) > NAMED_CLASSES:
        rest = sum(k for _, k in ranked[NAMED_CLASSES:])
        more = len(ranked) - NAMED_CLASSES
        parts.append(f"{_plural(rest, 'alloc')} on {more} more class{'es' if more > 1 else ''}")
    return "; ".join(parts)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def failure_blocks(run: ScenarioRun) -> str:
    """``nomad job plan``'s dry-run block for every job that does not place fully."""
    blocks = []
    for outcome in run.plan.jobs:
        if outcome.failed:
            blocks.append(f'Job "{outcome.job.id}":\n{outcome.dry_run()}')
    return "\n\n".join(blocks)


def implied_by(group: TaskGroup) -> dict[str, str]:
    """The constraints Nomad added to the group and its tasks at registration, and why."""
    found: dict[str, str] = {}
    for c in [*group.constraints, *(c for t in group.tasks for c in t.constraints)]:
        if c.implied_by:
            found.setdefault(str(c), c.implied_by)
    return found


def implied_lines(run: ScenarioRun) -> list[str]:
    """Filtering constraints of failed groups that Nomad added at registration, and why."""
    lines = []
    for outcome in run.plan.jobs:
        for group in outcome.job.task_groups:
            metric = outcome.failed.get(group.name)
            if metric is None:
                continue
            implied = implied_by(group)
            lines += [
                f'{outcome.job.id}/{group.name}: "{text}" is added by Nomad for {implied[text]}'
                for text in metric.constraint_filtered
                if text in implied
            ]
    return lines


def risk_lines(groups: list[GroupResult]) -> list[str]:
    return [f"WARNING {g.key}: {risk}" for g in groups for risk in g.risks]


def note_lines(groups: list[GroupResult]) -> list[str]:
    return [f"{g.key}: {note}" for g in groups for note in g.notes]


def deployment_lines(run: ScenarioRun) -> list[str]:
    """Jobs whose deployment Nomad would fail, in its own words."""
    lines = []
    for outcome in run.plan.jobs:
        deployment = outcome.deployment
        if deployment.deployment_description:
            after = f" after {deployment.after}" if deployment.after else ""
            pending = ", ".join(deployment.pending)
            lines.append(
                f"{outcome.job.id}: {pending} pending on the client; deployment "
                f'"{deployment.deployment_description}"{after}'
            )
    return lines


def outcome_sections(run: ScenarioRun, label: str = "") -> list[str]:
    """Nomad's failure blocks, then the placements that cannot start, then deployments."""
    suffix = f" ({label})" if label else ""
    parts = []
    blocks = failure_blocks(run)
    if blocks:
        parts.append(f"Placement failures{suffix}, as `nomad job plan` prints them:\n\n{blocks}")
    implied = implied_lines(run)
    if implied:
        parts.append(
            f"Constraints not written in the job{suffix}, added at registration:\n"
            + "\n".join(implied)
        )
    risks = risk_lines(run.groups)
    if risks:
        parts.append(
            f"Placed but cannot start{suffix}, allocations stay pending:\n" + "\n".join(risks)
        )
    notes = note_lines(run.groups)
    if notes:
        parts.append(f"Not modelled{suffix}, the answer assumes:\n" + "\n".join(notes))
    deployments = deployment_lines(run)
    if deployments:
        parts.append(f"Predicted deployments{suffix}:\n" + "\n".join(deployments))
    preemptions = preemption_blocks(run)
    if preemptions:
        parts.append(f"Preemptions{suffix}, as `nomad job plan` prints them:\n\n{preemptions}")
    return parts


def preemption_blocks(run: ScenarioRun) -> str:
    """``nomad job plan``'s "Preemptions" block for every job whose placements evict."""
    blocks = []
    for job_id in dict.fromkeys(o.job.id for o in run.plan.jobs if o.preempted):
        blocks.append(f'Job "{job_id}":\n{run.plan.preemption_text(job_id)}')
    return "\n\n".join(blocks)


def check_report(run: ScenarioRun, fmt: OutputFormat) -> str:
    return "\n\n".join([table(fmt, GROUP_HEADER, group_rows(run)), *outcome_sections(run)])


def check_json(run: ScenarioRun) -> dict[str, Any]:
    """Nomad's plan response fields where they overlap (``FailedTGAllocs``), then ours."""
    by_job: dict[str, list[GroupResult]] = {}
    for g in run.groups:
        by_job.setdefault(g.job, []).append(g)
    return {
        "Jobs": [
            {
                "ID": outcome.job.id,
                "Type": outcome.job.type,
                "FailedTGAllocs": outcome.failed_tg_allocs() or None,
                "DryRun": outcome.dry_run(),
                "TriggeredBy": outcome.triggered_by,
                "PreemptedAllocs": [
                    {
                        "ID": e.alloc_id or None,
                        "JobID": e.job_id,
                        "TaskGroup": e.group,
                        "NodeName": e.node_name,
                        "Priority": e.priority,
                        "PreemptedBy": e.preempted_by,
                    }
                    for e in outcome.preempted
                ]
                or None,
                "Groups": [
                    _group_json(g)
                    for g in by_job.get(outcome.job.id, [])
                    if g.triggered_by == outcome.triggered_by
                ],
                "ImpliedConstraints": {
                    group.name: implied
                    for group in outcome.job.task_groups
                    if (implied := implied_by(group))
                }
                or None,
                "Deployment": {
                    "Status": outcome.deployment.status,
                    "Description": outcome.deployment.deployment_description,
                    "After": outcome.deployment.after,
                },
                "BlockedEval": (
                    {
                        "Status": "blocked",
                        "StatusDescription": outcome.blocked_eval.status_description,
                    }
                    if outcome.blocked_eval
                    else None
                ),
            }
            for outcome in run.plan.jobs
        ],
        "AllPlaced": run.all_placed,
    }


def _group_json(g: GroupResult) -> dict[str, Any]:
    return {
        "Name": g.group,
        "Count": g.count,
        "FeasibleNodes": g.feasible_nodes,
        "Placed": g.placed,
        "Unplaced": g.unplaced,
        "Status": g.status,
        "BlockedBy": g.blocking or None,
        "Nodes": g.nodes,
        "Risks": g.risks,
        "Notes": g.notes or None,
        "Allocations": g.allocations or None,
        "Preempted": g.preempted or None,
    }


CHANGE_HEADER = ["JOB/GROUP", "BEFORE", "AFTER", "BLOCKED BY (AFTER)", "CHANGED"]


def change_rows(before: ScenarioRun, after: ScenarioRun) -> list[list[Any]]:
    rows = []
    keys = [g.key for g in before.groups] + [
        g.key for g in after.groups if g.key not in {b.key for b in before.groups}
    ]
    for key in keys:
        b, a = _maybe(before, key), _maybe(after, key)
        b_text = _state(b)
        a_text = _state(a)
        rows.append(
            [
                key,
                b_text,
                a_text,
                (a.blocking if a else "") or "-",
                "yes" if b_text != a_text else "",
            ]
        )
    return rows


def _maybe(run: ScenarioRun, key: str) -> GroupResult | None:
    return next((g for g in run.groups if g.key == key), None)


def _state(g: GroupResult | None) -> str:
    if g is None:
        return "(absent)"
    where = f" on {', '.join(g.nodes[:3])}{' ...' if len(g.nodes) > 3 else ''}" if g.nodes else ""
    return f"{g.status} {g.placed}/{g.count}{where}"


def change_report(
    before: ScenarioRun,
    after: ScenarioRun,
    fmt: OutputFormat,
    labels: tuple[str, str] = ("before", "after"),
) -> str:
    parts = [f"{labels[0]} → {labels[1]}", table(fmt, CHANGE_HEADER, change_rows(before, after))]
    return "\n\n".join([*parts, *outcome_sections(after, labels[1])])


def change_json(before: ScenarioRun, after: ScenarioRun) -> dict[str, Any]:
    return {"Before": check_json(before), "After": check_json(after)}
