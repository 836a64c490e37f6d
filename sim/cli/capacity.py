"""``capacity``, ``resilience`` and ``headroom``: how many more fit, what survives a lost
domain, how much is free and how fragmented (the library is :mod:`sim.planning`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..planning import capacity_of, current_cluster, headroom_of, parse_ask, resilience_of
from ..planning.headroom import DIMENSIONS, UNITS
from ..planning.resilience import MAX_FAILURE_SETS
from .app import EXIT_UNPLACEABLE, Format, Scenario, Seed, Sets, VarFiles, app, friendly
from .inputs import resolve
from .render import OutputFormat, table, to_json

Plot = Annotated[Path | None, typer.Option("--plot", help="Write a PNG/SVG chart.")]


def _split_target(target: str | None, scenario: Path | None, ask: str | None):
    """With ``--ask`` the JOB may be left out: a lone path argument is then the scenario."""
    if ask and target and scenario is None and Path(target).suffix in (".yaml", ".yml", ".json"):
        return None, None, Path(target)
    job, _, group = (target or "").partition("/")
    return job or None, group or None, scenario


@app.command(name="capacity")
@friendly
def capacity_command(
    target: Annotated[
        str | None, typer.Argument(help="JOB or JOB/GROUP (optional with --ask).")
    ] = None,
    scenario: Scenario = None,
    ask: Annotated[
        str | None,
        typer.Option("--ask", help="cpu=MHz,memory=MB,disk=MB,cores=N: reshape or hypothesize."),
    ] = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
) -> None:
    """How many more allocations of a group Nomad places on the cluster as it is."""
    job, group, scenario = _split_target(target, scenario, ask)
    cluster = current_cluster(resolve(scenario, sets, var_files), seed)
    result = capacity_of(cluster, job, group, parse_ask(ask) if ask else None)
    if fmt is OutputFormat.json:
        typer.echo(to_json(result.to_json()))
        return
    typer.echo(
        f"{result.job}/{result.group}: {result.more} more allocation(s) place "
        f"({result.running} running); upper bound {result.bound}"
    )
    if result.cannot_start:
        typer.echo(f"warning: {result.cannot_start} of them land where they cannot start (pending)")
    typer.echo(f"next one fails: {result.limited_by}\n")
    rows = [
        [scope, value, count]
        for scope, counts in result.by_scope.items()
        for value, count in counts.items()
    ]
    if rows:
        typer.echo(table(fmt, ["SCOPE", "VALUE", "MORE"], rows) + "\n")
    typer.echo(result.failure_text)


@app.command(name="resilience")
@friendly
def resilience_command(
    scenario: Scenario = None,
    domain: Annotated[
        str,
        typer.Option(
            "--domain", help="node, datacenter, node_pool, node.class, meta.KEY or attr.KEY."
        ),
    ] = "node",
    lose: Annotated[
        int,
        typer.Option(
            "--lose",
            help=f"Domain values lost at once (every combination; at most "
            f"{MAX_FAILURE_SETS:,} cases).",
        ),
    ] = 1,
    plot: Plot = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
    fail_on_risk: Annotated[
        bool, typer.Option(help="Exit 3 also when a replacement cannot start.")
    ] = False,
) -> None:
    """Lose each value of a failure domain: which groups cannot replace their allocations.

    Exit 3 when some case leaves allocations unplaced (the N-1 gate)."""
    cluster = current_cluster(resolve(scenario, sets, var_files), seed)
    report = resilience_of(cluster, domain, lose)
    if fmt is OutputFormat.json:
        typer.echo(to_json(report.to_json()))
    else:
        rows = []
        for case in report.cases:
            short = [g for g in case.losses if g.unplaced]
            rows.append(
                [
                    case.label,
                    case.nodes,
                    case.lost,
                    case.unplaced,
                    case.cannot_start,
                    "yes" if case.survives else "NO",
                    "; ".join(f"{g.key} -{g.unplaced}: {g.reason}" for g in short) or "-",
                ]
            )
        header = [
            "LOST " + report.domain.upper(),
            "NODES",
            "LOST ALLOCS",
            "UNPLACED",
            "CANNOT START",
            "OK",
            "WHY",
        ]
        typer.echo(table(fmt, header, rows))
        verdict = "survives" if report.survives else f"fails in {len(report.failing)} case(s)"
        typer.echo(f"\nN-{report.lose} over {report.domain}: {verdict}")
        if report.risky:
            labels = ", ".join(case.label for case in report.risky)
            typer.echo(f"warning: replacements that cannot start (pending) when losing {labels}")
        for key, count in report.already_unplaced.items():
            typer.echo(f"note: {key} is {count} allocation(s) short before anything is lost")
    if plot is not None:
        from ..planning.plots import plot_resilience

        typer.echo(f"wrote {plot_resilience(report, plot)}", err=True)
    if not report.survives or (fail_on_risk and report.risky):
        raise typer.Exit(EXIT_UNPLACEABLE)


def _amount(value: float, dim: str) -> str:
    return f"{value:,.0f}" if dim in ("cpu", "memory", "disk") else f"{value:g}"


@app.command(name="headroom")
@friendly
def headroom_command(
    scenario: Scenario = None,
    plot: Plot = None,
    sets: Sets = [],  # noqa: B006
    var_files: VarFiles = [],  # noqa: B006
    fmt: Format = OutputFormat.table,
    seed: Seed = 0,
) -> None:
    """Allocated vs capacity per datacenter, pool and class, and the largest ask that fits."""
    rows = headroom_of(current_cluster(resolve(scenario, sets, var_files), seed))
    if fmt is OutputFormat.json:
        typer.echo(to_json([r.to_json() for r in rows]))
    else:
        dims = [d for d in DIMENSIONS if any(r.use[d].capacity for r in rows)]
        header = ["SCOPE", "VALUE", "NODES"] + [
            f"{d.upper()} {UNITS[d]} USED/CAP (LARGEST FIT)" for d in dims
        ]
        body = [
            [r.scope, r.value, r.nodes]
            + [
                f"{_amount(r.use[d].allocated, d)}/{_amount(r.use[d].capacity, d)} "
                f"{100 * r.use[d].used_share:.0f}% ({_amount(r.use[d].largest_free, d)})"
                for d in dims
            ]
            for r in rows
        ]
        typer.echo(table(fmt, header, body))
    if plot is not None:
        from ..planning.plots import plot_headroom

        typer.echo(f"wrote {plot_headroom(rows, plot)}", err=True)
