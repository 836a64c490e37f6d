"""A command imports only what it uses: reading node JSON and checking it loads no graph,
plotting, HTTP, HCL, YAML or test library, nor the scenario reader, the what-if searches and
edits or the scalar references (their imports alone cost more than the check), and builds no
pydantic validator it does not run; importing the CLI builds none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "networkx",
    "matplotlib",
    "httpx",
    "hcl2",
    "lark",
    "yaml",
    "hypothesis",
    "sim.planning",
    "sim.io.scenario",
    "sim.io.snapshot",
    "sim.whatif.sweep",
    "sim.whatif.proposals",
    "sim.placement.reference",
    "sim.feasibility.reference",
    "sim.montecarlo.units",
    # the cluster edits and their report load with the commands that take edits
    "sim.whatif.edits",
    "sim.whatif.moves",
    "sim.cli.diffs",
    "sim.cli.fixes",
)
ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from sim.cli import main
sys.argv = ["nomad-sim", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = {heavy!r}
import models
from models.scenario import Scenario
built = [m.__name__ for m in (models.Job, models.Node, Scenario) if m.__pydantic_complete__]
print("LOADED", sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
print("BUILT", built, file=sys.stderr)
"""


def _python(code: str, *args: str) -> str:
    """stderr of a fresh interpreter running ``code`` with this checkout's ``sim``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def _probe(*args: str) -> dict[str, list[str]]:
    """The heavy modules loaded and the pydantic validators built by one CLI command."""
    err = _python(PROBE.format(heavy=HEAVY), *args)
    found = {}
    for line in err.splitlines():
        key, _, value = line.partition(" ")
        if key in ("LOADED", "BUILT"):
            found[key] = json.loads(value.replace("'", '"'))
    return found


def _check_on_node_json(tmp_path: Path) -> dict[str, list[str]]:
    from sim.io.node_json import node_to_api
    from sim.synth import generate_nodes

    nodes = tmp_path / "nodes.json"
    nodes.write_text(json.dumps([node_to_api(n) for n in generate_nodes(5, seed=3)]))
    job = tmp_path / "job.json"
    job.write_text(
        json.dumps(
            {
                "Job": {
                    "ID": "web",
                    "Datacenters": ["*"],
                    "TaskGroups": [{"Name": "web", "Tasks": [{"Name": "web", "Driver": "docker"}]}],
                }
            }
        )
    )
    return _probe("check", "--job", str(job), "--nodes", str(nodes))


def test_check_on_node_json_imports_no_heavy_library(tmp_path):
    assert _check_on_node_json(tmp_path)["LOADED"] == []


def test_check_on_node_json_builds_only_the_job_validator(tmp_path):
    # Nodes decode to records and the scenario is constructed: their validators never run.
    assert _check_on_node_json(tmp_path)["BUILT"] == ["Job"]


def test_a_scenario_still_loads_what_it_needs():
    found = _probe("check")
    assert "yaml" in found["LOADED"] and "sim.io.scenario" in found["LOADED"]
    assert found["BUILT"] == ["Job", "Node", "Scenario"]


def test_importing_the_cli_builds_no_validator():
    code = """
import sys
from sim.cli import app
import models
from models.scenario import Scenario
names = [*models.__all__, "Scenario"]
built = [n for n in names if getattr(getattr(models, n, Scenario), "__pydantic_complete__", 0)]
print("BUILT", built, file=sys.stderr)
"""
    assert "BUILT []" in _python(code)


def test_the_library_names_still_import_on_use():
    import sim

    assert callable(sim.capacity) and callable(sim.load_nodes) and callable(sim.explain_group)


LAZY_PACKAGES = (
    "sim",
    "sim.io",
    "sim.whatif",
    "sim.placement",
    "sim.feasibility",
    "sim.graph",
    "sim.planning",
    "sim.montecarlo",
)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_exported_name_resolves(package):
    code = f"""
import importlib, sys
package = importlib.import_module({package!r})
missing = [n for n in package.__all__ if n not in dir(package) or getattr(package, n) is None]
print("MISSING", missing, file=sys.stderr)
"""
    assert "MISSING []" in _python(code)


# A function named like the submodule it lives in: whichever is imported first, the
# package's name is the function, as the eager ``from .sweep import sweep`` left it.
SHADOWED = (
    ("sim.whatif", "sweep"),
    ("sim.whatif", "moves"),
    ("sim.io", "detect"),
    ("sim.planning", "capacity"),
    ("sim.planning", "headroom"),
    ("sim.planning", "resilience"),
)


@pytest.mark.parametrize(("package", "name"), SHADOWED)
@pytest.mark.parametrize("submodule_first", [True, False])
def test_a_function_keeps_its_submodules_name(package, name, submodule_first):
    first = f"import {package}.{name}" if submodule_first else f"import {package}"
    code = f"""
import sys, types
{first}
from {package} import {name} as value
import {package} as package
print("KIND", type(value).__name__, type(getattr(package, {name!r})).__name__, file=sys.stderr)
"""
    assert "KIND function function" in _python(code)
