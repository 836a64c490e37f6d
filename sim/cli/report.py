"""``nomad-sim report``: the answers of check, explain, whatif, capacity, headroom,
resilience, sweep and graph on one self-contained HTML page (the library is
:mod:`sim.report`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..core.errors import InputError
from ..core.limits import SMALL_CLUSTER
from ..io.detect import is_snapshot
from . import edits as edit_cli
from .app import _load, app
from .cluster import Cluster
from .grid import DEFAULT_MAX_POINTS, parse_axes
from .inputs import scenario_path
from .options import MaxPoints, cluster_options
from .outputs import writable

if TYPE_CHECKING:
    from ..whatif.edits import Edit

MAX_GRID_AXES = 2  # the heatmap has rows and columns


def _sweep_source(cluster: Cluster) -> Path | None:
    """The scenario file a sweep reloads, or None for a snapshot or Nomad's own files."""
    if cluster.native:
        return None
    path = scenario_path(cluster.scenario)
    return None if is_snapshot(path) else path


@app.command(name="report")
@cluster_options(output_format=False)
@edit_cli.edit_options
def report_command(
    cluster: Cluster,
    edits: list[Edit],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="HTML file to write.")
    ] = Path("report.html"),
    capacity: Annotated[
        list[str] | None,
        typer.Option(
            "--capacity",
            metavar="JOB[/GROUP]",
            help="Groups whose capacity to compute (repeatable; default: every service and "
            f"batch group on clusters of up to {SMALL_CLUSTER} nodes).",
        ),
    ] = None,
    domains: Annotated[
        list[str] | None,
        typer.Option(
            "--domain",
            metavar="DOMAIN",
            help="Failure domains to lose one value of (repeatable; default: node up to "
            f"{SMALL_CLUSTER} nodes, else datacenter).",
        ),
    ] = None,
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            metavar="NAME=LOW..HIGH|NAME=A,B",
            help="Sweep grid, one or two variables (default: the count variables around "
            f"their values, up to {SMALL_CLUSTER} nodes).",
        ),
    ] = None,
    max_points: MaxPoints = DEFAULT_MAX_POINTS,
) -> None:
    """One self-contained HTML page for a design review: summary, check with Nomad's
    placement failures, why-not tables, before → after of the --set overrides and cluster
    edits (--drain, --remove, --add, --scale, --plan), capacity, headroom, resilience,
    sweep heatmap and the task-group × class graph.

    Exit 0 when the page is written, whatever it reports (check is the CI gate).
    """
    from ..report import Request, collect, write_report

    writable(output)
    axes = parse_axes(grid, max_points) if grid else None
    if axes is not None and len(axes) > MAX_GRID_AXES:
        raise InputError(f"--grid: at most {MAX_GRID_AXES} variables (a heatmap's two axes)")
    source = _sweep_source(cluster)
    if axes is not None and source is None:
        cluster.scenario_file("--grid")
        raise InputError("--grid changes scenario variables; a snapshot has none")
    base = _load(cluster, with_sets=False)
    before, label = None, ""
    resolved = base
    if cluster.sets or edits:
        from ..whatif.edits import apply_edits

        before = base
        edited = _load(cluster, warned=tuple(base.warnings)) if cluster.sets else base
        resolved = apply_edits(edited, edits)
        label = " ".join([*cluster.sets, *(e.label for e in edits)])
    request = Request(
        seed=cluster.seed,
        capacity=tuple(capacity) if capacity else None,
        domains=tuple(domains) if domains else None,
        grid=axes,
        scenario_file=source,
        sets=cluster.overrides,
        var_files=cluster.var_files,
        edits=tuple(edits),
    )
    content = collect(resolved, request, before, label)
    typer.echo(f"wrote {write_report(content, output)}")
