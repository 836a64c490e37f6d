"""Malformed, hostile and absurd inputs: one clear line and exit 2, or a valid answer.

Hypothesis mutates valid HCL jobspecs, job JSON, node JSON, scenario YAML and tfvars (text
edits, values swapped for absurd ones, keys misspelt) and runs each through the loaders and
through the CLI (typer's CliRunner). Never a traceback, never a hang. The deadline is a hang
guard, not a speed check (the suite profile has none): an example takes well under a second,
the hangs this guards against took minutes or never returned. Examples are derandomized
(fixed seed) and few, so the suite stays fast.
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import InputError
from sim.io import load_jobs, load_nodes, load_scenario, load_tfvars

FUZZ = settings(
    max_examples=30,
    derandomize=True,
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
runner = CliRunner()

JOBSPEC = """job "web" {
  datacenters = ["dc1"]
  type = "service"
  constraint {
    attribute = "${attr.kernel.name}"
    value     = "linux"
  }
  group "g" {
    count = 2
    network {
      port "http" { to = 8080 }
    }
    task "t" {
      driver = "docker"
      config { image = "nginx" }
      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
"""

JOB = {
    "ID": "web",
    "Type": "service",
    "Datacenters": ["dc1"],
    "TaskGroups": [
        {
            "Name": "g",
            "Count": 2,
            "Tasks": [
                {
                    "Name": "t",
                    "Driver": "docker",
                    "Config": {"image": "nginx"},
                    "Resources": {"CPU": 200, "MemoryMB": 256},
                }
            ],
        }
    ],
}

NODE = {
    "ID": "0b5a3c6e-1111-2222-3333-444455556666",
    "Name": "n1",
    "Datacenter": "dc1",
    "NodeClass": "linux",
    "Status": "ready",
    "SchedulingEligibility": "eligible",
    "Attributes": {"kernel.name": "linux", "unique.hostname": "n1", "cpu.arch": "amd64"},
    "Drivers": {"docker": {"Detected": True, "Healthy": True}},
    "NodeResources": {
        "Cpu": {"CpuShares": 4000},
        "Memory": {"MemoryMB": 8192},
        "Disk": {"DiskMB": 20000},
        "Networks": [{"Mode": "host", "Device": "eth0"}],
    },
}

SCENARIO = """name: fuzz
variables:
  n: 2
node_groups:
  - name: linux
    count: ${var.n}
    template:
      node_class: linux
      attributes: {kernel.name: linux}
      drivers: {docker: {detected: true, healthy: true}}
      node_resources:
        cpu: {cpu_shares: 4000}
        memory: {memory_mb: 8192}
jobs:
  - file: job.nomad
"""

TFVARS = 'n = 3\nregion = "us-east-1"\nflags = [1, 2]\n'

ABSURD = st.sampled_from(
    [
        "-1",
        "0",
        "99999999999",
        "99999999999999999999999999",
        "1e308",
        "-0.5",
        '""',
        '" "',
        '"banana"',
        "true",
        "null",
        "[]",
        "{}",
        '"${var.missing}"',
        '"(["',
        "&a [*a]",
        "*nope",
    ]
)
JUNK = st.text(alphabet="{}[]()\"'=:,#$\\\n\t -_.*&!|>0123456789abcxyz\x00é", max_size=12)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """Up to three edits: delete a span, insert junk, or swap a token for an absurd value."""
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["delete", "insert", "absurd", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif edit == "insert":
            text = text[:at] + draw(JUNK) + text[at:]
        elif edit == "absurd":
            tokens = text.split(" ")
            i = draw(st.integers(0, len(tokens) - 1))
            tokens[i] = draw(ABSURD)
            text = " ".join(tokens)
        else:
            lines = text.splitlines(keepends=True)
            i = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: i + 1] + lines[i:])
    return text


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def mutated_json(draw: st.DrawFn, document: dict[str, Any]) -> str:
    """Replace one value anywhere in the document (or drop its key), then maybe edit the text."""
    data = json.loads(json.dumps(document))
    holders: list[tuple[Any, Any]] = []
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        keys = list(item) if isinstance(item, dict) else range(len(item))
        for key in keys:
            holders.append((item, key))
            if isinstance(item[key], dict | list):
                stack.append(item[key])
    holder, key = draw(st.sampled_from(holders))
    if isinstance(holder, dict) and draw(st.booleans()):
        del holder[key]
    else:
        holder[key] = draw(JSON_VALUES)
    text = json.dumps(data)
    return draw(mutated(text)) if draw(st.booleans()) else text


def _refused_in_one_line(call) -> None:
    try:
        call()
    except InputError as exc:
        assert "\n" not in str(exc), str(exc)


def _cli(*args: str) -> None:
    result = runner.invoke(app, ["check", *args])
    assert result.exit_code in (0, 2, 3), (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def _files(**texts: str) -> tuple[tempfile.TemporaryDirectory, dict[str, Path]]:
    folder = tempfile.TemporaryDirectory()
    paths = {}
    for name, text in texts.items():
        path = Path(folder.name) / name.replace("_", ".")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        paths[name] = path
    return folder, paths


@FUZZ
@given(mutated(JOBSPEC))
def test_fuzzed_jobspecs(text: str) -> None:
    folder, paths = _files(job_nomad=text, nodes_json=json.dumps([NODE]))
    with folder:
        _refused_in_one_line(lambda: load_jobs(paths["job_nomad"]))
        _cli("--nodes", str(paths["nodes_json"]), "--job", str(paths["job_nomad"]))


@FUZZ
@given(mutated_json(JOB))
def test_fuzzed_job_json(text: str) -> None:
    folder, paths = _files(job_json=text, nodes_json=json.dumps([NODE]))
    with folder:
        _refused_in_one_line(lambda: load_jobs(paths["job_json"]))
        _cli("--nodes", str(paths["nodes_json"]), "--job", str(paths["job_json"]))


@FUZZ
@given(mutated_json(NODE))
def test_fuzzed_node_json(text: str) -> None:
    folder, paths = _files(nodes_json=text, job_json=json.dumps(JOB))
    with folder:
        _refused_in_one_line(lambda: load_nodes(paths["nodes_json"]))
        _cli("--nodes", str(paths["nodes_json"]), "--job", str(paths["job_json"]))


@FUZZ
@given(mutated(SCENARIO))
def test_fuzzed_scenarios(text: str) -> None:
    folder, paths = _files(scenario_yaml=text, job_nomad=JOBSPEC)
    with folder:
        _refused_in_one_line(lambda: load_scenario(paths["scenario_yaml"]))
        _cli(str(paths["scenario_yaml"]))


@FUZZ
@given(mutated(TFVARS))
def test_fuzzed_tfvars(text: str) -> None:
    folder, paths = _files(scenario_yaml=SCENARIO, job_nomad=JOBSPEC, vars_tfvars=text)
    with folder:
        _refused_in_one_line(lambda: load_tfvars(paths["vars_tfvars"]))
        _cli(str(paths["scenario_yaml"]), "--var-file", str(paths["vars_tfvars"]))
