"""``nomad-sim VERB [SCENARIO] [options]``.

Exit codes: 0 every task group places; 3 some task group cannot be placed (the CI gate;
with ``--fail-on-risk`` also a placement that cannot start); 2 invalid input or usage.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from models import Scenario as ScenarioModel

from ..core.errors import InputError, NomadSimError
from ..core.nodetable import NodeTable
from ..explain import explain_group
from ..feasibility import evaluate_job
from ..whatif import constraint_fixes, minimal_counts, parse_grid, run_resolved, sweep
from .inputs import parse_sets, resolve, scenario_path
from .render import OutputFormat, table, to_json
from .reports import change_json, change_report, check_json, check_report

EXIT_OK, EXIT_INVALID, EXIT_UNPLACEABLE = 0, 2, 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    invoke_without_command=True,
    help=__doc__,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

Scenario = Annotated[
    Path | None, typer.Argument(help="Scenario YAML (default: bundled hashistack).")
]
Sets = Annotated[
    list[str], typer.Option("--set", help="NAME=VALUE scenario variable (repeatable).")
]
VarFiles = Annotated[
    list[Path], typer.Option("--var-file", help="terraform.tfvars / .tfvars.json.")
]
Format = Annotated[OutputFormat, typer.Option("--format", help="table, json or markdown.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of Nomad's node shuffle.")]


def friendly(command: F) -> F:
    """Bad input becomes one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NomadSimError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from None

    return wrapper  # type: ignore[return-value]


def _exit_for(run: Any, fail_on_risk: bool) -> None:
    if not run.all_placed or (fail_on_risk and run.risky):
        raise typer.Exit(EXIT_UNPLACEABLE)


@app.callback()
def default(ctx: typer.Context) -> None:
    """With no command: ``check`` on the bundled default scenario."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(check)


@app.command()
@friendly
def check(
    scenario: Scenario = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    jobs: Annotated[
        list[Path], typer.Option("--job", help="Jobspec or job JSON (repeatable).")
    ] = [],  # noqa: B006
    nodes: Annotated[Path | None, typer.Option("--nodes", help="Full node JSON.")] = None,
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
    fail_on_risk: Annotated[
        bool, typer.Option(help="Exit 3 also when a placement cannot start.")
    ] = False,
) -> None:
    """Which task groups place, where, and if not, Nomad's placement failure."""
    resolved = resolve(scenario, sets, var_files, jobs, nodes)
    for warning in resolved.warnings:
        typer.echo(f"warning: {warning}", err=True)
    run = run_resolved(resolved, seed, metrics=fmt is OutputFormat.json)
    typer.echo(to_json(check_json(run)) if fmt is OutputFormat.json else check_report(run, fmt))
    _exit_for(run, fail_on_risk)


@app.command()
@friendly
def explain(
    target: Annotated[str, typer.Argument(help="JOB or JOB/GROUP.")],
    scenario: Scenario = None,
    node: Annotated[str | None, typer.Option("--node", help="Explain one node by name.")] = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    jobs: Annotated[list[Path], typer.Option("--job")] = [],  # noqa: B006
    nodes: Annotated[Path | None, typer.Option("--nodes")] = None,
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
) -> None:
    """Every check that fails, per node class (or for one node), with the node's values."""
    resolved = resolve(scenario, sets, var_files, jobs, nodes)
    job_id, _, group_name = target.partition("/")
    job = next((j for j in resolved.jobs if j.id == job_id), None)
    if job is None:
        known = ", ".join(j.id for j in resolved.jobs)
        raise InputError(f"no job {job_id!r} in {resolved.source} (jobs: {known})")
    table_ = NodeTable(resolved.nodes)
    result = evaluate_job(table_, job, seed)
    groups = [g for g in result.groups if not group_name or g.group.name == group_name]
    if not groups:
        raise InputError(f"job {job_id!r} has no group {group_name!r}")
    if node is not None and node not in table_.name_index:
        raise InputError(f"no node named {node!r} in {resolved.source}")
    records = []
    for feasibility in groups:
        for item in explain_group(table_, feasibility, node):
            base = [f"{job.id}/{feasibility.group.name}", item.label, item.node_count]
            if not item.findings:
                records.append([*base, "feasible", "", ""])
            for finding in item.findings:
                records.append([*base, finding.check, finding.required, finding.actual])
            for spot in item.blind_spots:
                records.append([*base, "note", spot, ""])
    header = ["GROUP", "NODES (CLASS)", "COUNT", "CHECK", "REQUIRED", "NODE HAS"]
    if fmt is OutputFormat.json:
        typer.echo(to_json([dict(zip(header, r)) for r in records]))
    else:
        typer.echo(table(fmt, header, records))


@app.command()
@friendly
def whatif(
    scenario: Scenario = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
) -> None:
    """Before → after: the scenario as is, then with the --set overrides."""
    path = scenario_path(scenario)
    before = run_resolved(resolve(path, [], var_files), seed)
    after = run_resolved(resolve(path, sets, var_files), seed)
    label = "after " + " ".join(sets) if sets else "after"
    if fmt is OutputFormat.json:
        typer.echo(to_json(change_json(before, after)))
    else:
        typer.echo(change_report(before, after, fmt, ("before", label)))
    _exit_for(after, False)


@app.command()
@friendly
def diff(
    first: Annotated[Path, typer.Argument(help="Scenario A.")],
    second: Annotated[Path, typer.Argument(help="Scenario B.")],
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
) -> None:
    """Compare two scenarios group by group."""
    a = run_resolved(resolve(first, sets, var_files), seed)
    b = run_resolved(resolve(second, sets, var_files), seed)
    if fmt is OutputFormat.json:
        typer.echo(to_json(change_json(a, b)))
    else:
        typer.echo(change_report(a, b, fmt, (first.name, second.name)))
    _exit_for(b, False)


@app.command(name="sweep")
@friendly
def sweep_command(
    scenario: Scenario = None,
    grid: Annotated[
        list[str], typer.Option("--grid", help="NAME=LOW..HIGH or NAME=A,B (repeatable).")
    ] = [],  # noqa: B006
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a heatmap PNG/SVG.")] = None,
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
) -> None:
    """Outcomes over a grid of variable values, with a progress bar."""
    if not grid:
        raise InputError("sweep needs at least one --grid NAME=LOW..HIGH")
    axes = [parse_grid(spec) for spec in grid]
    path = scenario_path(scenario)
    total = 1
    for _, values in axes:
        total *= len(values)
    with typer.progressbar(length=total, label="sweeping", file=sys.stderr) as bar:
        points = sweep(
            path, axes, sets=parse_sets(sets), var_files=var_files, seed=seed, progress=bar.update
        )
    names = [name for name, _ in axes]
    header = [*names, "GROUPS OK", "UNPLACED ALLOCS", "CANNOT START"]
    rows = [
        [*(p.values[n] for n in names), f"{p.groups_ok}/{len(p.run.groups)}", p.unplaced, p.risky]
        for p in points
    ]
    if fmt is OutputFormat.json:
        typer.echo(to_json([dict(zip(header, r)) for r in rows]))
    else:
        typer.echo(table(fmt, header, rows))
    if plot is not None:
        from ..whatif.heatmap import plot_sweep

        typer.echo(f"wrote {plot_sweep(points, axes, plot)}", err=True)


@app.command()
@friendly
def fix(
    scenario: Scenario = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    max_count: Annotated[int, typer.Option(help="Upper bound per count variable.")] = 8,
    seed: Seed = 0,
) -> None:
    """The smallest node counts that place every job; constraints that block a group."""
    path = scenario_path(scenario)
    current = run_resolved(resolve(path, sets, var_files), seed)
    for item in constraint_fixes(current, seed):
        typer.echo(
            f"{item.group}: removing {item.level} constraint {item.constraint!r} "
            f"makes {item.feasible_nodes} node(s) feasible"
        )
    found = minimal_counts(path, parse_sets(sets), var_files, max_count=max_count, seed=seed)
    if found is None:
        typer.echo(f"no count assignment up to {max_count} per variable places every job")
        raise typer.Exit(EXIT_UNPLACEABLE)
    values = ", ".join(f"{k}={v}" for k, v in found.values.items())
    typer.echo(
        f"smallest counts placing every job where it can start: {values} "
        f"({found.tried} assignments tried)"
    )


@app.command()
@friendly
def graph(
    scenario: Scenario = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path(
        "graph.png"
    ),
    fmt: Annotated[
        str | None, typer.Option("--format", help="graphml, json, dot, png or svg.")
    ] = None,
    resolution: Annotated[str, typer.Option(help="class or node.")] = "class",
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    seed: Seed = 0,
) -> None:
    """Export the task-group × node-class (or × node) graph."""
    from ..graph import export_graph, group_class_graph, group_node_graph

    resolved = resolve(scenario, sets, var_files)
    table_ = NodeTable(resolved.nodes)
    feasibilities = [evaluate_job(table_, job, seed) for job in resolved.jobs]
    if resolution not in ("class", "node"):
        raise InputError(f"--resolution must be class or node, not {resolution!r}")
    build = group_class_graph if resolution == "class" else group_node_graph
    G = build(table_, feasibilities, resolved.node_group_of)
    try:
        written = export_graph(G, output, fmt)
    except ValueError as exc:
        raise InputError(str(exc), output) from None
    typer.echo(f"wrote {written}")


@app.command()
@friendly
def nodes(
    scenario: Scenario = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    fmt: Format = OutputFormat.table,
) -> None:
    """Node groups and the computed classes they collapse into."""
    resolved = resolve(scenario, sets, var_files)
    table_ = NodeTable(resolved.nodes)
    rows: dict[tuple[str, int], list[Any]] = {}
    for i, node in enumerate(resolved.nodes):
        key = (resolved.node_group_of[i], int(table_.class_codes[i]) if table_.n else 0)
        row = rows.setdefault(
            key,
            [
                key[0],
                f"#{key[1]}",
                node.node_class or "-",
                node.datacenter,
                node.node_pool,
                node.attributes.get("kernel.name", "-"),
                0,
            ],
        )
        row[-1] += 1
    header = ["NODE GROUP", "CLASS", "NODE CLASS", "DATACENTER", "POOL", "KERNEL", "NODES"]
    if fmt is OutputFormat.json:
        typer.echo(to_json([dict(zip(header, r)) for r in rows.values()]))
    else:
        typer.echo(table(fmt, header, list(rows.values())))


@app.command()
def schema() -> None:
    """The scenario file's JSON Schema, for editors."""
    typer.echo(json.dumps(ScenarioModel.model_json_schema(), indent=2))


@app.command()
@friendly
def generate(
    output: Annotated[Path, typer.Argument(help="Scenario YAML to write.")],
    node_count: Annotated[int, typer.Option("--nodes", help="Synthetic nodes.")] = 1000,
    job_count: Annotated[int, typer.Option("--jobs", help="Synthetic jobs.")] = 20,
    seed: Seed = 0,
) -> None:
    """Write a seeded synthetic scenario (realistic nodes and jobs)."""
    from ..synth import write_scenario

    typer.echo(f"wrote {write_scenario(output, node_count, job_count, seed)}")


def main() -> None:
    app()
