"""Snapshots of a live cluster (``nomad-sim snapshot``): one JSON file, read as a scenario.

The file holds Nomad's own API answers, unchanged: full nodes (GET /v1/node/:id), full jobs
(GET /v1/job/:id), non-terminal allocation stubs with ``AllocatedResources``, the scheduler
configuration, node pools, namespaces and regions. It starts with the ``NomadSimSnapshot``
key, so it is recognised by its first bytes, whatever its name. Nodes and jobs go through
the same readers as ``--nodes`` and ``--job`` files; the jobs are taken as Nomad stored them,
its registration hooks already applied (``sim.io.loaders.registered`` is not run again).

Running allocations become the scenario's ``allocations`` with ``counts_toward_job``: they
hold their node's capacity and ports, count for anti-affinity, spread and distinct_*, and
Nomad's reconciler keeps them, so only the rest of a group's count is placed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from models import Job, Node
from models.job import Resources
from models.scenario import Allocation, Preemption, Scenario, SchedulerConfig

from ..core.errors import InputError
from .detect import SNAPSHOT_MARKER as MARKER
from .files import parse_json, read_text
from .job_json import job_from_api
from .node_json import nodes_from_document
from .resolved import ResolvedScenario

FORMAT_VERSION = 1
TERMINAL_CLIENT = {"complete", "failed", "lost"}  # nomad/structs/alloc.go terminal statuses
TERMINAL_DESIRED = {"stop", "evict"}


def is_terminal(alloc: dict[str, Any]) -> bool:
    """``Allocation.TerminalStatus``: either the client or the server side is terminal."""
    return (
        alloc.get("ClientStatus") in TERMINAL_CLIENT
        or alloc.get("DesiredStatus") in TERMINAL_DESIRED
    )


def load_snapshot(path: str | Path, *, records: bool = False) -> ResolvedScenario:
    """A snapshot as a resolved scenario: nodes, the jobs Nomad would place, running allocs;
    with ``records`` the nodes are node records (``sim.io.node_records``), as the CLI reads
    them, else pydantic Nodes."""
    path = Path(path)
    text = read_text(path)
    data = parse_json(text, path)
    if not isinstance(data, dict) or MARKER not in data:
        raise InputError(f"not a nomad-sim snapshot (no {MARKER} key)", path)
    if data[MARKER] != FORMAT_VERSION:
        raise InputError(
            f"snapshot format {data[MARKER]!r}; this nomad-sim reads {FORMAT_VERSION}", path
        )
    for key in ("Nodes", "Jobs", "Allocations"):
        if not isinstance(data.get(key), list):
            raise InputError(f"{key} must be a JSON array", path)
    warnings: list[str] = []
    loaded = nodes_from_document(text, "Nodes", data["Nodes"], path, records=records)
    warnings.extend(loaded.warnings)
    jobs, job_ids = _jobs(data["Jobs"], path, warnings)
    allocations = _allocations(data["Allocations"], job_ids, loaded.nodes, path, warnings)
    scheduler = scheduler_config(data, jobs, warnings)
    region = data.get("Region") or ""
    name = f"{path.stem} ({region})" if region else path.stem
    return ResolvedScenario(
        scenario=Scenario(name=name, scheduler=scheduler),
        variables={},
        nodes=loaded.nodes,
        node_group_of=[f"{n.datacenter}/{n.node_pool}/{n.node_class or '-'}" for n in loaded.nodes],
        jobs=jobs,
        allocations=allocations,
        source=path,
        warnings=warnings,
    )


def places_allocations(job: dict[str, Any]) -> bool:
    """Jobs the scheduler would place now: not stopped, not a periodic or parameterized
    parent (their children are the jobs that run), not a finished batch job."""
    if job.get("Stop"):
        return False
    if (job.get("Periodic") or {}).get("Enabled") or job.get("ParameterizedJob"):
        return False
    return not (job.get("Type") in ("batch", "sysbatch") and job.get("Status") == "dead")


def _jobs(
    items: list[Any], path: Path, warnings: list[str]
) -> tuple[list[Job], dict[tuple[str, str], str]]:
    """The jobs to simulate, and their IDs here by (namespace, ID in Nomad)."""
    jobs: list[Job] = []
    ids: dict[tuple[str, str], str] = {}
    skipped = 0
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"Jobs[{i}] must be a JSON object", path)
        if not places_allocations(item):
            skipped += 1
            continue
        job = job_from_api(item, path, ("Jobs", i))
        original = job.id
        if job.id in seen:
            job = job.model_copy(update={"id": f"{job.id}@{job.namespace}"})
            warnings.append(
                f"{path}: job {item.get('ID')!r} exists in several namespaces; "
                f"the one in {job.namespace!r} is called {job.id!r} here"
            )
        seen.add(job.id)
        ids[(job.namespace, original)] = job.id
        jobs.append(job)
    if skipped:
        warnings.append(
            f"{path}: {skipped} job(s) left out: stopped, periodic or parameterized parents, "
            "or finished batch jobs (Nomad places nothing for them)"
        )
    return jobs, ids


def _allocations(
    items: list[Any],
    job_ids: dict[tuple[str, str], str],
    nodes: list[Node],
    path: Path,
    warnings: list[str],
) -> list[Allocation]:
    names = {node.id: node.name for node in nodes}
    down = {node.id for node in nodes if node.status == "down"}
    out: list[Allocation] = []
    dropped: Counter[str] = Counter()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"Allocations[{i}] must be a JSON object", path)
        if is_terminal(item):
            continue
        node_id = item.get("NodeID", "")
        if node_id not in names:
            dropped["on a node not in the snapshot"] += 1
            continue
        if node_id in down:
            # scheduler/reconcile_util.go:filterByTainted: allocations on a down node are
            # lost, and the reconciler places replacements.
            dropped["on down nodes (lost: Nomad replaces them)"] += 1
            continue
        namespace = item.get("Namespace") or "default"
        job_id = job_ids.get((namespace, item.get("JobID", "")))
        resources, ports = allocated_resources(item)
        devices, mbits = allocated_devices_and_bandwidth(item)
        if job_id is None and resources is None:
            dropped["of a job not in the snapshot, without AllocatedResources"] += 1
            continue
        out.append(
            Allocation(
                job=job_id or item.get("JobID", ""),
                group=item.get("TaskGroup", ""),
                node=names[node_id],
                node_id=node_id,
                id=item.get("ID", ""),
                resources=resources,
                ports=ports,
                devices=devices,
                mbits=mbits,
                counts_toward_job=job_id is not None,
            )
        )
    for reason, count in dropped.items():
        warnings.append(f"{path}: {count} allocation(s) {reason} left out")
    return out


def allocated_resources(alloc: dict[str, Any]) -> tuple[Resources | None, list[int]]:
    """What an allocation holds on its node: ``AllocatedResources`` (Nomad ≥ 0.9; with
    ``?resources=true`` on the list), else the legacy ``Resources``; ``None`` if neither."""
    allocated = alloc.get("AllocatedResources")
    if isinstance(allocated, dict):
        cpu = memory = cores = 0
        ports: list[int] = []
        for task in (allocated.get("Tasks") or {}).values():
            task = task or {}
            cpu_block = task.get("Cpu") or {}
            cpu += int(cpu_block.get("CpuShares") or 0)
            cores += len(cpu_block.get("ReservedCores") or [])
            memory += int((task.get("Memory") or {}).get("MemoryMB") or 0)
            ports.extend(_network_ports(task.get("Networks")))
        shared = allocated.get("Shared") or {}
        ports.extend(int(p.get("Value") or 0) for p in shared.get("Ports") or [])
        ports.extend(_network_ports(shared.get("Networks")))
        disk = int(shared.get("DiskMB") or 0)
        return Resources(cpu=cpu, memory_mb=memory, disk_mb=disk, cores=cores), _unique(ports)
    legacy = alloc.get("Resources")
    if isinstance(legacy, dict):
        resources = Resources(
            cpu=int(legacy.get("CPU") or 0),
            memory_mb=int(legacy.get("MemoryMB") or 0),
            disk_mb=int(legacy.get("DiskMB") or 0),
        )
        return resources, _unique(_network_ports(legacy.get("Networks")))
    return None, []


def allocated_devices_and_bandwidth(
    alloc: dict[str, Any],
) -> tuple[dict[str, int] | None, int | None]:
    """Device instances (by ``vendor/type/name``) and network Mbits in ``AllocatedResources``:
    the task networks, and the group's when it holds no ports (``NetworkIndex.AddAllocs``
    counts its bandwidth only then); (None, None) without ``AllocatedResources``."""
    allocated = alloc.get("AllocatedResources")
    if not isinstance(allocated, dict):
        return None, None
    devices: dict[str, int] = {}
    mbits = 0
    for task in (allocated.get("Tasks") or {}).values():
        task = task or {}
        for device in task.get("Devices") or []:
            name = "/".join(str(device.get(k) or "") for k in ("Vendor", "Type", "Name"))
            devices[name] = devices.get(name, 0) + len(device.get("DeviceIDs") or [])
        mbits += sum(int((n or {}).get("MBits") or 0) for n in (task.get("Networks") or [])[:1])
    shared = allocated.get("Shared") or {}
    if not shared.get("Ports"):
        mbits += sum(int((n or {}).get("MBits") or 0) for n in shared.get("Networks") or [])
    return devices, mbits


def _network_ports(networks: Any) -> list[int]:
    return [
        int(port.get("Value") or 0)
        for network in networks or []
        for key in ("ReservedPorts", "DynamicPorts")
        for port in (network or {}).get(key) or []
    ]


def _unique(ports: list[int]) -> list[int]:
    return sorted({p for p in ports if p > 0})


def scheduler_config(data: dict[str, Any], jobs: list[Job], warnings: list[str]) -> SchedulerConfig:
    """The cluster's scheduler configuration, with a node pool's own settings over it when
    every job runs in pools that agree (``NodePool.SchedulerConfiguration`` overrides the
    global algorithm and memory oversubscription per pool, nomad/structs/node_pool.go)."""
    config = data.get("SchedulerConfiguration") or {}
    preemption = config.get("PreemptionConfig") or {}
    algorithm = config.get("SchedulerAlgorithm") or "binpack"
    oversubscription = bool(config.get("MemoryOversubscriptionEnabled"))
    pools = {
        pool.get("Name"): pool.get("SchedulerConfiguration") or {}
        for pool in data.get("NodePools") or []
        if isinstance(pool, dict)
    }
    effective = {
        (
            pools.get(job.node_pool, {}).get("SchedulerAlgorithm") or algorithm,
            pools.get(job.node_pool, {}).get("MemoryOversubscriptionEnabled", oversubscription),
        )
        for job in jobs
    }
    if len(effective) == 1:
        algorithm, oversubscription = effective.pop()
    elif len(effective) > 1:
        warnings.append(
            "node pools use different scheduler settings "
            f"({', '.join(sorted(f'{a}/oversubscription={o}' for a, o in effective))}); "
            f"the simulation uses the cluster's: {algorithm}"
        )
    return SchedulerConfig(
        algorithm=algorithm if algorithm in ("binpack", "spread") else "binpack",
        memory_oversubscription=bool(oversubscription),
        preemption=Preemption(
            system=bool(preemption.get("SystemSchedulerEnabled", True)),
            sysbatch=bool(preemption.get("SysBatchSchedulerEnabled", False)),
            batch=bool(preemption.get("BatchSchedulerEnabled", False)),
            service=bool(preemption.get("ServiceSchedulerEnabled", False)),
        ),
    )
