"""What the report shows, gathered from the same library results the CLI prints.

Every number here comes from one library call the matching command makes too:
``run_resolved`` (check, whatif), ``explain_group`` (explain), ``moves``/``losses`` (whatif),
``capacity_of``/``headroom_of``/``resilience_of`` (capacity, headroom, resilience), ``sweep``
(sweep) and ``group_class_graph`` (graph). The report only arranges them.

Analyses that re-run the scheduler once per task group, per failure case or per grid point
run by default only on small clusters (``SMALL_CLUSTER`` nodes); on larger ones the report
says how to ask for them (``--capacity``, ``--domain``, ``--grid``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import networkx as nx

from ..core.limits import SMALL_CLUSTER
from ..explain import ClassExplanation, explain_group, table_class_labels
from ..graph import group_class_graph
from ..io import ResolvedScenario
from ..planning import (
    CapacityResult,
    HeadroomRow,
    ResilienceReport,
    capacity_of,
    current_cluster,
    headroom_of,
    resilience_of,
)
from ..whatif import (
    Edit,
    Loss,
    Move,
    ScenarioRun,
    SweepPoint,
    count_variables,
    losses,
    moves,
    sweep,
)

MAX_WHY_NOT_GROUPS = 25
"""Blocked or at-risk groups given a why-not table; the rest are listed by name."""
WHY_NOT_CLASS_BUDGET = 600
"""Class explanations (groups × computed classes) across all why-not tables: each checks
one node of the class against every checker, so a cluster of many classes gets tables for
fewer groups (at least one)."""
SWEEP_SPAN = 3
"""An automatic sweep takes each count variable from 0 to its value + SWEEP_SPAN - 1 (at
least 0..SWEEP_SPAN - 1), over the first two count variables."""
SWEEP_STEPS = 7
"""Values per variable in an automatic sweep over a wider span: spread evenly over it, plus
the variable's own value when it falls between them."""


class Request(msgspec.Struct, frozen=True):
    """What to analyse beyond the scenario itself; None means the automatic choice."""

    seed: int = 0
    capacity: tuple[str, ...] | None = None  # JOB or JOB/GROUP
    domains: tuple[str, ...] | None = None
    grid: Sequence[tuple[str, Sequence[int | str]]] | None = None
    # For the sweep: the scenario file, its --set overrides and var files (None: not a
    # scenario, e.g. a snapshot or Nomad's own files).
    scenario_file: Path | None = None
    sets: dict[str, object] = msgspec.field(default_factory=dict)
    var_files: tuple[Path, ...] = ()
    edits: tuple[Edit, ...] = ()  # the what-if's cluster edits, applied at every sweep point


@dataclass
class WhyNot:
    """The why-not table of one blocked or at-risk group."""

    key: str
    status: str
    rows: list[ClassExplanation]


@dataclass
class Change:
    """The before → after of a what-if."""

    label: str
    before: ScenarioRun
    moves: list[Move]
    losses: list[Loss]


@dataclass
class Sweep:
    grid: Sequence[tuple[str, Sequence[int | str]]]
    points: list[SweepPoint]
    automatic: bool


@dataclass
class NodeGroupRow:
    """One node group's nodes in one computed class (as ``nomad-sim nodes`` lists them)."""

    node_group: str
    class_code: int
    label: str
    node_class: str
    datacenter: str
    pool: str
    kernel: str
    nodes: int


@dataclass
class Content:
    """Everything the page shows."""

    resolved: ResolvedScenario
    run: ScenarioRun
    node_rows: list[NodeGroupRow]
    why_not: list[WhyNot]
    why_not_skipped: list[str]
    change: Change | None
    headroom: list[HeadroomRow]
    capacity: list[CapacityResult]
    capacity_note: str
    resilience: list[ResilienceReport]
    resilience_note: str
    sweep: Sweep | None
    sweep_note: str
    graph: nx.Graph
    seed: int


def node_group_rows(resolved: ResolvedScenario, run: ScenarioRun) -> list[NodeGroupRow]:
    """Node groups → computed classes, with their node counts, in order of first node."""
    table = run.table
    labels = table_class_labels(table)
    counts: Counter[tuple[str, int]] = Counter()
    first: dict[tuple[str, int], int] = {}
    for i, group in enumerate(resolved.node_group_of):
        key = (group, int(table.class_codes[i]))
        counts[key] += 1
        first.setdefault(key, i)
    rows = []
    for key, i in first.items():
        node = resolved.nodes[i]
        rows.append(
            NodeGroupRow(
                key[0],
                key[1],
                labels[key[1]],
                node.node_class or "-",
                node.datacenter,
                node.node_pool,
                node.attributes.get("kernel.name", "-"),
                counts[key],
            )
        )
    return rows


def why_not_tables(run: ScenarioRun) -> tuple[list[WhyNot], list[str]]:
    """``explain``'s table for each group that is short or cannot start where it landed."""
    wanted = [g for g in run.groups if g.unplaced or g.risks]
    room = max(1, min(MAX_WHY_NOT_GROUPS, WHY_NOT_CLASS_BUDGET // max(run.table.class_count, 1)))
    shown, skipped = wanted[:room], [g.key for g in wanted[room:]]
    by_group = {(jf.job.id, gf.group.name): gf for jf in run.feasibility for gf in jf.groups}
    tables = [
        WhyNot(g.key, g.status, explain_group(run.table, by_group[g.job, g.group]))
        for g in shown
        if (g.job, g.group) in by_group
    ]
    return tables, skipped


def automatic_grid(resolved: ResolvedScenario) -> list[tuple[str, Sequence[int | str]]]:
    """The first two count variables, each from 0 to a little past its current value."""
    grid: list[tuple[str, Sequence[int | str]]] = []
    for name in count_variables(resolved)[:2]:
        try:
            current = max(int(str(resolved.variables.get(name, 0))), 0)
        except ValueError:
            continue
        top = current + SWEEP_SPAN - 1
        if top < SWEEP_STEPS:
            grid.append((name, range(0, top + 1)))
        else:
            spread = {round(k * top / (SWEEP_STEPS - 1)) for k in range(SWEEP_STEPS)}
            grid.append((name, sorted(spread | {current})))
    return grid


def _sweep(resolved: ResolvedScenario, request: Request) -> tuple[Sweep | None, str]:
    if request.scenario_file is None:
        return None, "no sweep: the input has no scenario variables (a snapshot or Nomad files)"
    grid, automatic = request.grid, request.grid is None
    if grid is None:
        if len(resolved.nodes) > SMALL_CLUSTER:
            return None, (
                f"no automatic sweep on {len(resolved.nodes):,} nodes (more than "
                f"{SMALL_CLUSTER}); ask for one with --grid NAME=LOW..HIGH"
            )
        grid = automatic_grid(resolved)
        if not grid:
            return None, "no sweep: the scenario has no count variables"
    points = sweep(
        request.scenario_file,
        grid,
        sets=request.sets,
        var_files=list(request.var_files),
        seed=request.seed,
        edits=request.edits,
    )
    return Sweep(grid, points, automatic), ""


def _capacity_targets(
    run: ScenarioRun, request: Request, nodes: int
) -> tuple[list[tuple[str, str | None]], str]:
    """(job, group or None) pairs; a job id may itself hold a slash, so the automatic list
    keeps job and group apart."""
    if request.capacity is not None:
        return [
            (job, group or None) for job, _, group in (t.partition("/") for t in request.capacity)
        ], ""
    if nodes > SMALL_CLUSTER:
        return [], (
            f"capacity per group is not computed by default on {nodes:,} nodes (more than "
            f"{SMALL_CLUSTER}); ask with --capacity JOB[/GROUP]"
        )
    return [(g.job, g.group) for g in run.groups if g.job_type not in ("system", "sysbatch")], ""


def _domains(request: Request, nodes: int) -> tuple[list[str], str]:
    if request.domains is not None:
        return list(request.domains), ""
    if nodes <= SMALL_CLUSTER:
        return ["node"], ""
    return ["datacenter"], (
        f"losing each node is not tried by default on {nodes:,} nodes (more than "
        f"{SMALL_CLUSTER}); ask with --domain node"
    )


def collect(
    resolved: ResolvedScenario,
    request: Request,
    before: ResolvedScenario | None = None,
    label: str = "",
) -> Content:
    """Run the analyses on ``resolved`` (after any what-if); with ``before``, also the
    scenario as it was, for the before → after section."""
    cluster = current_cluster(resolved, request.seed)
    run = cluster.run
    why_not, skipped = why_not_tables(run)
    change = None
    if before is not None:
        was = current_cluster(before, request.seed).run
        change = Change(label or "after", was, moves(was, run), losses(was, run))
    nodes = len(resolved.nodes)
    targets, capacity_note = _capacity_targets(run, request, nodes)
    capacity = [capacity_of(cluster, job, group) for job, group in targets]
    domains, resilience_note = _domains(request, nodes)
    resilience = [resilience_of(cluster, domain) for domain in domains] if nodes else []
    swept, sweep_note = _sweep(resolved, request)
    graph = group_class_graph(run.table, run.feasibility, resolved.node_group_of)
    return Content(
        resolved=resolved,
        run=run,
        node_rows=node_group_rows(resolved, run),
        why_not=why_not,
        why_not_skipped=skipped,
        change=change,
        headroom=headroom_of(cluster) if nodes else [],
        capacity=capacity,
        capacity_note=capacity_note,
        resilience=resilience,
        resilience_note=resilience_note,
        sweep=swept,
        sweep_note=sweep_note,
        graph=graph,
        seed=request.seed,
    )
