"""A command imports only what it uses: reading node JSON and checking it loads no graph,
plotting, HTTP, HCL or test library (their imports alone cost more than the check)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("networkx", "matplotlib", "httpx", "hcl2", "lark", "hypothesis", "sim.planning")
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
print("LOADED", sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def _loaded(*args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    return json.loads(line.removeprefix("LOADED ").replace("'", '"'))


def _check_imports(tmp_path: Path) -> list[str]:
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
    return _loaded("check", "--job", str(job), "--nodes", str(nodes))


def test_check_on_node_json_imports_no_heavy_library(tmp_path):
    assert _check_imports(tmp_path) == []


def test_the_library_names_still_import_on_use():
    import sim

    assert callable(sim.capacity) and callable(sim.load_nodes) and callable(sim.explain_group)
