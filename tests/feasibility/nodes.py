"""Hand-built hashistack pieces for tests: Linux and Windows clients, the grafana job."""

from __future__ import annotations

from typing import Any

from models import Job, Node

CLASS_IS_HASHISTACK = {"LTarget": "${node.class}", "RTarget": "hashistack", "Operand": "="}
_HOST_NETWORK = [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "CIDR": "10.0.0.1/32"}]


def linux_node(name: str, **overrides: Any) -> Node:
    data: dict[str, Any] = {
        "ID": f"id-{name}",
        "Name": name,
        "Datacenter": "dc1",
        "NodeClass": "hashistack-linux",
        "Attributes": {
            "kernel.name": "linux",
            "os.name": "ubuntu",
            "driver.docker.os_type": "linux",
            "nomad.version": "1.9.3",
            "unique.hostname": name,
        },
        "Drivers": {
            "docker": {"Detected": True, "Healthy": True},
            "exec": {"Detected": True, "Healthy": True},
        },
        "NodeResources": {
            "Cpu": {"CpuShares": 5000},
            "Memory": {"MemoryMB": 4096},
            "Disk": {"DiskMB": 20000},
            "Networks": _HOST_NETWORK,
        },
    }
    data.update(overrides)
    return Node.model_validate(data)


def windows_node(name: str, **overrides: Any) -> Node:
    data: dict[str, Any] = {
        "NodeClass": "hashistack-windows",
        "Attributes": {
            "kernel.name": "windows",
            "os.name": "Microsoft Windows Server 2022 Datacenter",
            "driver.docker.os_type": "windows",
            "nomad.version": "1.9.3",
            "unique.hostname": name,
        },
        "Drivers": {
            "docker": {"Detected": True, "Healthy": True},
            "raw_exec": {"Detected": True, "Healthy": True},
        },
    }
    data.update(overrides)
    return linux_node(name, **data)


def grafana_job(constraints=(), group_constraints=(), driver="docker", **fields) -> Job:
    """The demo's grafana job: docker, a Linux image, dc1, optional constraints."""
    return Job.model_validate(
        {
            "ID": "grafana",
            "Datacenters": ["dc1"],
            "Constraints": list(constraints),
            "TaskGroups": [
                {
                    "Name": "grafana",
                    "Constraints": list(group_constraints),
                    "Tasks": [
                        {
                            "Name": "grafana",
                            "Driver": driver,
                            "Config": {"image": "grafana/grafana"},
                        }
                    ],
                }
            ],
            **fields,
        }
    )
