"""``capacity``, ``resilience`` and ``headroom``: how many more fit, what survives a lost
domain, how much is free and in what pieces (the library is :mod:`sim.planning`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..core.limits import MAX_FAILURE_SETS
from .app import _load, app
from .cluster import Cluster
from .guard import EXIT_UNPLACEABLE
from .options import FailOnRisk, cluster_options
from .outputs import image_path
from .render import OutputFormat, records, table, to_json
from .seeded import with_seeds

Plot = Annotated[
    Path | None,
    typer.Option("--plot", metavar="FILE", help="Write a chart, FILE.png or FILE.svg."),
]


def _with_scenario(cluster: Cluster, target: str | None, ask: str | None):
    """With ``--ask`` the JOB may be left out: a lone YAML/JSON argument is the scenario."""
    if (
        ask
        and target
        and cluster.scenario is None
        and Path(target).suffix
        in (
            ".yaml",
            ".yml",
            ".json",
        )
    ):
        return None, Cluster.from_options(
            scenario=Path(target),
            jobs=list(cluster.jobs),
            nodes=cluster.nodes,
            sets=list(cluster.sets),
            var_files=list(cluster.var_files),
            fmt=cluster.fmt,
            seed=cluster.seed,
        )
    return target, cluster


CAPACITY_COLUMNS = (("scope", "SCOPE"), ("value", "VALUE"), ("more", "MORE"))


@app.command(name="capacity")
@with_seeds("capacity", plot=True)
@cluster_options()
def capacity_command(
    cluster: Cluster,
    target: Annotated[
        str | None,
        typer.Argument(metavar="JOB[/GROUP]", help="JOB or JOB/GROUP (optional with --ask)."),
    ] = None,
    ask: Annotated[
        str | None,
        typer.Option(
            "--ask",
            metavar="cpu=MHz,memory=MB,disk=MB,cores=N",
            help="Reshape the group, or without JOB a hypothetical one.",
        ),
    ] = None,
) -> None:
    """How many more allocations of a group Nomad places on the cluster as it is."""
    from ..planning import capacity_of, current_cluster, parse_ask  # only in this command

    target, cluster = _with_scenario(cluster, target, ask)
    shape = parse_ask(ask) if ask else None
    state = current_cluster(_load(cluster), cluster.seed)
    result = capacity_of(state, target, ask=shape)
    if cluster.fmt is OutputFormat.json:
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
        typer.echo(records(cluster.fmt, CAPACITY_COLUMNS, rows) + "\n")
    typer.echo(result.failure_text)


@app.command(name="resilience")
@with_seeds("resilience")
@cluster_options()
def resilience_command(
    cluster: Cluster,
    domain: Annotated[
        str,
        typer.Option(
            "--domain",
            metavar="DOMAIN",
            help="node, datacenter, node_pool, node.class, meta.KEY or attr.KEY.",
        ),
    ] = "node",
    lose: Annotated[
        int,
        typer.Option(
            "--lose",
            min=1,
            metavar="N",
            help=f"Domain values lost at once, every combination (at most "
            f"{MAX_FAILURE_SETS:,} cases).",
        ),
    ] = 1,
    plot: Plot = None,
    fail_on_risk: FailOnRisk = False,
) -> None:
    """Lose each value of a failure domain: which groups cannot replace their allocations.

    Exit 3 when some case leaves allocations unplaced (the N-1 gate).
    """
    from ..planning import current_cluster, resilience_of

    if plot is not None:
        image_path(plot)
    report = resilience_of(current_cluster(_load(cluster), cluster.seed), domain, lose)
    if cluster.fmt is OutputFormat.json:
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
        typer.echo(table(cluster.fmt, header, rows))
        verdict = "survives" if report.survives else f"fails in {len(report.failing)} case(s)"
        typer.echo(f"\nN-{report.lose} over {report.domain}: {verdict}")
        if report.risky:
            labels = ", ".join(case.label for case in report.risky)
            typer.echo(f"warning: replacements that cannot start (pending) when losing {labels}")
        unknown = sum(case.unknown_lost for case in report.cases)
        if unknown:
            typer.echo(
                f"note: {unknown} lost allocation(s) belong to jobs the scenario does not "
                "describe; nothing replaces them"
            )
        for key, count in report.already_unplaced.items():
            typer.echo(f"note: {key} is {count} allocation(s) short before anything is lost")
    if plot is not None:
        from ..planning.plots import plot_resilience

        typer.echo(f"wrote {plot_resilience(report, plot)}", err=True)
    if not report.survives or (fail_on_risk and report.risky):
        raise typer.Exit(EXIT_UNPLACEABLE)


@app.command(name="headroom")
@cluster_options()
def headroom_command(cluster: Cluster, plot: Plot = None) -> None:
    """Allocated vs capacity per datacenter, pool and class, and the largest ask that fits."""
    from ..planning import current_cluster, headroom_of
    from ..planning.headroom import UNITS, HeadroomRow, use_cell

    if plot is not None:
        image_path(plot)
    rows = headroom_of(current_cluster(_load(cluster), cluster.seed))
    if cluster.fmt is OutputFormat.json:
        typer.echo(to_json([r.to_json() for r in rows]))
    else:
        dims = HeadroomRow.dimensions(rows)
        header = ["SCOPE", "VALUE", "NODES"] + [
            f"{d.upper()} {UNITS[d]} USED/CAP (LARGEST FIT)" for d in dims
        ]
        body = [[r.scope, r.value, r.nodes] + [use_cell(r.use[d], d) for d in dims] for r in rows]
        typer.echo(table(cluster.fmt, header, body))
    if plot is not None:
        from ..planning.plots import plot_headroom

        typer.echo(f"wrote {plot_headroom(rows, plot)}", err=True)
