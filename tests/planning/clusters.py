"""Small clusters and jobs for the planning tests, built as resolved scenarios."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from models import Job, Node
from models.scenario import Allocation, Scenario
from sim.io import ResolvedScenario


def node(
    name: str,
    cpu: int = 4000,
    memory: int = 8192,
    dc: str = "dc1",
    rack: str = "r1",
    pool: str = "default",
    node_class: str = "general",
    disk: int = 50_000,
) -> Node:
    return Node.model_validate(
        {
            "ID": name,
            "Name": name,
            "Datacenter": dc,
            "NodePool": pool,
            "NodeClass": node_class,
            "Meta": {"rack": rack},
            "Attributes": {"kernel.name": "linux"},
            "NodeResources": {
                "Cpu": {"CpuShares": cpu, "TotalCpuCores": 4},
                "Memory": {"MemoryMB": memory},
                "Disk": {"DiskMB": disk},
                "Networks": [{"Mode": "host", "Device": "eth0"}],
            },
        }
    )


def job(
    job_id: str,
    count: int = 1,
    cpu: int = 500,
    memory: int = 512,
    distinct_hosts: bool = False,
    priority: int = 50,
    job_type: str = "service",
) -> Job:
    constraints = [{"Operand": "distinct_hosts", "RTarget": "true"}] if distinct_hosts else []
    return Job.model_validate(
        {
            "ID": job_id,
            "Type": job_type,
            "Priority": priority,
            "TaskGroups": [
                {
                    "Name": "g",
                    "Count": count,
                    "Constraints": constraints,
                    "Tasks": [{"Name": "t", "Resources": {"CPU": cpu, "MemoryMB": memory}}],
                }
            ],
        }
    )


def scenario(
    nodes: list[Node], jobs: list[Job], allocations: list[dict] | None = None
) -> ResolvedScenario:
    return ResolvedScenario(
        scenario=Scenario(name="test"),
        variables={},
        nodes=nodes,
        node_group_of=[n.name for n in nodes],
        jobs=jobs,
        allocations=[Allocation.model_validate(a) for a in allocations or []],
        source=Path("test.yaml"),
    )


@st.composite
def clusters(draw, min_nodes: int = 2, max_nodes: int = 7) -> list[Node]:
    count = draw(st.integers(min_nodes, max_nodes))
    return [
        node(
            f"n{i}",
            cpu=draw(st.sampled_from([2000, 4000, 8000])),
            memory=draw(st.sampled_from([2048, 4096, 8192])),
            dc=draw(st.sampled_from(["dc1", "dc2"])),
            rack=draw(st.sampled_from(["r1", "r2", "r3"])),
        )
        for i in range(count)
    ]


@st.composite
def workloads(draw, max_jobs: int = 3) -> list[Job]:
    return [
        job(
            f"j{k}",
            count=draw(st.integers(1, 6)),
            cpu=draw(st.sampled_from([200, 500, 1200, 2500])),
            memory=draw(st.sampled_from([256, 512, 1024, 3000])),
            distinct_hosts=draw(st.booleans()),
            priority=draw(st.sampled_from([30, 50, 70])),
        )
        for k in range(draw(st.integers(1, max_jobs)))
    ]
