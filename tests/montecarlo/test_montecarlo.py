"""Monte Carlo over the node shuffle: seeds parsed, probabilities counted right, and the
same report whether the units run serially, on local Dask workers or on a cluster reached
through ``--scheduler`` (a real LocalCluster on 127.0.0.1), even when a worker dies."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import InputError
from sim.io import load_scenario
from sim.montecarlo import DaskExecutor, check_seeds, parse_seeds, spread, sweep_row, sweep_seeds

from .luck import SCENARIO, seeds_where_b_places

SEEDS = 40


def nomad_sim(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], prog_name="nomad-sim")
    return result.exit_code, result.stdout


def test_seed_counts_and_ranges() -> None:
    assert parse_seeds("3") == range(0, 3)
    assert parse_seeds("1-100") == range(1, 101)
    for bad in ("0", "5-2", "x", "1-", "-3"):
        with pytest.raises(InputError):
            parse_seeds(bad)


def test_spread_is_min_lower_median_max() -> None:
    from collections import Counter

    assert spread(Counter({1: 2, 5: 1, 9: 1})) == (1, 1, 9)
    assert spread(Counter({2: 1, 3: 3})) == (2, 3, 3)
    assert spread(Counter()) == (0, 0, 0)


def test_probability_is_the_share_of_seeds_that_place() -> None:
    """``b`` places in exactly the seeds whose shuffle keeps the big node out of ``a``'s
    scored nodes; the report says that k out of N, and ``a`` always places."""
    path = SCENARIO
    k = seeds_where_b_places(range(SEEDS))
    assert 0 < k < SEEDS  # the scenario does depend on luck
    tally = check_seeds(load_scenario(path), range(SEEDS))
    assert tally.groups["b/b"].fully == k
    assert tally.groups["a/a"].fully == SEEDS
    assert tally.groups["a/a"].classes == {
        "big · dc1 · linux": SEEDS - k,
        "small · dc1 · linux": k,
    }
    code, out = nomad_sim("check", path, "--seeds", SEEDS, "--workers", 1)
    assert code == 3  # some seed leaves b unplaced
    row = next(line for line in out.splitlines() if line.startswith("b/b"))
    assert f"{k}/{SEEDS} ({100 * k / SEEDS:.1f}%)" in row
    assert f"every group places fully in {k}/{SEEDS}" in out


def test_one_seed_output_is_unchanged_without_seeds() -> None:
    path = SCENARIO
    assert nomad_sim("check", path) == nomad_sim("check", path, "--seed", 0)
    code, _ = nomad_sim("check", path, "--workers", 2)
    assert code == 2  # --workers without --seeds is a usage error on check


def test_serial_and_local_workers_give_one_report() -> None:
    """The embedded LocalCluster (``--workers 2``, worker processes) reports what one process
    does, in the same order."""
    args = ["check", SCENARIO, "--seeds", "0-11", "--format", "json"]
    serial = nomad_sim(*args, "--workers", 1)
    assert json.loads(serial[1])["groups"]
    assert serial == nomad_sim(*args, "--workers", 2)


@pytest.mark.parametrize(
    "command",
    [["check"], ["whatif", "--scale", "b=2"], ["sweep", "--grid", "small_count=1..3"]],
)
def test_a_cluster_behind_scheduler_gives_the_serial_report(
    dask_cluster, command: list[str]
) -> None:
    args = [*command, SCENARIO, "--seeds", "0-11", "--format", "json"]
    serial = nomad_sim(*args, "--workers", 1)
    assert serial[1] and json.loads(serial[1])
    assert serial == nomad_sim(*args, "--scheduler", dask_cluster.scheduler_address)


def test_one_seed_sweep_on_the_scheduler_matches_the_serial_sweep(dask_cluster) -> None:
    args = ["sweep", "--grid", "client_count=1..4", "--format", "json"]
    serial = nomad_sim(*args)
    assert serial == nomad_sim(*args, "--scheduler", dask_cluster.scheduler_address)
    assert len(json.loads(serial[1])) == 4


def test_a_killed_worker_loses_no_unit(dask_cluster) -> None:
    """One worker process is killed once the first results are in; the scheduler reruns
    its units elsewhere and the tally is the serial one, every seed counted."""
    from distributed import Client

    resolved = load_scenario(Path(__file__).parents[2] / "scenarios" / "multi-dc-pools.yaml")
    seeds = range(24)
    expected = check_seeds(resolved, seeds)
    with Client(dask_cluster.scheduler_address) as client:
        victim = sorted(client.run(os.getpid).values())[0]
    killed = []

    def kill_once(_: int) -> None:
        if not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    executor = DaskExecutor(address=dask_cluster.scheduler_address)
    try:
        tally = check_seeds(resolved, seeds, executor, kill_once)
    finally:
        executor.close()
    assert killed == [victim]
    assert tally.seeds == len(seeds)
    assert tally == expected


def test_capacity_and_resilience_follow_the_lucky_seeds() -> None:
    """Where ``b`` places, the big node is full and ``a`` sits on a small one: 14 more ``a``
    fit, and losing either class leaves something unplaced; elsewhere 16 fit and both
    losses are survived."""
    seeds = 20
    k = seeds_where_b_places(range(seeds))
    code, out = nomad_sim(
        "capacity", "a", SCENARIO, "--seeds", seeds, "--workers", 1, "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["more_counts"] == {"14": k, "16": seeds - k}
    code, out = nomad_sim(
        "resilience",
        SCENARIO,
        "--domain",
        "node.class",
        "--seeds",
        seeds,
        "--workers",
        1,
        "--format",
        "json",
    )
    assert code == 3
    report = json.loads(out)
    assert report["survives_seeds"] == seeds - k
    assert {c["lost"]: c["survives"] for c in report["cases"]} == {
        "big": seeds - k,
        "small": seeds - k,
    }


def test_sweep_rows_count_each_points_lucky_seeds() -> None:
    """With ``n`` small nodes a service job scores max(2, ceil(log2(n + 1))) of the n + 1:
    every grid point's share is the oracle's for that n (none with one small node)."""
    seeds = range(16)
    axes = [("small_count", range(1, 7))]
    rows = [sweep_row(points) for points in sweep_seeds(SCENARIO, axes, seeds)]
    assert [r.values["small_count"] for r in rows] == list(range(1, 7))
    assert [r.all_ok for r in rows] == [seeds_where_b_places(seeds, n) for n in range(1, 7)]
    assert rows[0].all_ok == 0


def test_seeds_plot_is_written(tmp_path: Path) -> None:
    chart = tmp_path / "p.png"
    code, _ = nomad_sim("check", SCENARIO, "--seeds", 4, "--workers", 1, "--plot", chart)
    assert code == 3
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert nomad_sim("check", SCENARIO, "--plot", chart)[0] == 2  # --plot needs --seeds


def test_one_worker_runs_here_even_with_a_scheduler_in_the_environment(monkeypatch) -> None:
    from sim.montecarlo import SerialExecutor, executor_for

    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    assert isinstance(executor_for(1, None), SerialExecutor)
