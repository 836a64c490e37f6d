"""A task's ``disk`` is accepted and ignored, as the Nomad server does on register."""

from __future__ import annotations

import json
from pathlib import Path

import sim

HCL = """
job "web" {
  datacenters = ["dc1"]
  group "g" {
    ephemeral_disk { size = 150 }
    task "t" {
      driver = "docker"
      config { image = "nginx" }
      resources {
        cpu    = 100
        memory = 64
        disk   = 500
      }
    }
  }
}
"""


def test_hcl_task_disk_loads_and_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "web.nomad.hcl"
    path.write_text(HCL)
    group = sim.load_job(path).task_groups[0]
    assert group.tasks[0].resources.disk_mb == 0
    assert group.ephemeral_disk.size_mb == 150


def test_api_json_task_disk_loads_and_is_dropped(tmp_path: Path) -> None:
    job = {
        "Job": {
            "ID": "web",
            "Name": "web",
            "Datacenters": ["dc1"],
            "TaskGroups": [
                {
                    "Name": "g",
                    "Tasks": [
                        {
                            "Name": "t",
                            "Driver": "docker",
                            "Config": {"image": "nginx"},
                            "Resources": {"CPU": 100, "MemoryMB": 64, "DiskMB": 500},
                        }
                    ],
                }
            ],
        }
    }
    path = tmp_path / "web.json"
    path.write_text(json.dumps(job))
    assert sim.load_job(path).task_groups[0].tasks[0].resources.disk_mb == 0
