"""Write a synthetic cluster and its jobs as one self-contained scenario YAML file.

Nodes are folded into node groups: nodes that differ only in what the scenario loader
regenerates per node (ID, name, ``unique.*`` attributes and meta, device instance IDs) share
one template with a count. The file follows ``models.scenario.Scenario`` (snake_case,
``node_groups: [{name, count, template}]``, inline ``jobs``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from models import Node

from ..core.outfile import write_whole
from .jobs import generate_jobs
from .nodes import generate_nodes

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def node_template(node: Node) -> dict[str, Any]:
    """The node as a scenario template: per-node identity stripped, defaults omitted."""
    data = node.model_dump(mode="json", exclude_defaults=True, exclude={"id", "name"})
    for key in ("attributes", "meta"):
        if key in data:
            data[key] = {k: v for k, v in data[key].items() if not k.startswith("unique.")}
    for device in data.get("node_resources", {}).get("devices", []):
        # Instance IDs only need to be unique within a node; positions keep them stable.
        for k, instance in enumerate(device.get("instances", [])):
            instance["id"] = f"{device.get('name', 'device')}-{k}"
    return data


def group_nodes(nodes: list[Node]) -> list[dict[str, Any]]:
    """``node_groups`` entries, one per distinct template, in order of first appearance."""
    groups: dict[str, dict[str, Any]] = {}
    for node in nodes:
        template = node_template(node)
        key = json.dumps(template, sort_keys=True)
        if key in groups:
            groups[key]["count"] += 1
            continue
        label = "-".join(
            (
                node.attributes.get("kernel.name", "node"),
                node.datacenter,
                node.node_class or "noclass",
                node.node_pool,
            )
        )
        name = f"g{len(groups):04d}-{_UNSAFE_NAME.sub('_', label)}"
        groups[key] = {"name": name, "count": 1, "template": template}
    return list(groups.values())


def build_scenario(nodes_count: int, jobs_count: int, seed: int) -> dict[str, Any]:
    """The scenario mapping for ``generate_nodes``/``generate_jobs`` with one seed."""
    nodes = generate_nodes(nodes_count, seed)
    jobs = generate_jobs(jobs_count, seed, nodes)
    return {
        "name": f"synthetic-{seed}",
        "description": f"{nodes_count} synthetic nodes and {jobs_count} jobs, seed {seed} "
        "(sim.synth.write_scenario)",
        "node_groups": group_nodes(nodes),
        "jobs": [job.model_dump(mode="json", exclude_defaults=True) for job in jobs],
    }


def write_scenario(path: str | Path, nodes_count: int, jobs_count: int, seed: int) -> Path:
    """Write the scenario YAML whole or not at all (temp file, then atomic rename)."""
    path = Path(path)
    text = yaml.dump(
        build_scenario(nodes_count, jobs_count, seed),
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),  # libyaml when present: ~10x
        sort_keys=False,
        allow_unicode=True,
    )
    return write_whole(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
