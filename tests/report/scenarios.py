"""Scenarios the report tests build: names chosen to break a page that forgets to escape."""

from __future__ import annotations

from pathlib import Path

import yaml

LONG = "n" * 300
HOSTILE = {
    "script": "<script>window.pwned=1</script>",
    "quotes": 'it\'s "quoted" & <b>bold</b>',
    "long": LONG,
    "unicode": "ノード-Ω-🚀",
}
JOB_ID = HOSTILE["script"]
GROUP = HOSTILE["quotes"]


def _node(node_class: str, meta: str) -> dict:
    return {
        "datacenter": "dc1",
        "node_class": node_class,
        "attributes": {"kernel.name": "linux", "driver.exec": "1"},
        "meta": {"owner": meta},
        "drivers": {"exec": {"detected": True, "healthy": True}},
        "node_resources": {
            "cpu": {"cpu_shares": 4000},
            "memory": {"memory_mb": 4096},
            "disk": {"disk_mb": 10240},
        },
    }


def hostile_scenario(folder: Path) -> Path:
    """Node classes, meta, a job and a group named with markup, quotes, a very long
    name and non-ASCII text; one job places, one is blocked by a constraint on the meta."""
    task = {
        "name": "t",
        "driver": "exec",
        "config": {"command": "/bin/true"},
        "resources": {"cpu": 100, "memory_mb": 64},
    }
    data = {
        "name": HOSTILE["unicode"],
        "description": HOSTILE["quotes"],
        "variables": {"extra": {"default": 1}},
        "node_groups": [
            # Node group names are restricted to [A-Za-z0-9_.-]: only the length is hostile.
            {"name": HOSTILE["long"], "count": 2, "template": _node(HOSTILE["unicode"], "a")},
            {
                "name": "plain",
                "count": "${var.extra}",
                "template": _node(HOSTILE["quotes"], HOSTILE["script"]),
            },
        ],
        "jobs": [
            {
                "id": JOB_ID,
                "datacenters": ["dc1"],
                "task_groups": [{"name": GROUP, "count": 2, "tasks": [task]}],
            },
            {
                "id": "blocked",
                "datacenters": ["dc1"],
                "constraints": [
                    {"l_target": "${meta.owner}", "r_target": HOSTILE["long"], "operand": "="}
                ],
                "task_groups": [{"name": HOSTILE["unicode"], "count": 1, "tasks": [task]}],
            },
        ],
    }
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
