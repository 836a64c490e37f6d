"""Preemption in a simulation: when a node is exhausted, which running allocations it gives up.

Where Nomad evicts (scheduler/generic_sched.go ``selectNextOption``: a failed Select runs
again with eviction on, when the scheduler configuration enables it for the job's type;
scheduler/feasible/stack.go ``NewSystemStack``: the system and sysbatch stacks evict in their
one pass), this module asks ``preemption.preempt_on_node`` for the victims of one node and
applies them to the simulation's ledger and counts.

Only the allocations a scenario starts with can be victims: jobs are placed highest priority
first, so every allocation placed earlier in the run belongs to a job at least as important.
The run's placements for other jobs are one holding that is never a candidate and counts in
the room left; the placing job's own allocations are left out of that room, as Nomad's
preemptor leaves them out (``SetCandidates``), and a node the victims then leave overcommitted
is refused by the plan applier (nomad/plan_apply.go ``evaluateNodePlan``): the simulation,
which has no plan applier, treats it as exhausted. A node full on reserved cores or dynamic
ports, or whose network cannot be built, stays exhausted, as in ``BinPackIterator.Next``. A
node at its allocation limit evicts too: ``AllocsFit`` fails on the count first, so the
task-group preemptor runs (the closest allocation suffices when the resources fit) and the
node is scored with zero utilisation, the usage ``AllocsFit`` returns then. Starting
allocations hold their device instances and network bandwidth, which the device and network
stages free.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import msgspec
import numpy as np

from ..feasibility import PASS, device_matches, healthy_instances
from .chain import Inputs, assemble, normalized
from .distinct import distinct_verdicts
from .limit import Ranked, max_score
from .plan import Eviction
from .preemption import (
    DEFAULT_PRIORITY,
    Amount,
    DeviceRequest,
    Holding,
    NetworkUse,
    NodeRoom,
    PreemptAsk,
    preempt_stages,
    preemption_score,
)
from .resources import DYNAMIC_PORT_FAILED, held_devices
from .scoring import fit_score
from .select import Choice, Cursor, GroupState, Misses, TopScores, count_misses

if TYPE_CHECKING:
    from .scheduler import World

RUN = "placed in this run"  # the id of the holding that stands for everything not preemptible
# Network failures no eviction mends: no dynamic port left (the network preemptor frees only
# reserved ports and bandwidth), no network device for a task network at all.
UNFIXABLE = (DYNAMIC_PORT_FAILED,)
NO_NETWORKS = "network: no networks available"


@dataclass
class Victims:
    """The scenario's starting allocations as preemption candidates, per node."""

    on_node: dict[int, list[int]]  # node → indices into ``World.existing`` still running
    cores: dict[int, tuple[int, ...]]  # existing index → the reserved cores it holds
    evicted: list[Eviction] = field(default_factory=list)
    # Per node and job, what the run's finished evaluations placed there (rebuilt when an
    # evaluation ends; ``seen`` counts the evaluations summed).
    placed: dict[int, dict[str, Amount]] = field(default_factory=dict)
    seen: int = 0

    def placed_on(self, world: World, node: int) -> dict[str, Amount]:
        if self.seen != len(world.outcomes):
            self.placed = {}
            for outcome in world.outcomes:
                for g in outcome.groups:
                    for k, n in enumerate(g.nodes):
                        jobs = self.placed.setdefault(n, {})
                        amount = Amount(g.cpu[k], g.ask.memory_mb, g.ask.disk_mb)
                        jobs[outcome.job.id] = jobs.get(outcome.job.id, Amount()) + amount
            self.seen = len(world.outcomes)
        return self.placed.get(node, {})

    @classmethod
    def of(cls, world: World) -> Victims:
        on_node: dict[int, list[int]] = {}
        cores: dict[int, tuple[int, ...]] = {}
        taken: dict[int, set[int]] = {}
        for i, alloc in enumerate(world.existing):
            if alloc.failed:
                continue
            on_node.setdefault(alloc.node_index, []).append(i)
            if alloc.cores:  # the same lowest-free choice ``Ledger.occupy`` made
                used = taken.setdefault(alloc.node_index, set())
                usable = world.ledger.capacity.usable_cores[alloc.node_index]
                held = tuple([c for c in usable if c not in used][: alloc.cores])
                used.update(held)
                cores[i] = held
        return cls(on_node, cores)


def _holding(world: World, i: int) -> Holding:
    alloc = world.existing[i]
    node = alloc.node_index
    network = None
    if alloc.ports or alloc.mbits:
        device = world.ledger.network_device(node, alloc.network_device)
        network = NetworkUse(device, alloc.mbits, alloc.ports)
    return Holding(
        id=str(i),
        job_id=alloc.job_id,
        priority=DEFAULT_PRIORITY if alloc.priority is None else alloc.priority,
        amount=Amount(alloc.cpu, alloc.memory_mb, alloc.disk_mb),
        group=alloc.group,
        max_parallel=alloc.max_parallel or 0,
        network=network,
        devices=held_devices(world.table.nodes[node], alloc.devices),
    )


def _on_node(world: World, state: GroupState, node: int) -> tuple[NodeRoom, list[Holding]]:
    """The node's room and its holdings: the other jobs' starting allocations, one holding
    for what the run placed there for other jobs (never a candidate) and one for the placing
    job's own allocations (left out of the room, as ``SetCandidates`` leaves them out)."""
    ledger, cap = world.ledger, world.ledger.capacity
    victims = world.victims
    assert victims is not None
    holdings = [
        _holding(world, i)
        for i in victims.on_node.get(node, ())
        if world.existing[i].job_id != state.job.id
    ]
    held = Amount()
    ports: set[int] = set()
    mbits: Counter[str] = Counter(ledger.bandwidth.get(node, {}))
    devices: Counter[int] = Counter(ledger.devices.get(node, {}))
    for h in holdings:
        held = held + h.amount
        if h.network:
            ports.update(h.network.reserved_ports)
            mbits[h.network.device] -= h.network.mbits
        for d, n in h.devices:
            devices[d] -= n
    rest = (
        Amount(ledger.cpu.item(node), ledger.memory_mb.item(node), ledger.disk_mb.item(node)) - held
    )
    rest_ports = tuple(sorted(ledger.ports.get(node, set()) - ports))
    bandwidth = cap.bandwidth(node)
    device = bandwidth[0][0] if bandwidth else ""
    rest_devices = tuple((d, n) for d, n in devices.items() if n > 0)
    others = Amount()
    for job_id, amount in victims.placed_on(world, node).items():
        if job_id != state.job.id:
            others = others + amount
    holdings.append(Holding(f"{RUN}: own", state.job.id, state.job.priority, rest - others))
    rest = others
    # The rest, one holding per network device it uses (the first device takes the ports).
    for k, dev in enumerate([device, *(d for d in mbits if d != device and mbits[d] > 0)]):
        network = None
        if mbits[dev] > 0 or (k == 0 and rest_ports):
            network = NetworkUse(dev, max(mbits[dev], 0), rest_ports if k == 0 else ())
        holdings.append(
            Holding(
                f"{RUN} {k}" if k else RUN,
                "",
                priority=1 << 30,
                amount=rest if k == 0 else Amount(),
                network=network,
                devices=rest_devices if k == 0 else (),
            )
        )
    node_devices = world.table.nodes[node].node_resources.devices
    room = NodeRoom(
        Amount(cap.cpu.item(node), cap.memory_mb.item(node), cap.disk_mb.item(node)),
        bandwidth=bandwidth,
        healthy=tuple(healthy_instances(d) for d in node_devices),
        reserved_ports=cap.reserved_ports[node],
    )
    return room, holdings


def _ask(state: GroupState, node: int) -> PreemptAsk:
    ask = state.ask
    devices = state.table.nodes[node].node_resources.devices
    group_network = ask.reserved_ports or ask.dynamic_ports
    return PreemptAsk(
        Amount(float(state.cpu_ask(node)), ask.memory_mb, ask.disk_mb),
        NetworkUse("", 0, tuple(p.value for p in ask.reserved_ports)) if group_network else None,
        tuple(
            DeviceRequest(
                r.count, frozenset(d for d, dev in enumerate(devices) if device_matches(dev, r))
            )
            for r in ask.devices
        ),
        tuple(
            NetworkUse("", net.mbits, tuple(p.value for p in net.reserved_ports))
            for net in ask.task_networks
        ),
    )


class NodePreemption(msgspec.Struct, frozen=True):
    """The victims on one node and the usage the bin-pack score is computed from."""

    victims: tuple[int, ...]  # indices into ``World.existing``
    cpu_used: float  # 0 with memory_used when ``AllocsFit`` fails on the count first
    memory_used: float


def try_node(world: World, state: GroupState, node: int) -> NodePreemption | None:
    """Victims that make room for one more allocation of the group on ``node``."""
    if world.victims is None:
        world.victims = Victims.of(world)
    failure = state.extra_failure(node)
    if failure is not None and (
        failure in UNFIXABLE or failure.startswith(NO_NETWORKS) or node in world.ledger.broken
    ):
        return None
    if state.ask.cores and world.ledger.free_cores.item(node) < state.ask.cores:
        return None
    ledger, cap = world.ledger, world.ledger.capacity
    slots = None
    if cap.limits_allocs and cap.max_allocs.item(node):
        slots = cap.max_allocs.item(node) - ledger.allocs.item(node)
    room, holdings = _on_node(world, state, node)
    ask = _ask(state, node)
    stages = preempt_stages(
        state.job.priority, ("default", state.job.id), room, holdings, ask, world.preempted, slots
    )
    if stages is None:
        return None
    early, late = stages
    if not early and not late:
        return None
    if not _fits_after(world, node, ask.amount, (*early, *late)):
        return None
    if slots is not None and slots + len(early) < 1:
        return NodePreemption(tuple(int(h.id) for h in (*early, *late)), 0.0, 0.0)
    # Utilisation as AllocsFit reports it: victims of the network and device stages are
    # already gone, those of CPU/memory/disk still count (rank.go scores that fit).
    gone = Amount()
    for h in early:
        gone = gone + h.amount
    cpu = ledger.cpu.item(node) - gone.cpu + ask.amount.cpu
    memory = ledger.memory_mb.item(node) - gone.memory_mb + ask.amount.memory_mb
    return NodePreemption(tuple(int(h.id) for h in (*early, *late)), cpu, memory)


def _fits_after(world: World, node: int, ask: Amount, victims: tuple[Holding, ...]) -> bool:
    """The node's usage less the victims plus the ask within capacity. The preemptor leaves
    the placing job's own allocations out of the room, so its victims may fall short; the
    plan applier then refuses the node (nomad/plan_apply.go ``evaluateNodePlan``), and the
    simulation, which has no plan applier, treats the node as exhausted."""
    ledger, cap = world.ledger, world.ledger.capacity
    used = Amount(ledger.cpu.item(node), ledger.memory_mb.item(node), ledger.disk_mb.item(node))
    for h in victims:
        used = used - h.amount
    room = Amount(cap.cpu.item(node), cap.memory_mb.item(node), cap.disk_mb.item(node))
    return (room - used).covers(ask)


def priorities(world: World, found: NodePreemption) -> list[int]:
    stated = (world.existing[i].priority for i in found.victims)
    return [DEFAULT_PRIORITY if p is None else p for p in stated]


def evict(world: World, found: NodePreemption, node: int, by: str) -> list[Eviction]:
    """Take the victims off the node: usage, ports, cores, allocation counts."""
    victims = world.victims
    assert victims is not None
    ledger = world.ledger
    out = []
    for i in found.victims:
        alloc = world.existing[i]
        ledger.cpu[node] -= alloc.cpu
        ledger.memory_mb[node] -= alloc.memory_mb
        ledger.disk_mb[node] -= alloc.disk_mb
        ledger.allocs[node] -= 1
        if alloc.ports:
            ledger.ports.get(node, set()).difference_update(alloc.ports)
        if alloc.mbits:
            device = ledger.network_device(node, alloc.network_device)
            ledger.bandwidth[node][device] -= alloc.mbits
        for d, n in held_devices(world.table.nodes[node], alloc.devices):
            ledger.devices[node][d] -= n
        held = victims.cores.get(i, ())
        if held:
            ledger.cores.get(node, set()).difference_update(held)
            ledger.free_cores[node] += len(held)
        world.counts.job(alloc.job_id)[node] -= 1
        world.counts.group(alloc.job_id, alloc.group)[node] -= 1
        victims.on_node[node].remove(i)
        world.existing[i] = replace(alloc, evicted=True)
        world.preempted[("default", alloc.job_id, alloc.group)] += 1
        eviction = Eviction(
            existing=i,
            alloc_id=alloc.alloc_id,
            job_id=alloc.job_id,
            group=alloc.group,
            node_index=node,
            node_name=world.table.nodes[node].name,
            priority=DEFAULT_PRIORITY if alloc.priority is None else alloc.priority,
            preempted_by=by,
        )
        victims.evicted.append(eviction)
        out.append(eviction)
    return out


def binpack_with(state: GroupState, node: int, found: NodePreemption) -> float:
    cap = state.ledger.capacity
    return float(
        fit_score(
            state.algorithm,
            np.array(found.cpu_used, dtype=np.float64),
            cap.cpu_divisor[node],
            np.array(found.memory_used, dtype=np.float64),
            cap.memory_divisor[node],
        )
    )


@dataclass
class Retry:
    """A Select run again with eviction on: what it chose (its options' preemption scores
    in their inputs and ScoreMetaData) and the chosen option's victims."""

    choice: Choice
    found: NodePreemption | None


def preempt_select(
    world: World,
    state: GroupState,
    cursor: Cursor,
    keep_top: bool,
    preferred: tuple[int, int] | None = None,
) -> Retry | None:
    """``GenericStack.Select`` with ``Preempt`` set: the same chain, node by node, with the
    node's victims where it does not fit and ``preemption`` appended to their scores
    (``PreemptionScoringIterator``, rank.go). ``preferred``: the preferred node and its
    verdict, already pulled (``GroupState.prefer``), tried alone first."""
    if state.memo is None:
        state.remember(cursor.order)
    if preferred is not None:
        retry, _ = _evicting_select(world, state, iter([preferred]), keep_top)
        if retry is not None:
            return retry
    n, offset, pulls = cursor.n, cursor.offset, cursor.pulls

    def pulled() -> Iterator[tuple[int, int]]:
        for k in range(n):
            position = (offset + k) % n
            verdict = state.verdicts_at(np.array([position]), np.array([pulls + k]))
            yield int(cursor.order[position]), int(verdict[0])

    retry, count = _evicting_select(world, state, pulled(), keep_top)
    cursor.offset = (offset + count) % n if n else 0
    cursor.pulls += count
    return retry


def _evicting_select(
    world: World, state: GroupState, nodes: Iterator[tuple[int, int]], keep_top: bool
) -> tuple[Retry | None, int]:
    """The evicting Select over ``nodes`` (node, feasibility verdict) as they are pulled;
    also returns how many it pulled."""
    pulled = 0
    found: dict[int, NodePreemption] = {}
    extra: dict[int, float] = {}  # preemption score of the options that evict
    scored: dict[int, tuple[float, Inputs]] = {}  # final score and the chain's inputs
    missed: list[tuple[int, int]] = []

    def source() -> Ranked | None:
        nonlocal pulled
        for node, verdict in nodes:
            one = np.array([node])
            pulled += 1
            if verdict == PASS and state.rules.active:
                verdict = int(
                    distinct_verdicts(
                        state.rules, one, state.job_count, state.group_count, state.reasons
                    )[0]
                )
            if verdict != PASS:
                missed.append((node, verdict))
                continue
            if state.fits(node):
                binpack = float(state.binpack(node))
            else:
                option = try_node(world, state, node)
                if option is None:
                    missed.append((node, PASS))
                    continue
                found[node] = option
                binpack = binpack_with(state, node, option)
                extra[node] = preemption_score(priorities(world, option))
            inputs = state.pulled_inputs(node, binpack, extra.get(node, np.nan))
            parts = assemble(inputs)
            final = normalized(parts)
            scored[node] = (final, inputs)
            return Ranked(node, [v for v in parts if not np.isnan(v)], final)
        return None

    best = max_score(source, state.limit)
    if best is None:
        return None, pulled
    top = None
    misses = None
    if keep_top:
        options = [inputs for _, inputs in scored.values()]
        top = TopScores(
            np.array([final for final, _ in scored.values()]),
            np.array(list(scored)),
            np.array([o.binpack for o in options]),
            np.array([o.collisions for o in options]),
            np.array([np.nan if not o.boost else o.boost for o in options])
            if state.spreads
            else None,
            state.group.count,
            state.penalty_nodes,
            state.affinity,
            extra,
        )
        misses = Misses(pulled)
        if missed:
            where = np.array([m[0] for m in missed])
            verdicts = np.array([m[1] for m in missed], dtype=np.int32)
            count_misses(state, where, verdicts, misses)
    choice = Choice(best.node, best.final, scored[best.node][1], pulled, top, misses)
    return Retry(choice, found.get(best.node)), pulled


def system_option(
    world: World, state: GroupState, node: int, fits: bool
) -> tuple[NodePreemption | None, float | None]:
    """The system stack's evicting bin-pack on one node: (victims, bin-pack score); no
    victims where the group fits, (None, None) where the node stays exhausted."""
    if fits:
        return None, float(state.binpack(node))
    found = try_node(world, state, node)
    return (None, None) if found is None else (found, binpack_with(state, node, found))
