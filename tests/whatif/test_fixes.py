"""Minimal fixes: ``minimal_counts`` is minimal, ``constraint_fixes`` names the blocking rule."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from sim.feasibility import evaluate_job
from sim.io import load_scenario
from sim.whatif import constraint_fixes, count_variables, minimal_counts, run_resolved

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _works(path: Path, values: dict[str, int]) -> bool:
    """Every job placed and every placement able to start (what ``minimal_counts`` asks)."""
    run = run_resolved(load_scenario(path, values), seed=0)
    return run.all_placed and not run.risky


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hashistack.yaml", {"client_count": 1, "windows_client_count": 0}),
        ("hashistack-linux-constraint.yaml", {"client_count": 1, "windows_client_count": 0}),
        ("multi-dc-pools.yaml", {"prod_per_rack": 3, "batch_dc3": 1}),
    ],
)
def test_minimal_counts_is_minimal(name: str, expected: dict[str, int]) -> None:
    path = SCENARIOS / name
    fix = minimal_counts(path, max_count=4)
    assert fix is not None and fix.values == expected
    assert fix.run.all_placed and not fix.run.risky
    assert _works(path, fix.values)
    for variable, value in fix.values.items():
        if value:
            assert not _works(path, {**fix.values, variable: value - 1}), variable


def test_minimal_counts_has_the_smallest_total() -> None:
    """No assignment with a smaller total works, and ``tried`` counts the ones tried."""
    path = SCENARIOS / "multi-dc-pools.yaml"
    fix = minimal_counts(path, max_count=4)
    names = count_variables(load_scenario(path))
    total = sum(fix.values.values())
    smaller = [
        dict(zip(names, combo))
        for combo in itertools.product(range(5), repeat=len(names))
        if sum(combo) < total
    ]
    assert not any(_works(path, values) for values in smaller)
    assert fix.tried > len(smaller)


def test_minimal_counts_none_when_no_count_works() -> None:
    """The assumed constraint names a class no node has: no count places its services."""
    assert minimal_counts(SCENARIOS / "hashistack-assumed-constraint.yaml", max_count=2) is None


def test_constraint_fixes_name_the_assumed_constraint() -> None:
    run = run_resolved(load_scenario(SCENARIOS / "hashistack-assumed-constraint.yaml"), seed=0)
    fixes = constraint_fixes(run)
    assert [(f.group, f.constraint, f.level, f.feasible_nodes) for f in fixes] == [
        ("grafana/grafana", "${node.class} = hashistack", "job", 2),
        ("prometheus/prometheus", "${node.class} = hashistack", "job", 2),
        ("webapp/demo", "${node.class} = hashistack", "job", 2),
    ]
    grafana = next(f.job for f in run.feasibility if f.job.id == "grafana")
    assert not len(evaluate_job(run.table, grafana, 0).groups[0].feasible)


def test_constraint_fixes_empty_when_everything_places() -> None:
    run = run_resolved(load_scenario(SCENARIOS / "hashistack.yaml"), seed=0)
    assert run.unplaceable == [] and constraint_fixes(run) == []


def test_constraint_fixes_skip_a_block_no_single_constraint_explains() -> None:
    """The GPU job lacks devices, not a constraint: nothing to remove."""
    run = run_resolved(load_scenario(SCENARIOS / "gpu-pool.yaml"), seed=0)
    assert [g.key for g in run.unplaceable] == ["llm-finetune/finetune"]
    assert constraint_fixes(run) == []
