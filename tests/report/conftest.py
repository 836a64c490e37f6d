"""Reports written once per test session: every bundled scenario, the Bug #17 what-if, and a
scenario with hostile names. Writing one re-runs the scheduler many times (sweep, capacity,
resilience), so the page files are shared by the validity, escaping and browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.io import load_scenario
from sim.io.bundled import bundled_scenarios
from sim.report import Request, collect, write_report

from .scenarios import hostile_scenario

BUNDLED = sorted(p.name for p in bundled_scenarios().glob("*.yaml"))
BUG_17 = {"client_count": "0"}


def _write(scenario: Path, out: Path, sets: dict[str, object] | None = None) -> Path:
    after = load_scenario(scenario, sets)
    before = load_scenario(scenario) if sets else None
    label = " ".join(f"{k}={v}" for k, v in (sets or {}).items())
    request = Request(scenario_file=scenario, sets=dict(sets or {}))
    return write_report(collect(after, request, before, label), out)


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="session")
def bundled_reports(report_dir: Path) -> dict[str, Path]:
    """scenario file name → its report."""
    folder = bundled_scenarios()
    return {name: _write(folder / name, report_dir / f"{name}.html") for name in BUNDLED}


@pytest.fixture(scope="session")
def bug17_report(report_dir: Path) -> Path:
    scenario = bundled_scenarios() / "hashistack.yaml"
    return _write(scenario, report_dir / "bug17.html", BUG_17)


@pytest.fixture(scope="session")
def hostile_report(report_dir: Path) -> Path:
    return _write(hostile_scenario(report_dir), report_dir / "hostile.html")
