"""The names DESIGN.md promises to outside callers import from the top-level packages."""

from __future__ import annotations

from pathlib import Path


def test_design_names_import():
    from models import Constraint, Job, Node, Scenario  # noqa: F401
    from sim import (  # noqa: F401
        check_constraint,
        evaluate_job,
        load_job,
        load_nodes,
        load_scenario,
        node_satisfies,
        resolve_target,
        run_resolved,
        simulate,
        validate_constraint,
    )


def test_readme_library_example():
    from sim import load_scenario, run_resolved

    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "hashistack.yaml"
    run = run_resolved(load_scenario(scenario, {"client_count": 0}))
    assert run.group("grafana/grafana").status == "placed, cannot start"
