"""Hypothesis strategies for nodes, constraints and jobs (test-time only: imports hypothesis).

Populations are drawn as (seed, size) and built by :func:`generate_nodes`, so hypothesis
shrinks the two integers, and since populations are prefix-stable a smaller size keeps the
same first nodes. Single nodes, constraints and jobs are drawn field by field from pools of
realistic and adversarial values, so failures shrink to readable examples.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from models import Constraint, Job, Node

from .jobs import DISTINCT, OPERATORS, Catalog
from .nodes import DRIVERS, NodeProfile, generate_nodes

NODE_TARGETS = (
    "${node.unique.id}",
    "${node.datacenter}",
    "${node.unique.name}",
    "${node.class}",
    "${node.pool}",
)
UNRESOLVABLE_TARGETS = (
    "${node.region}",
    "${node.unique.foo}",
    "${attr.missing}",
    "${meta.missing}",
    "${device.model}",
    "${attr.kernel.name",
)
ATTRIBUTE_KEYS = (
    "kernel.name",
    "kernel.version",
    "os.name",
    "cpu.arch",
    "cpu.numcores",
    "memory.totalbytes",
    "nomad.version",
    "consul.version",
    "driver.docker",
    "driver.docker.os_type",
    "driver.docker.version",
    "driver.docker.runtimes",
    "unique.hostname",
    "unique.network.ip-address",
)
META_KEYS = ("rack", "zone", "tags", "team", "gpu", "unique.serial")
VERSIONS = (
    "1.6.5",
    "1.9.3",
    "1.10.0-beta.1",
    "1.0beta1",
    "v1.2.3",
    "1.2.0.0",
    "5.15.0-1051-aws",
    "6.1.0-18-amd64",
    "10.0.20348",
    "1.3.0-beta1+ent",
    "1.7.0-dev",
    "5.10",
    "5.6",
)
ADVERSARIAL = (
    "",
    " ",
    "5.10",
    "5.6",
    "10",
    "9.5",
    "9a",
    "+10",
    " 10",
    "1_000",
    "1e400",
    "NaN",
    "inf",
    "0x1p4",
    "99999999999999999999",
    "Linux",
    "linux ",
    "a,",
    ",",
    "a, ,b",
    " ssd , nvme ",
    "ssd,,nvme",
    "(a)\\1",
    "[",
    "^$",
    "true",
    "0",
    "ünïcode",
)
VERSION_OPS = ("", "=", "!=", ">", "<", ">=", "<=", "~>")
LINUX_IMAGES = (
    ("ubuntu", "22.04", "5.15.0-1051-aws"),
    ("debian", "12", "6.1.0-18-amd64"),
    ("rhel", "9.3", "5.14.0-362.18.1.el9_3.x86_64"),
)
WINDOWS = ("Microsoft Windows Server 2022 Datacenter", "10.0.20348 Build 20348", "10.0.20348")


@st.composite
def nodes_strategy(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 50, profile: NodeProfile | None = None
) -> list[Node]:
    """A generated population: shrinks on (size, seed)."""
    size = draw(st.integers(min_size, max_size))
    seed = draw(st.integers(0, 2**32 - 1))
    return generate_nodes(size, seed, profile)


@st.composite
def node_strategy(draw: st.DrawFn) -> Node:
    """One small node, each field from a pool of realistic values."""
    os_kind = draw(st.sampled_from(("linux", "windows", "darwin")))
    if os_kind == "linux":
        os_name, os_version, kernel = draw(st.sampled_from(LINUX_IMAGES))
    elif os_kind == "windows":
        os_name, os_version, kernel = WINDOWS
    else:
        os_name, os_version, kernel = "darwin", "14.4.1", "23.4.0"
    cores = draw(st.sampled_from((1, 2, 4, 8, 16)))
    attributes = {
        "kernel.name": os_kind,
        "kernel.version": kernel,
        "os.name": os_name,
        "os.version": os_version,
        "cpu.arch": draw(st.sampled_from(("amd64", "arm64"))),
        "cpu.numcores": str(cores),
        "cpu.totalcompute": str(cores * 2500),
        "nomad.version": draw(st.sampled_from(VERSIONS[:3])),
        "unique.hostname": draw(st.sampled_from(("web-1", "ip-10-0-0-1", ""))),
    }
    drivers: dict[str, Any] = {}
    for name in draw(st.sets(st.sampled_from(DRIVERS))):
        healthy = draw(st.booleans())
        drivers[name] = {"detected": True, "healthy": healthy}
        attributes[f"driver.{name}"] = "1"
    if "docker" in drivers:
        attributes["driver.docker.os_type"] = "windows" if os_kind == "windows" else "linux"
        attributes["driver.docker.version"] = draw(st.sampled_from(("24.0.7", "27.3.1")))
    meta = draw(
        st.dictionaries(
            st.sampled_from(META_KEYS), st.sampled_from(("r1", "ssd,nvme", "")), max_size=3
        )
    )
    return Node(
        id=draw(st.uuids()).hex,
        name=draw(st.sampled_from(("node-1", "client-a", "win-0"))),
        datacenter=draw(st.sampled_from(("dc1", "dc2", "us-east-1", ""))),
        node_class=draw(st.sampled_from(("", "hashistack", "hashistack-linux", "gpu"))),
        node_pool=draw(st.sampled_from(("default", "batch", "gpu"))),
        status=draw(st.sampled_from(("ready", "ready", "down", "initializing"))),
        scheduling_eligibility=draw(st.sampled_from(("eligible", "eligible", "ineligible"))),
        attributes=attributes,
        meta=meta,
        drivers=drivers,
        node_resources={
            "cpu": {"cpu_shares": cores * 2500},
            "memory": {"memory_mb": 1024 * cores},
            "disk": {"disk_mb": 50_000},
        },
    )


def _targets(catalog: Catalog | None) -> st.SearchStrategy[str]:
    known = sorted(catalog.values) if catalog else []
    return st.one_of(
        st.sampled_from([f"${{attr.{k}}}" for k in ATTRIBUTE_KEYS]),
        st.sampled_from([f"${{meta.{k}}}" for k in META_KEYS]),
        st.sampled_from(NODE_TARGETS),
        st.sampled_from(UNRESOLVABLE_TARGETS),
        st.sampled_from(("linux", "attr.kernel.name", "")),  # literals
        *([st.sampled_from(known)] if known else []),
    )


def _values(catalog: Catalog | None, target: str) -> st.SearchStrategy[str]:
    observed = catalog.values.get(target, []) if catalog else []
    choices = [st.sampled_from(ADVERSARIAL), st.sampled_from(VERSIONS)]
    if observed:
        choices.insert(0, st.sampled_from(observed))
    return st.one_of(*choices)


def _r_target(draw: st.DrawFn, operand: str, catalog: Catalog | None, target: str) -> str:
    """A right-hand side shaped for the operator, or plain adversarial text."""
    value = draw(_values(catalog, target))
    if operand in ("version", "semver"):
        terms = draw(
            st.lists(
                st.tuples(st.sampled_from(VERSION_OPS), st.sampled_from(VERSIONS)),
                min_size=1,
                max_size=2,
            )
        )
        return draw(st.sampled_from((value, ", ".join(f"{op} {v}".strip() for op, v in terms))))
    if operand.startswith("set_contains"):
        parts = draw(st.lists(st.one_of(_values(catalog, target), st.just("")), max_size=3))
        return draw(st.sampled_from((",".join(parts), " , ".join(parts), value)))
    if operand in ("is_set", "is_not_set"):
        return draw(st.sampled_from(("", value)))
    if operand == "distinct_property":
        return draw(st.sampled_from(("", "1", "2", "0", "-1", value)))
    if operand == "distinct_hosts":
        return draw(st.sampled_from(("", "true", "false", "maybe")))
    if operand == "regexp":
        return draw(st.sampled_from((value, f"^{value}", f"(?i){value}$", "[", "(a)\\1", "^$")))
    return value


@st.composite
def constraint_strategy(
    draw: st.DrawFn,
    nodes: list[Node] | None = None,
    operators: tuple[str, ...] = OPERATORS,
    catalog: Catalog | None = None,
) -> Constraint:
    """A constraint of any operator; values from ``nodes`` or adversarial.

    ``catalog`` spares rebuilding the value table per example when drawing many constraints
    against one large population.
    """
    catalog = catalog or (Catalog.from_nodes(nodes) if nodes else None)
    operand = draw(st.sampled_from(operators))
    l_target = draw(_targets(catalog))
    r_target = _r_target(draw, operand, catalog, l_target)
    return Constraint(l_target=l_target, operand=operand, r_target=r_target)


@st.composite
def job_strategy(
    draw: st.DrawFn, nodes: list[Node] | None = None, max_groups: int = 3, max_tasks: int = 2
) -> Job:
    """A job whose constraints come from :func:`constraint_strategy` at every level."""
    catalog = Catalog.from_nodes(nodes) if nodes else None
    placed = tuple(op for op in OPERATORS if op not in DISTINCT)
    job_type = draw(st.sampled_from(("service", "batch", "system")))

    def rules(ops: tuple[str, ...], most: int) -> list[Constraint]:
        return draw(st.lists(constraint_strategy(operators=ops, catalog=catalog), max_size=most))

    groups = []
    for g in range(draw(st.integers(1, max_groups))):
        tasks = [
            {
                "name": f"t{t}",
                "driver": draw(st.sampled_from(DRIVERS)),
                "constraints": rules(placed, 2),
                "resources": {
                    "cpu": draw(st.sampled_from((100, 500, 2000))),
                    "memory_mb": draw(st.sampled_from((128, 512, 4096))),
                },
            }
            for t in range(draw(st.integers(1, max_tasks)))
        ]
        groups.append(
            {
                "name": f"g{g}",
                "count": draw(st.integers(1, 3)),
                "constraints": rules(OPERATORS, 2),
                "tasks": tasks,
            }
        )
    return Job(
        id=f"job-{draw(st.integers(0, 999))}",
        type=job_type,
        datacenters=draw(st.sampled_from((["*"], ["dc*"], ["dc1"], ["dc1", "dc2"]))),
        node_pool=draw(st.sampled_from(("default", "all", "batch"))),
        constraints=rules(OPERATORS, 3),
        task_groups=groups,
    )
