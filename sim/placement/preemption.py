"""Which allocations one node gives up so that a higher-priority allocation fits.

Nomad's ``Preemptor`` (scheduler/feasible/preemption.go) and the evict path of
``BinPackIterator.Next`` (scheduler/feasible/rank.go), for one node, on plain values:

- only allocations of jobs at least 10 priority below the placing job are candidates
  (``filterAndGroupPreemptibleAllocs``), lowest priority first; the placing job's own
  allocations are never candidates (``SetCandidates``);
- network first (reserved ports held by candidates, then bandwidth on one device,
  ``PreemptForNetwork``), then devices (``PreemptForDevice``: the option of lowest net
  priority), then CPU/memory/disk (``PreemptForTaskGroup``: within a priority the closest
  allocation by ``basicResourceDistance`` plus 50 per allocation of a job/group already
  preempted at or beyond its ``migrate.max_parallel``), each followed by ``filterSuperset``;
- the node's score then gains ``preemption`` = 1 / (1 + e^(0.0048 (netPriority − 2048)))
  (``PreemptionScoringIterator``, ``netPriority``, ``preemptionScore``).

Go iterates maps of devices in random order; here devices are tried in the order their
first candidate appears, and ``sort.Slice`` ties keep input order (a stable sort).
Reserved cores are not preempted: Nomad checks them against the unpreempted node before
``AllocsFit`` and marks the node exhausted (``SELECTCORES`` in rank.go).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import msgspec

from models import Job, TaskGroup

A = TypeVar("A")

PRIORITY_DELTA = 10  # an allocation is preemptible when placing priority − its priority ≥ 10
MAX_PARALLEL_PENALTY = 50.0  # maxParallelPenalty
SCORE_RATE = 0.0048
SCORE_ORIGIN = 2048.0
PREEMPTION = "preemption"  # the ScoreMetaData name of PreemptionScoringIterator
DEFAULT_PRIORITY = 50  # structs.JobDefaultPriority
# ``PreemptionConfig`` defaults (nomad/config.go DefaultConfig): system jobs only.
DEFAULT_PREEMPTION: dict[str, bool] = {
    "system": True,
    "sysbatch": False,
    "batch": False,
    "service": False,
}


class Amount(msgspec.Struct, frozen=True):
    """CPU MHz, memory MB and disk MB: the part of ``ComparableResources`` compared here."""

    cpu: float = 0.0
    memory_mb: float = 0.0
    disk_mb: float = 0.0

    def __add__(self, other: Amount) -> Amount:
        return Amount(
            self.cpu + other.cpu, self.memory_mb + other.memory_mb, self.disk_mb + other.disk_mb
        )

    def __sub__(self, other: Amount) -> Amount:
        return Amount(
            self.cpu - other.cpu, self.memory_mb - other.memory_mb, self.disk_mb - other.disk_mb
        )

    def covers(self, ask: Amount) -> bool:
        """``ComparableResources.Superset`` on CPU, memory, disk."""
        return (
            self.cpu >= ask.cpu and self.memory_mb >= ask.memory_mb and self.disk_mb >= ask.disk_mb
        )


class NetworkUse(msgspec.Struct, frozen=True):
    """One network of an allocation or an ask: device, bandwidth, reserved ports."""

    device: str = ""
    mbits: int = 0
    reserved_ports: tuple[int, ...] = ()


class Holding(msgspec.Struct, frozen=True):
    """An allocation on the node, as the preemptor sees it."""

    id: str
    job_id: str
    priority: int
    amount: Amount = Amount()
    group: str = ""
    namespace: str = "default"
    max_parallel: int = 0  # the group's migrate.max_parallel (0: no migrate block)
    network: NetworkUse | None = None  # the first network (``Flattened.Networks[0]``)
    devices: tuple[tuple[int, int], ...] = ()  # (node device group index, instances held)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.namespace, self.job_id, self.group)


class DeviceGroup(msgspec.Struct, frozen=True):
    """A device group of the node: instances free now (healthy less those every allocation
    on the node holds) and whether it matches the request."""

    free: int
    matches: bool


def preemptible(priority: int, holding: Holding) -> bool:
    """At least ``PRIORITY_DELTA`` below the placing job."""
    return priority - holding.priority >= PRIORITY_DELTA


def by_priority(priority: int, holdings: Iterable[Holding]) -> list[list[Holding]]:
    """``filterAndGroupPreemptibleAllocs``: preemptible ones grouped by priority, lowest first."""
    groups: dict[int, list[Holding]] = {}
    for h in holdings:
        if preemptible(priority, h):
            groups.setdefault(h.priority, []).append(h)
    return [groups[p] for p in sorted(groups)]


def basic_resource_distance(ask: Amount, used: Amount) -> float:
    """``basicResourceDistance``: Euclidean distance of the relative shortfalls."""
    coords = [
        (a - u) / a if a > 0 else 0.0
        for a, u in (
            (ask.memory_mb, used.memory_mb),
            (ask.cpu, used.cpu),
            (ask.disk_mb, used.disk_mb),
        )
    ]
    return math.sqrt(sum(c * c for c in coords))


def max_parallel_penalty(max_parallel: int, preempted: int) -> float:
    if max_parallel > 0 and preempted >= max_parallel:
        return (preempted + 1 - max_parallel) * MAX_PARALLEL_PENALTY
    return 0.0


def score_for_task_group(ask: Amount, used: Amount, max_parallel: int, preempted: int) -> float:
    """``scoreForTaskGroup``: lower is better."""
    return basic_resource_distance(ask, used) + max_parallel_penalty(max_parallel, preempted)


def network_distance(used: NetworkUse | None, needed: NetworkUse | None) -> float:
    """``networkResourceDistance``: relative bandwidth shortfall, absolute."""
    if used is None or needed is None:
        return math.inf
    return abs((needed.mbits - used.mbits) / needed.mbits) if needed.mbits else math.inf


def net_priority(priorities: Sequence[int]) -> float:
    """``netPriority``: the highest priority plus the sum over it."""
    top = float(max(priorities))
    return top + sum(priorities) / top


def preemption_score(priorities: Sequence[int]) -> float:
    """``preemptionScore`` of the preempted allocations' priorities (0.5 at net 2048)."""
    return 1.0 / (1.0 + math.exp(SCORE_RATE * (net_priority(priorities) - SCORE_ORIGIN)))


def _filter_superset(
    chosen: list[Holding],
    enough: Callable[[list[Holding]], bool],
    distance: Callable[[Holding], float],
) -> list[Holding]:
    """``filterSuperset``: farthest first, keep adding until the ask is met."""
    ordered = sorted(chosen, key=distance, reverse=True)
    kept: list[Holding] = []
    for h in ordered:
        kept.append(h)
        if enough(kept):
            break
    return kept


def preempt_for_task_group(
    priority: int,
    remaining: Amount,
    candidates: Sequence[Holding],
    ask: Amount,
    preempted: Counter[tuple[str, str, str]],
) -> list[Holding]:
    """``PreemptForTaskGroup``: ``remaining`` is the node's capacity less everything the
    candidates hold; empty when even every preemptible candidate does not make room."""
    available = remaining
    needed = ask
    chosen: list[Holding] = []
    met = False
    for group in by_priority(priority, candidates):
        pool = list(group)
        while pool and not met:
            best, best_distance = -1, math.inf
            for i, h in enumerate(pool):
                d = score_for_task_group(needed, h.amount, h.max_parallel, preempted[h.key])
                if d < best_distance:
                    best, best_distance = i, d
            if best < 0:  # every distance is +inf/NaN: Go would index -1 and panic
                best = 0
            closest = pool[best]
            available = available + closest.amount
            met = available.covers(ask)
            chosen.append(closest)
            pool[best] = pool[-1]  # Go's swap-remove changes the order of the rest
            pool.pop()
            needed = needed - closest.amount
        if met:
            break
    if not met:
        return []

    def enough(kept: list[Holding]) -> bool:
        total = remaining
        for h in kept:
            total = total + h.amount
        return total.covers(ask)

    return _filter_superset(chosen, enough, lambda h: basic_resource_distance(ask, h.amount))


def preempt_for_network(
    priority: int,
    candidates: Sequence[Holding],
    ask: NetworkUse,
    bandwidth: dict[str, int],
    used_bandwidth: dict[str, int],
    preempted: Counter[tuple[str, str, str]],
) -> list[Holding] | None:
    """``PreemptForNetwork``: free the ask's reserved ports, then bandwidth, on one device.

    ``bandwidth`` / ``used_bandwidth``: per device, the node's and its allocations'
    (``NetworkIndex.AvailBandwidth`` / ``UsedBandwidth``). None when not possible.
    """
    by_device: dict[str, list[Holding]] = {}
    blocked: dict[str, set[int]] = {}
    for h in candidates:
        net = h.network
        if net is None:
            continue
        if not preemptible(priority, h):
            blocked.setdefault(net.device, set()).update(net.reserved_ports)
            continue
        by_device.setdefault(net.device, []).append(h)
    if not by_device:
        return None
    chosen: list[Holding] = []
    met, free, device = False, 0, ""
    for device, holdings in by_device.items():
        total = bandwidth.get(device, 0)
        if total < ask.mbits:
            continue
        free = total - used_bandwidth.get(device, 0)
        freed = 0
        chosen = []
        if ask.reserved_ports:
            holder: dict[int, Holding] = {}
            for h in holdings:
                for port in h.network.reserved_ports if h.network else ():
                    holder[port] = h
            impossible = False
            for port in ask.reserved_ports:
                if port in holder:
                    h = holder[port]
                    freed += h.network.mbits if h.network else 0
                    chosen.append(h)
                elif port in blocked.get(device, set()):
                    impossible = True
                    break
            if impossible:
                continue
            holdings = [h for h in holdings if h not in chosen]
        if freed + free >= ask.mbits:
            met = True
            break
        for group in by_priority(priority, holdings):
            group.sort(
                key=lambda h: (
                    network_distance(h.network, ask)
                    + max_parallel_penalty(h.max_parallel, preempted[h.key])
                )
            )
            for h in group:
                freed += h.network.mbits if h.network else 0
                chosen.append(h)
                if freed + free >= ask.mbits:
                    met = True
                    break
            if met:
                break
        if met:
            break
    if not met:
        return None

    def enough(kept: list[Holding]) -> bool:
        mbits = free + sum(h.network.mbits for h in kept if h.network)
        return mbits != 0 and ask.mbits != 0 and mbits >= ask.mbits

    return _filter_superset(chosen, enough, lambda h: network_distance(h.network, ask))


def preempt_for_device(
    priority: int,
    candidates: Sequence[Holding],
    count: int,
    devices: Sequence[DeviceGroup],
) -> list[Holding] | None:
    """``PreemptForDevice`` + ``selectBestAllocs``: per matching device group, candidates in
    priority order until its free instances reach ``count``; of those options, the one of
    lowest sum of distinct priorities after dropping allocations not needed."""
    held: dict[int, list[Holding]] = {}
    instances: dict[int, dict[str, int]] = {}
    for h in candidates:
        for d, n in h.devices:
            if not devices[d].matches:
                continue
            held.setdefault(d, []).append(h)
            counts = instances.setdefault(d, {})
            counts[h.id] = counts.get(h.id, 0) + n
    options: list[tuple[list[Holding], dict[str, int]]] = []
    for d, holdings in held.items():
        free = devices[d].free
        freed, taken = 0, []
        for group in by_priority(priority, holdings):
            for h in group:
                freed += instances[d][h.id]
                taken.append(h)
                if freed + free >= count:
                    options.append((taken, instances[d]))
                    break
            else:
                continue
            break
    if not options:
        return None
    best_priority, best = math.inf, None
    for taken, counts in options:
        ordered = sorted(taken, key=lambda h: counts[h.id], reverse=True)
        kept, got, seen = [], 0, set()
        for h in ordered:
            if got >= count:
                break
            got += counts[h.id]
            kept.append(h)
            seen.add(h.priority)
        if sum(seen) < best_priority:
            best_priority, best = sum(seen), kept
    return best


class NodeRoom(msgspec.Struct, frozen=True):
    """What the node offers: capacity less reserved, bandwidth per device, healthy
    instances per device group, and the host ports the node itself reserves (no allocation
    holds them, so no preemption frees them)."""

    capacity: Amount
    bandwidth: tuple[tuple[str, int], ...] = ()
    healthy: tuple[int, ...] = ()
    reserved_ports: frozenset[int] = frozenset()


class DeviceRequest(msgspec.Struct, frozen=True):
    """``count`` instances of any device group whose index is in ``matching``."""

    count: int
    matching: frozenset[int]


class PreemptAsk(msgspec.Struct, frozen=True):
    """One allocation's ask: CPU/memory/disk, its (group) network, its device requests, its
    tasks' networks."""

    amount: Amount
    network: NetworkUse | None = None
    devices: tuple[DeviceRequest, ...] = ()
    task_networks: tuple[NetworkUse, ...] = ()  # each task's network, after the group's


def _used_bandwidth(holdings: Iterable[Holding]) -> Counter[str]:
    used: Counter[str] = Counter()
    for h in holdings:
        if h.network is not None:
            used[h.network.device] += h.network.mbits
    return used


def network_fits(
    room: NodeRoom, holdings: Sequence[Holding], ask: NetworkUse, task: bool = False
) -> str | None:
    """The device ``NetworkIndex.AssignTaskNetwork`` would use (bandwidth left and none of
    the ask's reserved ports held there), or None. A group network (``task`` False) may use a
    node without a network device (``AssignPorts`` reads host addresses); a task network
    needs one ("no networks available")."""
    used = _used_bandwidth(holdings)
    for device, mbits in room.bandwidth or (() if task else (("", 0),)):
        ports = set(room.reserved_ports)
        ports.update(
            p
            for h in holdings
            if h.network and h.network.device == device
            for p in h.network.reserved_ports
        )
        if used[device] + ask.mbits <= mbits and not ports & set(ask.reserved_ports):
            return device
    return None


def _device_groups(
    room: NodeRoom, holdings: Sequence[Holding], request: DeviceRequest, taken: Counter[int]
) -> list[DeviceGroup]:
    held: Counter[int] = Counter(taken)
    for h in holdings:
        for d, n in h.devices:
            held[d] += n
    return [
        DeviceGroup(healthy - held[d], d in request.matching)
        for d, healthy in enumerate(room.healthy)
    ]


def preempt_on_node(
    priority: int,
    job: tuple[str, str],
    room: NodeRoom,
    holdings: Sequence[Holding],
    ask: PreemptAsk,
    preempted: Counter[tuple[str, str, str]] | None = None,
    slots: int | None = None,
) -> list[Holding] | None:
    """``BinPackIterator.Next`` with eviction on for one node: the allocations to preempt
    ([] when the ask fits as it is), or None when the node stays exhausted. ``slots``: how
    many more allocations the node's ``max_allocs`` admits (None: no limit).

    ``job`` is the placing job's (namespace, id): its own allocations are never candidates,
    and, as in Nomad, the room they hold is not counted when CPU/memory/disk victims are
    chosen (``SetCandidates``); ``preempted`` counts the plan's earlier preemptions per
    (namespace, job, group) for the max_parallel penalty.
    """
    stages = preempt_stages(priority, job, room, holdings, ask, preempted, slots)
    return None if stages is None else [*stages[0], *stages[1]]


def preempt_stages(
    priority: int,
    job: tuple[str, str],
    room: NodeRoom,
    holdings: Sequence[Holding],
    ask: PreemptAsk,
    preempted: Counter[tuple[str, str, str]] | None = None,
    slots: int | None = None,
) -> tuple[list[Holding], list[Holding]] | None:
    """``preempt_on_node`` in two parts: the network and device victims, which leave before
    ``AllocsFit`` runs, and the CPU/memory/disk victims, which still count in the
    utilisation the node is scored by. ``AllocsFit`` checks the allocation count first: a
    node still full after the first part has its task-group victims chosen even when the
    resources fit (the closest one then suffices)."""
    counts = preempted if preempted is not None else Counter()
    current = list(holdings)
    victims: list[Holding] = []

    def candidates() -> list[Holding]:
        return [h for h in current if (h.namespace, h.job_id) != job]

    def drop(chosen: Sequence[Holding]) -> None:
        nonlocal current
        gone = {h.id for h in chosen}
        current = [h for h in current if h.id not in gone]
        victims.extend(chosen)

    networks = [(ask.network, False)] if ask.network is not None else []
    networks.extend((net, True) for net in ask.task_networks)
    for k, (net, task) in enumerate(networks):
        device = network_fits(room, current, net, task)
        if device is None:
            chosen = preempt_for_network(
                priority,
                candidates(),
                net,
                dict(room.bandwidth),
                dict(_used_bandwidth(current)),
                counts,
            )
            if not chosen:
                return None
            drop(chosen)
            device = network_fits(room, current, net, task)
            if device is None:
                return None
        # What this network takes counts for the next one (``NetworkIndex.AddReserved``).
        current.append(
            Holding(
                f"ask network {k}",
                job[1],
                priority,
                namespace=job[0],
                network=msgspec.structs.replace(net, device=device),
            )
        )
    taken: Counter[int] = Counter()
    for request in ask.devices:
        groups = _device_groups(room, current, request, taken)
        pick = next(
            (d for d, g in enumerate(groups) if g.matches and g.free >= request.count), None
        )
        if pick is None:
            chosen = preempt_for_device(priority, candidates(), request.count, groups)
            if not chosen:
                return None
            drop(chosen)
            groups = _device_groups(room, current, request, taken)
            pick = next(
                (d for d, g in enumerate(groups) if g.matches and g.free >= request.count), None
            )
            if pick is None:
                return None
        taken[pick] += request.count
    used = Amount()
    for h in current:
        used = used + h.amount
    full = slots is not None and slots + len(victims) < 1
    if full or not (room.capacity - used).covers(ask.amount):
        others = candidates()
        remaining = room.capacity
        for h in others:
            remaining = remaining - h.amount
        chosen = preempt_for_task_group(priority, remaining, others, ask.amount, counts)
        if not chosen:
            return None
        return victims, chosen
    return victims, []


# --------------------------------------------------------------- scheduler-level settings


def preemption_switches(config: Mapping[str, bool] | None) -> dict[str, bool]:
    """Per job type, whether its scheduler may preempt (unset types keep Nomad's defaults).

    Not per node pool: ``SchedulerConfiguration.WithNodePool`` (nomad/structs/operator.go)
    overrides only the algorithm and memory oversubscription."""
    out = dict(DEFAULT_PREEMPTION)
    for kind, enabled in (config or {}).items():
        if kind not in out:
            raise ValueError(f"preemption: unknown scheduler type {kind!r}")
        out[kind] = bool(enabled)
    return out


def migrate_max_parallel(job: Job, group: TaskGroup | None) -> int:
    """The group's ``migrate.max_parallel``: a service group without the block gets
    ``DefaultMigrateStrategy`` (1), other types none (0) (``TaskGroup.Canonicalize``)."""
    if group is not None and group.migrate is not None:
        return group.migrate.max_parallel
    return 1 if job.type == "service" else 0


def with_job_settings(allocs: Iterable[A], jobs: Sequence[Job]) -> list[A]:
    """Allocations (dataclasses with ``job_id``, ``group``, ``priority``, ``max_parallel``)
    given their job's priority unless they state the one of the job version they run, and
    its migrate.max_parallel unless they state one, where the run has the job."""
    groups = {(j.id, g.name): (j, g) for j in jobs for g in j.task_groups}
    by_id = {j.id: j for j in jobs}
    out = []
    for alloc in allocs:
        a: Any = alloc
        job, group = groups.get((a.job_id, a.group), (by_id.get(a.job_id), None))
        if job is not None and a.priority is None:
            a = replace(a, priority=job.priority)
        if job is not None and a.max_parallel is None:
            a = replace(a, max_parallel=migrate_max_parallel(job, group))
        out.append(a)
    return out


def updated_by(allocs: list[A], job: Job) -> None:
    """The job's evaluation updates its running allocations to its version in place
    (``inplaceUpdate``, scheduler/util.go): from then on they have its priority. Before it,
    they keep the priority of the version they run, so an evaluation that comes first (the
    broker hands out the highest priority first) sees that one. Placements of the run are
    always of jobs at least as important as those evaluated after them, so only starting
    allocations are ever preempted."""
    for i, alloc in enumerate(allocs):
        a: Any = alloc
        if a.job_id == job.id and a.priority != job.priority:
            allocs[i] = replace(a, priority=job.priority)


def replacement_jobs(evicted: Iterable[tuple[str, str]], jobs: Mapping[str, Job]) -> list[Job]:
    """The evaluations Nomad creates for the jobs whose allocations were preempted
    (nomad/plan_apply.go, ``EvalTriggerPreemption``), from (job, group) per evicted
    allocation: each places as many allocations of each group as were evicted. A job not in
    the run has no specification to place from."""
    wanted = Counter(evicted)
    out = []
    for job_id in dict.fromkeys(job for job, _ in wanted):
        job = jobs.get(job_id)
        if job is None:
            continue
        groups = [
            g.model_copy(update={"count": wanted[(job_id, g.name)]})
            for g in job.task_groups
            if wanted[(job_id, g.name)]
        ]
        if groups:
            out.append(job.model_copy(update={"task_groups": groups}))
    return out
