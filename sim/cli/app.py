"""The ``nomad-sim`` commands: parse arguments, call the library, render."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
import typer

from ..core.errors import InputError
from ..core.gcpause import gc_paused
from ..core.group_keys import AUTO, MAX_GROUPS, NONE, key_reader
from ..core.nodetable import NodeTable
from ..feasibility import evaluate_job
from ..whatif.outcome import run_resolved
from . import edits as edit_cli
from .cluster import Cluster
from .grid import DEFAULT_MAX_POINTS, grid_size, parse_axes
from .guard import EXIT_UNPLACEABLE, GuardedGroup
from .lazygroup import lazy_group
from .options import FailOnRisk, MaxPoints, cluster_options
from .outputs import GraphFormat, graph_format, image_path, writable
from .process import keep_to_exit
from .render import OutputFormat, records, to_json
from .reports import change_json, change_report, check_json, check_report
from .seeded import with_seeds
from .snapshot import snapshot as snapshot_command

if TYPE_CHECKING:
    from ..io.resolved import ResolvedScenario
    from ..whatif.edits import Edit
    from ..whatif.outcome import ScenarioRun

HELP = """Offline simulator of HashiCorp Nomad's scheduler: which task groups place, where,
and if not, why.

\b
nomad-sim COMMAND [SCENARIO] [options]
With no COMMAND: check on the bundled default scenario.
Every command that reads a cluster takes a scenario YAML (SCENARIO, --set, --var-file)
or Nomad's own files (--job FILE ... --nodes FILE), and --format, --seed.

\b
Exit codes:
  0  every task group places
  3  some task group cannot be placed (the CI gate; with check/whatif --fail-on-risk
     also a placement that cannot start; fix: no fix found)
  2  invalid input or usage, or an internal error (one line on stderr)
  130  interrupted (Ctrl-C)
"""

app = typer.Typer(
    cls=GuardedGroup,
    add_completion=False,
    invoke_without_command=True,
    help=HELP,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version  # only for --version

        try:
            typer.echo(f"nomad-sim {version('nomad-sim')}")
        except PackageNotFoundError:
            typer.echo("nomad-sim (not installed: no distribution metadata)")
        raise typer.Exit()


@app.callback()
def default(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the traceback of an internal error (give it before COMMAND)."
        ),
    ] = False,
) -> None:
    """With no command: ``check`` on the bundled default scenario."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(check)


def _load(
    cluster: Cluster, *, with_sets: bool = True, warned: tuple[str, ...] = ()
) -> ResolvedScenario:
    """The cluster, its warnings on stderr (but not those in ``warned``, printed already by
    an earlier load of the same files)."""
    resolved = cluster.resolve(with_sets=with_sets)
    keep_to_exit(resolved)
    for warning in resolved.warnings:
        if warning not in warned:
            typer.echo(f"warning: {warning}", err=True)
    return resolved


def _simulate(resolved: ResolvedScenario, seed: int, metrics: bool = False) -> ScenarioRun:
    """``run_resolved`` with the cyclic GC paused: one simulation leaves little garbage, and
    the collections its node table and capacity keys would trigger only rescan them."""
    with gc_paused():
        run = run_resolved(resolved, seed, metrics=metrics)
    keep_to_exit(run)
    return run


def _exit_for(run: ScenarioRun, fail_on_risk: bool = False) -> None:
    if not run.all_placed or (fail_on_risk and run.risky):
        raise typer.Exit(EXIT_UNPLACEABLE)


@app.command()
@with_seeds("check", plot=True)
@cluster_options()
def check(cluster: Cluster, fail_on_risk: FailOnRisk = False) -> None:
    """Which task groups place, where, and if not, Nomad's placement failure."""
    fmt = cluster.fmt
    run = _simulate(_load(cluster), cluster.seed, metrics=fmt is OutputFormat.json)
    typer.echo(to_json(check_json(run)) if fmt is OutputFormat.json else check_report(run, fmt))
    _exit_for(run, fail_on_risk)


# The "placed but cannot start" finding (Bug #17), a row of its own beside "feasible".
CANNOT_START_CHECK = "placed but cannot start"
# What the answer assumes because the simulator does not model it (a CSI volume, ...).
NOT_MODELLED = "not modelled"

EXPLAIN_COLUMNS = (
    ("group", "GROUP"),
    ("nodes", "NODES (CLASS)"),
    ("class_code", "CLASS"),
    ("node_count", "COUNT"),
    ("check", "CHECK"),
    ("required", "REQUIRED"),
    ("node_has", "NODE HAS"),
)


@app.command()
@cluster_options()
def explain(
    cluster: Cluster,
    target: Annotated[str, typer.Argument(metavar="JOB[/GROUP]", help="JOB or JOB/GROUP.")],
    node: Annotated[
        str | None, typer.Option("--node", metavar="NAME", help="Explain one node by name.")
    ] = None,
) -> None:
    """Every check that fails, per node class (or for one node), with the node's values."""
    resolved = _load(cluster)
    job_id, _, group_name = target.partition("/")
    job = next((j for j in resolved.jobs if j.id == job_id), None)
    if job is None:
        known = ", ".join(j.id for j in resolved.jobs)
        raise InputError(f"no job {job_id!r} in {resolved.source} (jobs: {known})")
    from ..explain import explain_group  # only here: a check does not import the explainer

    table_ = NodeTable(resolved.nodes)
    result = evaluate_job(table_, job, cluster.seed)
    groups = [g for g in result.groups if not group_name or g.group.name == group_name]
    if not groups:
        raise InputError(f"job {job_id!r} has no group {group_name!r}")
    if node is not None and node not in table_.name_index:
        raise InputError(f"no node named {node!r} in {resolved.source}")
    rows = []
    for feasibility in groups:
        for item in explain_group(table_, feasibility, node):
            group = f"{job.id}/{feasibility.group.name}"
            base = [group, item.label, f"#{item.class_code}", item.node_count]
            if not item.findings:
                rows.append([*base, "feasible", "", ""])
            for risk in item.start_risks:
                rows.append([*base, CANNOT_START_CHECK, "the tasks can start on the node", risk])
            for finding in item.findings:
                rows.append([*base, finding.check, finding.required, finding.actual])
            for spot in item.blind_spots:
                rows.append([*base, "note", spot, ""])
        group = f"{job.id}/{feasibility.group.name}"
        rows += [[group, "-", "", "", NOT_MODELLED, note, ""] for note in feasibility.notes]
    typer.echo(records(cluster.fmt, EXPLAIN_COLUMNS, rows))


@app.command()
@with_seeds("whatif", plot=True)
@cluster_options()
@edit_cli.edit_options
def whatif(cluster: Cluster, edits: list[Edit], fail_on_risk: FailOnRisk = False) -> None:
    """Before → after: the scenario (or snapshot) as is, then with the --set overrides and
    the cluster edits (--drain, --remove, --add, --scale, --plan, --priority)."""
    from ..whatif.edits import apply_edits

    base = _load(cluster, with_sets=False)
    before = _simulate(base, cluster.seed)
    # Edits are pure functions: without --set the loaded cluster is edited as it is.
    edited = _load(cluster, warned=tuple(base.warnings)) if cluster.sets else base
    after = _simulate(apply_edits(edited, edits), cluster.seed)
    label = " ".join(["after", *cluster.sets, *(c.label for c in edits)])
    if cluster.fmt is OutputFormat.json:
        typer.echo(to_json({**change_json(before, after), **edit_cli.moves_json(before, after)}))
    else:
        typer.echo(change_report(before, after, cluster.fmt, ("before", label)))
        moved = edit_cli.moves_report(before, after, cluster.fmt)
        if moved:
            typer.echo("\n" + moved)
    _exit_for(after, fail_on_risk)


@app.command()
@cluster_options(scenario=False)
@edit_cli.edit_options
def diff(
    cluster: Cluster,
    edits: list[Edit],
    first: Annotated[Path, typer.Argument(metavar="A", help="Scenario A (see below).")],
    second: Annotated[Path, typer.Argument(metavar="B", help="Scenario B.")],
    set_a: Annotated[
        list[str] | None,
        typer.Option(
            "--set-a", metavar="NAME=VALUE", help="Scenario variable for A only (repeatable)."
        ),
    ] = None,
    set_b: Annotated[
        list[str] | None,
        typer.Option(
            "--set-b", metavar="NAME=VALUE", help="Scenario variable for B only (repeatable)."
        ),
    ] = None,
) -> None:
    """Compare A with B group by group; exit code as check gives for B.

    A and B are scenarios; with --job they are Nomad node files checked against the same
    jobs; with --nodes they are job files checked on the same nodes. --set and --var-file
    apply to both A and B (said under the table); --set-a and --set-b to one side, over
    --set. The cluster edits (--drain, --remove, --add, --scale, --plan) apply to B.
    """
    from ..whatif.edits import apply_edits
    from .diffs import DiffOverrides

    both = [*cluster.sets, *(f"--var-file {p}" for p in cluster.var_files)]
    applied = DiffOverrides(both, set_a or [], set_b or [], [e.label for e in edits])
    side_a = msgspec.structs.replace(cluster.side(first), sets=(*cluster.sets, *applied.a))
    side_b = msgspec.structs.replace(cluster.side(second), sets=(*cluster.sets, *applied.b))
    loaded_a = _load(side_a)
    a = _simulate(loaded_a, cluster.seed)
    loaded_b = _load(side_b, warned=tuple(loaded_a.warnings))
    b = _simulate(apply_edits(loaded_b, edits), cluster.seed)
    if cluster.fmt is OutputFormat.json:
        typer.echo(to_json({**change_json(a, b), "Applied": applied.to_json()}))
    else:
        typer.echo(change_report(a, b, cluster.fmt, (first.name, second.name)))
        lines = applied.lines()
        if lines:
            typer.echo("\n" + "\n".join(lines))
    _exit_for(b)


SWEEP_COLUMNS = (
    ("groups_ok", "GROUPS OK"),
    ("unplaced_allocs", "UNPLACED ALLOCS"),
    ("cannot_start", "CANNOT START"),
)


@app.command(name="sweep")
@with_seeds("sweep", distributes=True)
@cluster_options()
@edit_cli.edit_options
def sweep_command(
    cluster: Cluster,
    edits: list[Edit],
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            metavar="NAME=LOW..HIGH|NAME=A,B",
            help="A variable's values: an inclusive integer range or a list (repeatable, "
            "one per variable).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", metavar="FILE", help="Write a heatmap, FILE.png or FILE.svg."),
    ] = None,
    max_points: MaxPoints = DEFAULT_MAX_POINTS,
) -> None:
    """Outcomes over a grid of variable values, with a progress bar.

    The grid varies scenario variables, so sweep needs a scenario: Nomad's own --job/--nodes
    files have none. The cluster edits (--drain, --remove, --add, --scale, --plan) apply at
    every point, after its variable values.
    """
    if plot is not None:
        image_path(plot)
    axes = parse_axes(grid or (), max_points)
    overrides = cluster.overrides
    for name, _ in axes:
        if name in overrides:
            raise InputError(f"--grid {name!r} and --set {name} both give it: keep one")
    path = cluster.scenario_file("sweep")
    if edits:
        from ..whatif.edits import apply_edits

        apply_edits(_load(cluster), edits)  # a selector naming no node fails before the bar
    from ..whatif.sweep import one_seed_note
    from .montecarlo import sweep_points

    with typer.progressbar(length=grid_size(axes), label="sweeping", file=sys.stderr) as bar:
        points = sweep_points(path, axes, cluster, bar.update, edits)
    names = [name for name, _ in axes]
    note = one_seed_note(cluster.seed)
    if cluster.fmt is OutputFormat.json:
        typer.echo(
            to_json(
                [
                    {
                        "values": p.values,
                        "groups_ok": p.groups_ok,
                        "groups": p.groups_total,
                        "unplaced_allocs": p.unplaced,
                        "cannot_start": p.risky,
                        "seed": cluster.seed,
                        "note": note,
                    }
                    for p in points
                ]
            )
        )
    else:
        columns = [*((name, name) for name in names), *SWEEP_COLUMNS]
        rows = [
            [
                *(p.values[n] for n in names),
                f"{p.groups_ok}/{p.groups_total}",
                p.unplaced,
                p.risky,
            ]
            for p in points
        ]
        typer.echo(records(cluster.fmt, columns, rows))
        typer.echo(f"\nnote: {note}")
    if plot is not None:
        from ..whatif.heatmap import plot_sweep

        typer.echo(f"wrote {plot_sweep(points, axes, plot, note)}", err=True)


@app.command()
@cluster_options()
def fix(
    cluster: Cluster,
    max_count: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Most nodes added to one node group in a proposal."),
    ] = 8,
    max_points: MaxPoints = DEFAULT_MAX_POINTS,
) -> None:
    """Verified fixes, ranked per group that does not place or cannot start: add nodes of
    a node group, add the OS constraint the job lacks, relax what blocks.

    Each proposal is simulated before it is shown. Exit 0 when every such group has one,
    3 when some has none.
    """
    from ..whatif.proposals import propose_fixes
    from .fixes import fix_json, fix_text

    resolved = _load(cluster)

    def reload(values: dict[str, object]) -> ResolvedScenario:
        extra = tuple(f"{k}={v}" for k, v in values.items())
        return msgspec.structs.replace(cluster, sets=(*cluster.sets, *extra)).resolve()

    report = propose_fixes(
        resolved,
        seed=cluster.seed,
        max_count=max_count,
        max_points=max_points,
        reload=None if cluster.native else reload,
    )
    if cluster.fmt is OutputFormat.json:
        typer.echo(to_json(fix_json(report, max_count)))
    else:
        typer.echo(fix_text(report, max_count, cluster.fmt))
    if not report.settled:
        raise typer.Exit(EXIT_UNPLACEABLE)


class Resolution(StrEnum):
    """What the graph's right-hand vertices are."""

    class_ = "class"
    node = "node"


@app.command()
@cluster_options(output_format=False)
def graph(
    cluster: Cluster,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="File to write.")
    ] = Path("graph.png"),
    fmt: Annotated[
        GraphFormat | None,
        typer.Option("--format", help="File format (default: from FILE's suffix)."),
    ] = None,
    resolution: Annotated[
        Resolution, typer.Option(help="Right-hand vertices: computed node classes or nodes.")
    ] = Resolution.class_,
    group_by: Annotated[
        str,
        typer.Option(
            "--group-by",
            metavar="KEY",
            help="Merge the right-hand vertices by datacenter, node_pool, os, class, meta.KEY "
            "or attr.KEY. auto: pictures (png, svg, dot) with more than "
            f"{MAX_GROUPS} are merged by a key that splits them; none: never.",
        ),
    ] = AUTO,
) -> None:
    """Export the task-group × node-class (or × node) graph."""
    from ..graph import export_graph, group_class_graph, group_node_graph
    from ..graph.aggregate import readable

    if group_by not in (AUTO, NONE):
        key_reader(group_by)
    chosen = graph_format(writable(output), fmt)
    resolved = _load(cluster)
    table_ = NodeTable(resolved.nodes)
    feasibilities = [evaluate_job(table_, job, cluster.seed) for job in resolved.jobs]
    build = group_class_graph if resolution is Resolution.class_ else group_node_graph
    G = build(table_, feasibilities, resolved.node_group_of)
    picture = chosen in (GraphFormat.png, GraphFormat.svg, GraphFormat.dot)
    if picture or group_by != AUTO:
        G, merged = readable(G, table_, group_by)
        for how in merged:
            option = "" if how.key == "job" else f" (--group-by {how.key})"
            typer.echo(f"note: {how.describe()}{option}", err=True)
    typer.echo(f"wrote {export_graph(G, output, chosen.value)}")


NODES_COLUMNS = (
    ("node_group", "NODE GROUP"),
    ("computed_class", "CLASS"),
    ("class_label", "LABEL (AS IN GRAPH, EXPLAIN)"),
    ("node_class", "NODE CLASS"),
    ("datacenter", "DATACENTER"),
    ("node_pool", "POOL"),
    ("kernel", "KERNEL"),
    ("nodes", "NODES"),
)
# Status counts, then per resource capacity/reserved/allocated/free (JSON: one object each).
NODES_STATUS_COLUMNS = (
    ("ready", "READY"),
    ("eligible", "ELIGIBLE"),
    ("draining", "DRAINING"),
    ("allocations", "ALLOCS"),
)
NODES_TABLE_IDENTITY = 3  # NODE GROUP, CLASS, LABEL: the label names class, datacenter, kernel
NODES_AMOUNTS_NOTE = (
    "CPU MHz, memory MiB, disk MiB: capacity/reserved/allocated/free; allocated = the "
    "scenario's running allocations (jobs not yet placed); eligible = ready, scheduling "
    "eligible, not draining"
)


@app.command()
@cluster_options()
def nodes(cluster: Cluster) -> None:
    """Node groups and their computed classes: status counts and CPU, memory, disk as
    capacity, reserved, allocated (running allocations) and free."""
    from ..planning.inventory import RESOURCES, node_inventory

    rows = node_inventory(_load(cluster))
    identity = [
        [
            row.node_group,
            f"#{row.class_code}",
            row.label,
            row.representative.node_class or "-",
            row.representative.datacenter,
            row.representative.node_pool,
            row.representative.attributes.get("kernel.name", "-"),
            row.nodes,
        ]
        for row in rows
    ]
    status = [[row.ready, row.eligible, row.draining, row.allocations] for row in rows]
    if cluster.fmt is OutputFormat.json:
        keys = [key for key, _ in (*NODES_COLUMNS, *NODES_STATUS_COLUMNS)]
        typer.echo(
            to_json(
                [
                    {
                        **dict(zip(keys, [*ident, *counts], strict=True)),
                        **{key: a.to_json() for key, a in row.amounts().items()},
                    }
                    for ident, counts, row in zip(identity, status, rows, strict=True)
                ]
            )
        )
        return
    columns: list[tuple[str, str]] = [
        *NODES_COLUMNS[:NODES_TABLE_IDENTITY],
        ("node_pool", "POOL"),
        ("nodes", "NODES"),
        *NODES_STATUS_COLUMNS,
        *((key, f"{title.upper()} CAP/RSV/ALLOC/FREE") for key, title in RESOURCES),
    ]
    cells = [
        [
            *ident[:NODES_TABLE_IDENTITY],
            ident[5],
            ident[7],
            *counts,
            *(_amount_cell(a) for a in row.amounts().values()),
        ]
        for ident, counts, row in zip(identity, status, rows, strict=True)
    ]
    typer.echo(records(cluster.fmt, columns, cells))
    typer.echo(f"\n{NODES_AMOUNTS_NOTE}")


def _amount_cell(amounts: Any) -> str:
    return f"{amounts.capacity}/{amounts.reserved}/{amounts.allocated}/{amounts.free}"


@app.command()
def schema() -> None:
    """The scenario file's JSON Schema, for editors."""
    from models import Scenario as ScenarioModel

    typer.echo(json.dumps(ScenarioModel.model_json_schema(), indent=2))


@app.command()
def generate(
    output: Annotated[Path, typer.Argument(metavar="OUT", help="Scenario YAML to write.")],
    node_count: Annotated[
        int, typer.Option("--nodes", min=1, metavar="N", help="Synthetic nodes.")
    ] = 1000,
    job_count: Annotated[
        int, typer.Option("--jobs", min=0, metavar="N", help="Synthetic jobs.")
    ] = 20,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", min=0, metavar="N", help="Seed of the generator: same seed, same scenario."
        ),
    ] = 0,
) -> None:
    """Write a seeded synthetic scenario (realistic nodes and jobs)."""
    from ..synth import write_scenario

    writable(output)
    typer.echo(f"wrote {write_scenario(output, node_count, job_count, seed)}")


# `nomad-sim snapshot` lives in its own module.
app.command(name="snapshot")(snapshot_command)


def main() -> None:
    """The command line in this process: returns or raises ``SystemExit`` as ``app()`` does,
    building only the command it runs (``lazy_group``)."""
    lazy_group(app)()


from . import capacity as _capacity  # noqa: E402,F401  (registers capacity, resilience, headroom)
from . import report as _report  # noqa: E402,F401  (registers report)
