"""What ``--seeds`` reports: check, whatif, capacity, resilience and sweep over many seeds
of Nomad's node shuffle, as tables, JSON and a chart (the library is :mod:`sim.montecarlo`).

Each command's handler is ``NAME_seeds(cluster, runs, **its own options)``, called by
``@with_seeds`` (:mod:`.seeded`) only when ``--seeds`` is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import typer

from .. import montecarlo as mc
from ..planning import parse_ask
from ..whatif import SweepPoint, sweep
from ..whatif.edits import Edit, apply_edits, edits_from
from .app import _load
from .capacity import _with_scenario
from .cluster import Cluster
from .grid import grid_size, parse_axes
from .guard import EXIT_UNPLACEABLE
from .outputs import image_path
from .render import OutputFormat, table, to_json
from .seeded import Runs, current_executor


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * mc.tallies.share(part, whole):.1f}%)"


def _spread(values: tuple[int, int, int]) -> str:
    return "/".join(str(v) for v in values)


def _plot_to(
    plot: Path | None, labels: Sequence[str], probabilities: Sequence[float], title: str
) -> None:
    if plot is not None:
        from ..montecarlo.plots import plot_probabilities

        typer.echo(f"wrote {plot_probabilities(labels, probabilities, title, plot)}", err=True)


def _check_plot(plot: Path | None) -> None:
    if plot is not None:
        image_path(plot)


def _group_rows(tally: mc.CheckTally) -> list[list[object]]:
    return [
        [
            g.key,
            g.count,
            _ratio(g.fully, g.seeds),
            _spread(mc.spread(g.placed)),
            g.cannot_start,
            ", ".join(f"{label} {100 * s:.0f}%" for label, s in g.class_shares()) or "-",
        ]
        for g in tally.groups.values()
    ]


GROUP_HEADER = [
    "GROUP",
    "COUNT",
    "PLACES FULLY",
    "PLACED MIN/MEDIAN/MAX",
    "CANNOT START (SEEDS)",
    "NODE CLASSES (SHARE OF ALLOCATIONS)",
]


def _fails(tally: mc.CheckTally, fail_on_risk: bool) -> bool:
    risky = any(g.cannot_start for g in tally.groups.values())
    return tally.always < tally.seeds or (fail_on_risk and risky)


def check_seeds(cluster: Cluster, runs: Runs, fail_on_risk: bool, plot: Path | None) -> None:
    """Per group: P(places fully), placed counts, node-class usage; exit 3 unless every
    group places fully in every seed."""
    _check_plot(plot)
    resolved = _load(cluster)
    with runs.executor(len(runs.seeds), "seeds") as (executor, progress):
        tally = mc.check_seeds(resolved, runs.seeds, executor, progress)
    if cluster.fmt is OutputFormat.json:
        typer.echo(
            to_json(
                {
                    "seeds": runs.to_json(),
                    "all_placed_seeds": tally.always,
                    "p_all_placed": round(mc.tallies.share(tally.always, tally.seeds), 6),
                    "groups": [g.to_json() for g in tally.groups.values()],
                }
            )
        )
    else:
        typer.echo(table(cluster.fmt, GROUP_HEADER, _group_rows(tally)))
        typer.echo(
            f"\nevery group places fully in {_ratio(tally.always, tally.seeds)} of {runs.label}"
        )
    groups = list(tally.groups.values())
    _plot_to(
        plot, [g.key for g in groups], [g.probability for g in groups], "P(group places fully)"
    )
    if _fails(tally, fail_on_risk):
        raise typer.Exit(EXIT_UNPLACEABLE)


CHANGE_HEADER = ["GROUP", "BEFORE: PLACES FULLY", "AFTER: PLACES FULLY", "OUTCOME CHANGES"]


def whatif_seeds(
    cluster: Cluster,
    runs: Runs,
    drains: list[str] | None,
    removals: list[str] | None,
    additions: list[str] | None,
    scales: list[str] | None,
    plans: list[Path] | None,
    fail_on_risk: bool,
    plot: Path | None,
    priorities: list[str] | None = None,
) -> None:
    """Per group, seed by seed: does the change alter placed/unplaced/cannot-start?"""
    _check_plot(plot)
    changes = edits_from(
        drains or [], removals or [], additions or [], scales or [], plans or [], priorities or []
    )
    base = _load(cluster, with_sets=False)
    edited = _load(cluster, warned=tuple(base.warnings)) if cluster.sets else base
    after = apply_edits(edited, changes)
    with runs.executor(len(runs.seeds), "seeds") as (executor, progress):
        tally = mc.whatif_seeds(base, after, runs.seeds, executor, progress)
    label = " ".join([*cluster.sets, *(c.label for c in changes)])
    changed = list(tally.changes.values())
    if cluster.fmt is OutputFormat.json:
        typer.echo(
            to_json(
                {
                    "seeds": runs.to_json(),
                    "change": label,
                    "changed_seeds": tally.any_changed,
                    "p_changes": round(tally.probability, 6),
                    "groups": [
                        {
                            "group": c.key,
                            "before_places_fully": c.before_fully,
                            "after_places_fully": c.after_fully,
                            "outcome_changes": c.changed,
                            "p_changes": round(c.probability, 6),
                        }
                        for c in changed
                    ],
                    "after": [g.to_json() for g in tally.after.groups.values()],
                }
            )
        )
    else:
        rows = [
            [
                c.key,
                _ratio(c.before_fully, c.seeds),
                _ratio(c.after_fully, c.seeds),
                _ratio(c.changed, c.seeds),
            ]
            for c in changed
        ]
        typer.echo(table(cluster.fmt, CHANGE_HEADER, rows))
        typer.echo(
            f"\n{label or 'the change'} alters some group's outcome in "
            f"{_ratio(tally.any_changed, tally.seeds)} of {runs.label}"
        )
    _plot_to(
        plot,
        [c.key for c in changed],
        [c.probability for c in changed],
        f"P(outcome changes): {label or 'the change'}",
    )
    if _fails(tally.after, fail_on_risk):
        raise typer.Exit(EXIT_UNPLACEABLE)


CAPACITY_HEADER = ["MORE", "SEEDS", "AT LEAST THIS MANY"]


def capacity_seeds(
    cluster: Cluster, runs: Runs, target: str | None, ask: str | None, plot: Path | None
) -> None:
    """How many more allocations place, as a distribution over the seeds."""
    _check_plot(plot)
    target, cluster = _with_scenario(cluster, target, ask)
    shape = parse_ask(ask) if ask else None
    resolved = _load(cluster)
    with runs.executor(len(runs.seeds), "seeds") as (executor, progress):
        tally = mc.capacity_seeds(resolved, target, shape, runs.seeds, executor, progress)
    low, median, high = mc.spread(tally.more)
    values = sorted(tally.more)
    if cluster.fmt is OutputFormat.json:
        typer.echo(
            to_json(
                {
                    "seeds": runs.to_json(),
                    "group": tally.key,
                    "more": {"min": low, "median": median, "max": high},
                    "more_counts": {str(v): tally.more[v] for v in values},
                    "bound": tally.bound,
                    "cannot_start_seeds": tally.cannot_start,
                    "limited_by": dict(tally.limited_by.most_common()),
                }
            )
        )
    else:
        typer.echo(
            f"{tally.key}: {low}/{median}/{high} more allocation(s) place "
            f"(min/median/max over {runs.label}); upper bound {tally.bound}"
        )
        if tally.cannot_start:
            typer.echo(
                f"warning: in {tally.cannot_start} seed(s) some land where they cannot start"
            )
        rows = [[v, tally.more[v], f"{100 * tally.at_least(v):.1f}%"] for v in values]
        typer.echo(table(cluster.fmt, CAPACITY_HEADER, rows))
        for reason, seeds in tally.limited_by.most_common():
            typer.echo(f"next one fails ({seeds} seed(s)): {reason or '-'}")
    _plot_to(
        plot,
        [f"≥ {v} more" for v in values],
        [tally.at_least(v) for v in values],
        f"{tally.key}: P(at least this many more place)",
    )


def resilience_seeds(
    cluster: Cluster,
    runs: Runs,
    domain: str,
    lose: int,
    plot: Path | None,
    fail_on_risk: bool,
) -> None:
    """Per failure case: P(every lost allocation is placed again); exit 3 unless every case
    survives in every seed."""
    _check_plot(plot)
    resolved = _load(cluster)
    with runs.executor(len(runs.seeds), "seeds") as (executor, progress):
        tally = mc.resilience_seeds(resolved, domain, lose, runs.seeds, executor, progress)
    cases = list(tally.cases.values())
    if cluster.fmt is OutputFormat.json:
        typer.echo(
            to_json(
                {
                    "seeds": runs.to_json(),
                    "domain": domain,
                    "lose": lose,
                    "survives_seeds": tally.always,
                    "p_survives": round(mc.tallies.share(tally.always, tally.seeds), 6),
                    "cases": [
                        {
                            "lost": c.label,
                            "nodes": c.nodes,
                            "survives": c.survives,
                            "p_survives": round(c.probability, 6),
                            "unplaced": dict(zip(("min", "median", "max"), mc.spread(c.unplaced))),
                            "cannot_start_seeds": c.cannot_start,
                        }
                        for c in cases
                    ],
                }
            )
        )
    else:
        header = [
            "LOST " + domain.upper(),
            "NODES",
            "SURVIVES",
            "UNPLACED MIN/MEDIAN/MAX",
            "CANNOT START (SEEDS)",
        ]
        rows = [
            [
                c.label,
                c.nodes,
                _ratio(c.survives, c.seeds),
                _spread(mc.spread(c.unplaced)),
                c.cannot_start,
            ]
            for c in cases
        ]
        typer.echo(table(cluster.fmt, header, rows))
        typer.echo(
            f"\nN-{lose} over {domain}: every case survives in "
            f"{_ratio(tally.always, tally.seeds)} of {runs.label}"
        )
    _plot_to(
        plot,
        [c.label for c in cases],
        [c.probability for c in cases],
        f"P(survives losing one {domain})" if lose == 1 else f"P(survives N-{lose}, {domain})",
    )
    risky = any(c.cannot_start for c in cases)
    if tally.always < tally.seeds or (fail_on_risk and risky):
        raise typer.Exit(EXIT_UNPLACEABLE)


SWEEP_HEADER = ["EVERY GROUP OK", "GROUPS OK MIN/MEDIAN/MAX", "UNPLACED MIN/MEDIAN/MAX"]


def sweep_seeds(
    cluster: Cluster,
    runs: Runs,
    grid: list[str] | None,
    plot: Path | None,
    max_points: int,
    drains: list[str] | None,
    removals: list[str] | None,
    additions: list[str] | None,
    scales: list[str] | None,
    plans: list[Path] | None,
    priorities: list[str] | None = None,
) -> None:
    """Per grid point: P(every group places and can start), and the spread over the seeds."""
    _check_plot(plot)
    axes = parse_axes(grid or (), max_points)
    path = cluster.scenario_file("sweep")
    changes = edits_from(
        drains or [], removals or [], additions or [], scales or [], plans or [], priorities or []
    )
    if changes:
        apply_edits(_load(cluster), changes)  # a selector naming no node fails before the bar
    names = [name for name, _ in axes]
    with runs.executor(grid_size(axes), "sweeping") as (executor, progress):
        rows = [
            mc.sweep_row(points)
            for points in mc.sweep_seeds(
                path,
                axes,
                runs.seeds,
                sets=cluster.overrides,
                var_files=list(cluster.var_files),
                executor=executor,
                progress=progress,
                edits=changes,
            )
        ]
    if cluster.fmt is OutputFormat.json:
        typer.echo(
            to_json(
                {
                    "seeds": runs.to_json(),
                    "points": [
                        {
                            "values": r.values,
                            "groups": r.groups_total,
                            "all_ok": r.all_ok,
                            "p_all_ok": round(r.probability, 6),
                            "groups_ok": dict(zip(("min", "median", "max"), r.groups_ok)),
                            "unplaced_allocs": dict(zip(("min", "median", "max"), r.unplaced)),
                        }
                        for r in rows
                    ],
                }
            )
        )
    else:
        body = [
            [
                *(r.values[n] for n in names),
                _ratio(r.all_ok, r.seeds),
                f"{_spread(r.groups_ok)} of {r.groups_total}",
                _spread(r.unplaced),
            ]
            for r in rows
        ]
        typer.echo(table(cluster.fmt, [*names, *SWEEP_HEADER], body))
        typer.echo(f"\nover {runs.label}")
    _plot_to(
        plot,
        [" ".join(f"{k}={v}" for k, v in r.values.items()) for r in rows],
        [r.probability for r in rows],
        "P(every group places and can start)",
    )


def sweep_points(
    path: Path,
    axes: Sequence[tuple[str, Sequence[int | str]]],
    cluster: Cluster,
    progress: Callable[[int], None],
    edits: Sequence[Edit] = (),
) -> list[SweepPoint]:
    """A one-seed sweep, on the executor ``--workers``/``--scheduler`` chose, else as it
    always ran (in this process)."""
    executor = current_executor()
    if executor is None:
        return sweep(
            path,
            axes,
            sets=cluster.overrides,
            var_files=list(cluster.var_files),
            seed=cluster.seed,
            progress=progress,
            edits=edits,
        )
    found = mc.sweep_seeds(
        path,
        axes,
        [cluster.seed],
        sets=cluster.overrides,
        var_files=list(cluster.var_files),
        executor=executor,
        progress=progress,
        edits=edits,
    )
    return [point for [point] in found]
