"""One truth, two engines: the vectorized pipeline equals the scalar reference on every node."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Job, Node
from sim.core.nodetable import NodeTable
from sim.feasibility import evaluate_job
from sim.feasibility.reference import reference_job
from sim.synth import generate_nodes
from sim.synth.strategies import job_strategy

KERNELS = ["linux", "windows", "darwin"]
VERSIONS = ["1.6.2", "1.9.3", "1.10.0-beta.1", "5.10", "5.6", ""]
RACKS = ["r1", "r2", "r3, r4", ""]
TARGETS = [
    "${attr.kernel.name}",
    "${attr.nomad.version}",
    "${meta.rack}",
    "${node.class}",
    "${node.datacenter}",
    "${node.pool}",
    "${attr.unique.hostname}",
    "${attr.missing}",
    "${node.region}",
]
OPERATORS = [
    "=",
    "!=",
    "<",
    ">=",
    "regexp",
    "version",
    "semver",
    "set_contains",
    "set_contains_any",
    "is_set",
    "is_not_set",
]
VALUES = [
    "linux",
    "windows",
    "1.9",
    ">= 1.7",
    "~> 1.9",
    "< 2.0",
    "r1",
    "r1,r2",
    "^dc[12]$",
    "5.10",
    "",
    "web",
    "node-3",
]


@st.composite
def node_dicts(draw: st.DrawFn, index: int) -> dict:
    attributes = {
        "kernel.name": draw(st.sampled_from(KERNELS)),
        "unique.hostname": f"node-{index}",
    }
    version = draw(st.sampled_from(VERSIONS))
    if version:
        attributes["nomad.version"] = version
    if draw(st.booleans()):
        attributes["plugins.secrets.vault.version"] = "1.0.0"
    meta = {}
    rack = draw(st.sampled_from(RACKS))
    if rack:
        meta["rack"] = rack
    docker_healthy = draw(st.booleans() | st.just(True))
    networks = [{"Mode": "host"}] if draw(st.integers(0, 9)) else []
    devices = []
    if draw(st.integers(0, 4)) == 0:
        devices = [
            {
                "Vendor": "nvidia",
                "Type": "gpu",
                "Name": "T4",
                "Instances": [
                    {"ID": f"g{index}-{i}", "Healthy": draw(st.booleans())} for i in range(2)
                ],
            }
        ]
    return {
        "ID": f"id-{index}",
        "Name": f"node-{index}",
        "Datacenter": draw(st.sampled_from(["dc1", "dc2", "eu1"])),
        "NodeClass": draw(st.sampled_from(["", "web", "batch"])),
        "NodePool": draw(st.sampled_from(["default", "default", "gpu"])),
        "Status": draw(st.sampled_from(["ready"] * 8 + ["down"])),
        "Attributes": attributes,
        "Meta": meta,
        "Drivers": {"docker": {"Detected": True, "Healthy": docker_healthy}},
        "NodeResources": {"Networks": networks, "Devices": devices},
        "HostVolumes": {"data": {"ReadOnly": draw(st.booleans())}} if draw(st.booleans()) else {},
    }


@st.composite
def clusters(draw: st.DrawFn) -> list[Node]:
    size = draw(st.integers(1, 60))
    return [Node.model_validate(draw(node_dicts(i))) for i in range(size)]


constraint_dicts = st.builds(
    lambda lt, op, rv: {
        "LTarget": lt,
        "Operand": op,
        "RTarget": "" if op.startswith("is_") else rv,
    },
    st.sampled_from(TARGETS),
    st.sampled_from(OPERATORS),
    st.sampled_from(VALUES + TARGETS[:3]),
)


@st.composite
def jobs(draw: st.DrawFn) -> Job:
    groups = []
    for g in range(draw(st.integers(1, 3))):
        group = {
            "Name": f"g{g}",
            "Constraints": draw(st.lists(constraint_dicts, max_size=3)),
            "Tasks": [{"Name": "t", "Driver": draw(st.sampled_from(["docker", "exec"]))}],
        }
        if draw(st.booleans()):
            group["Networks"] = [{"Mode": draw(st.sampled_from(["host", "bridge", "none"]))}]
        if draw(st.integers(0, 3)) == 0:
            group["Tasks"][0]["Resources"] = {
                "Devices": [{"Name": "nvidia/gpu", "Count": draw(st.integers(1, 2))}]
            }
        if draw(st.integers(0, 3)) == 0:
            group["Tasks"][0]["Secrets"] = [{"Name": "db", "Provider": "vault"}]
        if draw(st.integers(0, 3)) == 0:
            group["Volumes"] = {
                "data": {"Type": "host", "Source": "data", "ReadOnly": draw(st.booleans())}
            }
        groups.append(group)
    return Job.model_validate(
        {
            "ID": "j",
            "Datacenters": draw(st.sampled_from([["*"], ["dc*"], ["dc1", "eu1"]])),
            "NodePool": draw(st.sampled_from(["default", "all", "gpu"])),
            "Constraints": draw(st.lists(constraint_dicts, max_size=2)),
            "TaskGroups": groups,
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes=clusters(), job=jobs(), seed=st.integers(0, 1000))
def test_vectorized_engine_equals_scalar_reference(nodes: list[Node], job: Job, seed: int) -> None:
    table = NodeTable(nodes)
    fast = evaluate_job(table, job, seed)
    reference = reference_job(nodes, job, seed)
    assert len(fast.groups) == len(reference) == len(job.task_groups)
    for group, ref in zip(fast.groups, reference):
        assert group.order.tolist() == ref.order
        fast_verdicts = [group.reason_of(i) for i in range(len(group.order))]
        assert fast_verdicts == ref.verdicts
        assert group.metric == ref.metric
        if group.feasible_classes is not None:
            by_class = group.feasible_classes[table.class_codes[group.order]]
            assert by_class.tolist() == [v is None for v in ref.verdicts]


@st.composite
def realistic_cases(draw: st.DrawFn) -> tuple[list[Node], Job, int]:
    """Synthetic clusters of hundreds to thousands of nodes, with jobs drawn from their values."""
    size = draw(st.integers(200, 2000))
    nodes = generate_nodes(size, seed=draw(st.integers(0, 10_000)))
    return nodes, draw(job_strategy(nodes=nodes)), draw(st.integers(0, 1000))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=realistic_cases())
def test_engine_equals_reference_on_realistic_clusters(case: tuple[list[Node], Job, int]) -> None:
    nodes, job, seed = case
    table = NodeTable(nodes)
    fast = evaluate_job(table, job, seed)
    reference = reference_job(nodes, job, seed)
    for group, ref in zip(fast.groups, reference, strict=True):
        assert group.order.tolist() == ref.order
        assert [group.reason_of(i) for i in range(len(group.order))] == ref.verdicts
        assert group.metric == ref.metric
