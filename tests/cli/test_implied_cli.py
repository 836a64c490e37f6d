"""The command line on a job Nomad adds constraints to: a Consul service on a client without
Consul is blocked, in Nomad's words, and explain says the constraint was not written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from models import Node
from sim.cli import app

runner = CliRunner()

JOB = """
job "web" {
  datacenters = ["dc1"]
  group "web" {
    network {
      port "http" {}
    }
    task "web" {
      driver = "docker"
      config {
        image = "nginx:1.27"
      }
      service {
        name = "web"
        port = "http"
      }
    }
  }
}
"""


def _client(attributes: dict[str, str]) -> dict:
    node = Node.model_validate(
        {
            "ID": "6b1c1d1e-0000-4000-8000-000000000001",
            "Name": "client-1",
            "Datacenter": "dc1",
            "Status": "ready",
            "SchedulingEligibility": "eligible",
            "Attributes": {"kernel.name": "linux", "driver.docker": "1", **attributes},
            "Drivers": {"docker": {"Detected": True, "Healthy": True}},
            "NodeResources": {
                "Cpu": {"CpuShares": 4000},
                "Memory": {"MemoryMB": 8192},
                "Disk": {"DiskMB": 20000},
                "Networks": [{"Device": "eth0", "CIDR": "10.0.0.5/32", "IP": "10.0.0.5"}],
            },
        }
    )
    return json.loads(node.model_dump_json(by_alias=True))


def _files(tmp_path: Path, attributes: dict[str, str]) -> list[str]:
    job = tmp_path / "web.nomad"
    job.write_text(textwrap.dedent(JOB))
    nodes = tmp_path / "nodes.json"
    nodes.write_text(json.dumps([_client(attributes)]))
    return ["--job", str(job), "--nodes", str(nodes)]


def test_consul_service_on_a_client_without_consul_is_blocked(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", *_files(tmp_path, {})])
    assert result.exit_code == 3, result.output
    assert "- WARNING: Failed to place all allocations." in result.output
    assert (
        '* Constraint "${attr.consul.version} semver >= 1.8.0": 1 nodes excluded by filter'
        in result.output
    )
    assert (
        'web/web: "${attr.consul.version} semver >= 1.8.0" is added by Nomad for '
        'Consul service "web"' in result.output
    )


def test_explain_marks_the_constraint_as_implied(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", "web", *_files(tmp_path, {}), "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["check"] == "implied constraint ${attr.consul.version} semver >= 1.8.0"
    assert row["required"] == (
        '${attr.consul.version} semver >= 1.8.0 (added by Nomad for Consul service "web")'
    )
    assert row["node_has"] == "(not set)"


def test_the_same_job_places_where_consul_runs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", *_files(tmp_path, {"consul.version": "1.21.4"})])
    assert result.exit_code == 0, result.output
    assert "added by Nomad" not in result.output


def test_an_old_consul_is_refused_too(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", *_files(tmp_path, {"consul.version": "1.7.14"})])
    assert result.exit_code == 3, result.output
    assert '* Constraint "${attr.consul.version} semver >= 1.8.0"' in result.output


def test_check_json_lists_what_nomad_added(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", *_files(tmp_path, {}), "--format", "json"])
    (job,) = json.loads(result.output)["Jobs"]
    assert job["ImpliedConstraints"] == {
        "web": {"${attr.consul.version} semver >= 1.8.0": 'Consul service "web"'}
    }
    assert job["FailedTGAllocs"]["web"]["ConstraintFiltered"] == {
        "${attr.consul.version} semver >= 1.8.0": 1
    }
