"""Small hand-built nodes and jobs for placement tests."""

from __future__ import annotations

from typing import Any

from models import Job, Node


def node(
    name: str, cpu: int = 4000, memory: int = 4096, disk: int = 20000, **overrides: Any
) -> Node:
    data: dict[str, Any] = {
        "ID": f"id-{name}",
        "Name": name,
        "Datacenter": "dc1",
        "NodeClass": "linux",
        "Attributes": {
            "kernel.name": "linux",
            "driver.docker.os_type": "linux",
            "unique.hostname": name,
        },
        "Drivers": {"docker": {"Detected": True, "Healthy": True}},
        "NodeResources": {
            "Cpu": {"CpuShares": cpu},
            "Memory": {"MemoryMB": memory},
            "Disk": {"DiskMB": disk},
            "Networks": [{"Mode": "host", "Device": "eth0"}],
        },
    }
    data.update(overrides)
    return Node.model_validate(data)


def job(
    name: str = "web",
    count: int = 1,
    cpu: int = 100,
    memory: int = 300,
    constraints: list | None = None,
    group_constraints: list | None = None,
    type_: str = "service",
    **group: Any,
) -> Job:
    return Job.model_validate(
        {
            "ID": name,
            "Type": type_,
            "Constraints": constraints or [],
            "TaskGroups": [
                {
                    "Name": name,
                    "Count": count,
                    "Constraints": group_constraints or [],
                    "Tasks": [
                        {
                            "Name": name,
                            "Driver": "docker",
                            "Config": {"image": "nginx"},
                            "Resources": {"CPU": cpu, "MemoryMB": memory},
                        }
                    ],
                    **group,
                }
            ],
        }
    )
