"""The largest inputs the default limits accept (sim/core/limits.py), and what they cost.

    python benchmarks/bench_limits.py [--quick]

Each case runs once in a fresh process (its peak resident set size is its own): wall time
from the start of the load to the answer, and peak RSS. ``--quick`` divides the sizes by 10.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import machine, markdown_table

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = """
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
from sim.core import limits
tmp = Path(tempfile.mkdtemp())
SCALE = {scale}
"""

CASES = {
    "scenario at the node limit (hashistack, client_count)": """
from sim.io import load_scenario
from sim.whatif import run_resolved
n = limits.NODES.value() // SCALE - 1
start = time.perf_counter()
resolved = load_scenario({root!r} + "/scenarios/hashistack.yaml", {{"client_count": n}})
run = run_resolved(resolved, 0)
size = f"{{len(resolved.nodes):,}} nodes, every job checked"
""",
    "job at job_max_count, placeable (one group)": """
from sim.placement import simulate
from sim.synth import generate_nodes
from models import Job
count = limits.JOB_MAX_COUNT.value() // SCALE
nodes = generate_nodes(2_000, seed=1)
job = Job.model_validate({{"ID": "j", "Type": "batch", "TaskGroups": [{{"Name": "g",
    "Count": count, "Tasks": [{{"Name": "t", "Driver": "docker",
    "Resources": {{"CPU": 20, "MemoryMB": 10}}}}]}}]}})
start = time.perf_counter()
plan = simulate(nodes, [job], score_metadata=False)
size = f"count {{count:,}} on 2,000 nodes: {{plan.placed_count:,}} placed"
""",
    "job count 10**9 on 200 nodes (library call, no job_max_count)": """
from sim.placement import simulate
from sim.synth import generate_nodes
from models import Job
nodes = generate_nodes(200, seed=1)
job = Job.model_validate({{"ID": "j", "Type": "batch", "TaskGroups": [{{"Name": "g",
    "Count": 10**9, "Tasks": [{{"Name": "t", "Driver": "docker",
    "Resources": {{"CPU": 1000, "MemoryMB": 1024}}}}]}}]}})
start = time.perf_counter()
plan = simulate(nodes, [job], score_metadata=False)
size = f"{{plan.placed_count:,}} placed, {{plan.unplaced_count:,}} unplaced (coalesced)"
""",
    "YAML at the alias-expansion limit": """
from sim.io.yaml_source import parse_yaml
# nine-fold aliases: a5 expands to 597,871 values; the document holds a0..a5 and `tops` of a5
tops = 2 if SCALE == 1 else 1
lines = ["a0: &a0 [" + ",".join(['"x"'] * 9) + "]"]
sizes = [10]
for i in range(1, 6):
    lines.append(f"a{{i}}: &a{{i}} [" + ",".join([f"*a{{i-1}}"] * 9) + "]")
    sizes.append(1 + 9 * sizes[-1])
lines += [f"top{{k}}: *a5" for k in range(tops)]
text = "\\n".join(lines)
values = 1 + len(lines) + sum(sizes) + tops * sizes[-1]
start = time.perf_counter()
doc = parse_yaml(text, "bomb.yaml")
size = f"{{len(text):,}} bytes expanding to {{values:,}} values"
""",
    "node JSON at the input-size limit": """
from sim.io import load_nodes
from sim.synth import generate_nodes
node = generate_nodes(1, seed=1)[0].model_dump(by_alias=True)
node["Attributes"].update({{f"extra.attribute.{{i}}": "x" * 40 for i in range(60)}})
one = len(json.dumps(node)) + 2
count = (limits.INPUT_BYTES.value() // SCALE) // one
docs = []
for i in range(count):
    node["ID"] = f"{{i:08d}}-0000-0000-0000-000000000000"
    node["Name"] = f"n{{i}}"
    docs.append(json.dumps(node))
path = tmp / "nodes.json"
path.write_text("[" + ",\\n".join(docs) + "]")
del docs
start = time.perf_counter()
loaded = load_nodes(path)
size = f"{{path.stat().st_size / 2**20:.0f}} MiB, {{len(loaded.nodes):,}} nodes"
""",
}

EPILOGUE = """
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{size}}|{{elapsed:.2f}} s|{{peak:.0f}} MB")
"""


def run(body: str, scale: int) -> list[str]:
    code = (PRELUDE + body + EPILOGUE).format(root=str(ROOT), scale=scale)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1].split("|")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    rows = [[name, *run(body, scale)] for name, body in CASES.items()]
    print(f"Machine: {machine()}\n")
    print("### Largest accepted inputs (default limits, one run each, fresh process)\n")
    print(markdown_table(["case", "size", "time", "peak RSS"], rows))


if __name__ == "__main__":
    main()
