"""Node JSON files on disk as a real cluster would give them, for the whole-process benchmarks.

    python benchmarks/node_files.py OUT.json --nodes 10000 [--seed 42]

Each node is a ``sim.synth`` node written in the full shape of Nomad's ``GET /v1/node/:id``
(compact JSON, as the HTTP API sends it): the keys the scheduler reads plus everything else a
1.9 agent reports and nomad-sim ignores (indexes, events, links, HTTP address, per-driver
update times), with per-node addresses on the NICs. A list of those objects is
what ``nomad node status -json <id>`` per node, collected with ``jq -s``, gives.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from models import Node
from sim.io.node_json import node_to_api
from sim.synth import generate_nodes

# One job, one group, three constraints of different kinds (equality, regexp, version): the
# shape of the comparison with nomad-tools `constrainteval`.
CONSTRAINTS = (
    ("${attr.kernel.name}", "=", "linux"),
    ("${attr.os.name}", "regexp", "^(ubuntu|debian)$"),
    ("${attr.nomad.version}", "version", ">= 1.7.0"),
)


def job_json(count: int = 1) -> dict[str, Any]:
    """The benchmark's job in ``nomad job run -output`` shape."""
    return {
        "Job": {
            "ID": "web",
            "Name": "web",
            "Type": "service",
            "Datacenters": ["*"],
            "Constraints": [
                {"LTarget": lt, "Operand": op, "RTarget": rt} for lt, op, rt in CONSTRAINTS
            ],
            "TaskGroups": [
                {
                    "Name": "web",
                    "Count": count,
                    "Tasks": [
                        {
                            "Name": "web",
                            "Driver": "docker",
                            "Config": {"image": "nginx:1.27"},
                            "Resources": {"CPU": 500, "MemoryMB": 256},
                        }
                    ],
                }
            ],
        }
    }


def _ip(i: int) -> str:
    return f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"


def full_api_node(node: Node, index: int, cache: dict[int, Any]) -> dict[str, Any]:
    """``node`` as a Nomad 1.9 agent reports it; ``cache`` keeps dumps of shared sub-objects."""
    key = id(node.node_resources)
    if key not in cache:
        cache[key] = node_to_api(node)
    base = cache[key]
    ip = _ip(index + 1)
    stamp = f"2026-11-{1 + index % 28:02d}T08:{index % 60:02d}:{index * 7 % 60:02d}.{index:06d}Z"
    resources = {
        **base["NodeResources"],
        "Networks": [
            {**net, "IP": ip} if net["Mode"] == "host" else net
            for net in base["NodeResources"]["Networks"]
        ],
        "NodeNetworks": [
            {
                "Mode": "host",
                "Device": "eth0",
                "MacAddress": f"02:42:{index >> 24 & 255:02x}:{index >> 16 & 255:02x}:"
                f"{index >> 8 & 255:02x}:{index & 255:02x}",
                "Speed": 1000,
                "Addresses": [
                    {
                        "Family": "ipv4",
                        "Alias": "default",
                        "Address": ip,
                        "ReservedPorts": "",
                        "Gateway": "",
                    }
                ],
            }
        ],
        "Devices": [
            {**device, "Instances": [inst.model_dump(by_alias=True) for inst in source.instances]}
            for device, source in zip(
                base["NodeResources"]["Devices"], node.node_resources.devices, strict=True
            )
        ],
    }
    drivers = {
        name: {
            "Attributes": info.attributes or None,
            "Detected": info.detected,
            "Healthy": info.healthy,
            "HealthDescription": info.health_description,
            "UpdateTime": stamp,
        }
        for name, info in node.drivers.items()
        if info is not None
    }
    return {
        "Attributes": node.attributes,
        "CSIControllerPlugins": None,
        "CSINodePlugins": None,
        "ComputedClass": f"v1:{hash((node.datacenter, node.node_class)) & 0xFFFFFFFFFFFF}",
        "CreateIndex": 10 + index,
        "Datacenter": node.datacenter,
        "Drain": node.drain,
        "DrainStrategy": node.drain_strategy,
        "Drivers": drivers,
        "Events": [
            {
                "CreateIndex": 0,
                "Details": None,
                "Message": "Node registered",
                "Subsystem": "Cluster",
                "Timestamp": stamp,
            }
        ],
        "HTTPAddr": f"{ip}:4646",
        "HostNetworks": None,
        "HostVolumes": None,
        "ID": node.id,
        "LastDrain": None,
        "Links": {"aws.ec2": node.attributes.get("unique.platform.aws.instance-id", "")},
        "Meta": node.meta,
        "ModifyIndex": 20 + index,
        "Name": node.name,
        "NodeClass": node.node_class,
        "NodePool": node.node_pool,
        "NodeResources": resources,
        "ReservedResources": base["ReservedResources"],
        "SchedulingEligibility": node.scheduling_eligibility,
        "SecretID": "",
        "Status": node.status,
        "StatusDescription": "",
        "StatusUpdatedAt": 1_764_000_000 + index,
        "TLSEnabled": False,
    }


def api_nodes(count: int, seed: int = 42) -> list[dict[str, Any]]:
    cache: dict[int, Any] = {}
    return [full_api_node(n, i, cache) for i, n in enumerate(generate_nodes(count, seed=seed))]


def write_nodes(path: Path, count: int, seed: int = 42) -> int:
    """Write ``count`` nodes as one compact JSON array; returns the file's size in bytes."""
    with path.open("w") as fh:
        fh.write("[")
        for i, node in enumerate(api_nodes(count, seed)):
            fh.write("," if i else "")
            json.dump(node, fh, separators=(",", ":"))
        fh.write("]")
    return path.stat().st_size


def write_job(path: Path) -> None:
    path.write_text(json.dumps(job_json(), indent=2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    size = write_nodes(args.out, args.nodes, args.seed)
    print(f"{args.out}: {args.nodes:,} nodes, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
