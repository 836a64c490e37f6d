"""``run_resolved`` and ``sweep`` on the bundled scenarios: Bug #17 in plain terms."""

from __future__ import annotations

from pathlib import Path

from sim.io import load_scenario
from sim.whatif import parse_grid, run_resolved, sweep
from sim.whatif.outcome import BLOCKED, CANNOT_START, PLACED

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
HASHISTACK = SCENARIOS / "hashistack.yaml"
SERVICES = ["grafana/grafana", "prometheus/prometheus", "webapp/demo"]


def _statuses(run) -> dict[str, str]:
    return {g.key: g.status for g in run.groups}


def test_default_hashistack_places_services_on_linux() -> None:
    run = run_resolved(load_scenario(HASHISTACK), seed=0)
    assert _statuses(run) == {**dict.fromkeys(SERVICES, PLACED), "traefik/traefik": CANNOT_START}
    assert run.all_placed and [g.key for g in run.risky] == ["traefik/traefik"]
    for key in SERVICES:
        assert run.group(key).nodes == ["linux-0"]


def test_bug17_no_linux_clients_puts_services_on_windows() -> None:
    run = run_resolved(load_scenario(HASHISTACK, {"client_count": 0}), seed=0)
    for key in SERVICES:
        result = run.group(key)
        assert (result.status, result.nodes, result.unplaced) == (CANNOT_START, ["windows-0"], 0)
        assert result.risks and "windows" in result.risks[0]
    assert run.variables["client_count"] == 0


def test_linux_constraint_blocks_instead_of_misplacing() -> None:
    resolved = load_scenario(SCENARIOS / "hashistack-linux-constraint.yaml", {"client_count": 0})
    run = run_resolved(resolved, seed=0)
    for key in SERVICES:
        result = run.group(key)
        assert (result.status, result.placed, result.feasible_nodes) == (BLOCKED, 0, 0)
        assert "hashistack-linux" in result.blocking
    assert {g.key for g in run.unplaceable} == set(SERVICES)


def test_runs_are_reproducible_for_a_seed() -> None:
    resolved = load_scenario(SCENARIOS / "multi-dc-pools.yaml")
    first, again = run_resolved(resolved, seed=3), run_resolved(resolved, seed=3)
    assert [(g.key, g.nodes) for g in first.groups] == [(g.key, g.nodes) for g in again.groups]


def test_sweep_covers_the_grid_in_order() -> None:
    grid = [parse_grid("client_count=0..2"), parse_grid("windows_client_count=0,1")]
    assert [(name, list(values)) for name, values in grid] == [
        ("client_count", [0, 1, 2]),
        ("windows_client_count", [0, 1]),
    ]
    points = sweep(HASHISTACK, grid, seed=0, keep_runs=True)  # the statuses read each run
    assert [p.values for p in points] == [
        {"client_count": c, "windows_client_count": w} for c in (0, 1, 2) for w in (0, 1)
    ]
    by_values = {(p.values["client_count"], p.values["windows_client_count"]): p for p in points}
    # No client at all: the services are blocked; the system job has no node to run on.
    assert by_values[0, 0].unplaced == 3
    assert {k: v for k, v in _statuses(by_values[0, 0].run).items() if k in SERVICES} == (
        dict.fromkeys(SERVICES, BLOCKED)
    )
    # Windows only: everything places, nothing can start (Bug #17).
    assert (by_values[0, 1].unplaced, by_values[0, 1].groups_ok) == (0, 0)
    assert by_values[0, 1].risky == 4
    # Linux only: every group places and starts; add Windows and traefik (system, one per
    # node) is placed on it too, where it cannot start.
    assert (by_values[2, 0].groups_ok, by_values[2, 0].risky) == (4, 0)
    assert (by_values[2, 1].groups_ok, by_values[2, 1].risky) == (3, 1)


def test_sweep_applies_sets_under_the_grid() -> None:
    points = sweep(
        HASHISTACK, [("windows_client_count", [0])], sets={"client_count": 2}, keep_runs=True
    )
    run = points[0].run
    assert run is not None
    assert (run.variables["client_count"], run.variables["windows_client_count"]) == (2, 0)
    assert [n.name for n in run.table.nodes] == ["linux-0", "linux-1"]
