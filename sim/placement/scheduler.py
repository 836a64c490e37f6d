"""Jobs in priority order through the generic (service, batch) or system (system, sysbatch) path.

Generic (scheduler/generic_sched.go ``computePlacements``): one evaluation per job, one
shuffled visit order, one Select per allocation; after a group's first failure its remaining
allocations only add to ``CoalescedFailures``; a failure creates a blocked evaluation.

System (scheduler/scheduler_system.go): every candidate node in table order is tried once per
group with the class cache reset; a filtered node is not a failure (its metric is reported
only when every node was filtered), an exhausted node is (first metric kept, later ones
coalesced).

Preemption (``evict``): a generic Select that fails runs again with eviction on when the
job's type allows it; the system stack evicts in its one pass. Each job whose allocations are
preempted gets a new evaluation for them, queued by its priority after the ones waiting.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from models import Job, Node, Resources, TaskGroup

from ..core.metrics import AllocMetric
from ..core.nodeclass import group_escapes, job_escapes
from ..core.nodetable import NodeTable, first_positions
from ..feasibility import (
    MISSING_HOST_VOLUMES,
    PASS,
    GroupStack,
    JobEligibility,
    ReasonTable,
    VisitOrder,
    build_stack,
    candidate_nodes,
    evaluate_group,
    evaluate_stack,
    job_stage,
    network_asks,
    run_checkers,
)
from .batch import select_many
from .chain import (
    SYSTEM_CHAIN,
    Scoring,
    binpack_only,
)
from .config import PoolScheduler
from .deployment import predict
from .distinct import (
    DistinctRules,
    PropertySet,
    distinct_rules,
    distinct_verdicts,
    job_property_sets,
)
from .evict import Victims, evict, preempt_select, system_option
from .plan import BlockedEval, GroupOutcome, JobOutcome, PlacementPlan
from .preemption import (
    DEFAULT_PREEMPTION,
    preemption_switches,
    replacement_jobs,
    updated_by,
    with_job_settings,
)
from .resources import GroupAsk, Ledger, group_ask, held_devices
from .scoring import (
    DEFAULT_NODE_LIMIT,
    SpreadScorer,
    affinity_scores,
    group_affinities,
    limit_for,
    scored_limit,
)
from .select import (
    AllocCounts,
    Choice,
    Cursor,
    GroupState,
    Misses,
    TopScores,
    exhausted_dimension,
    failure_metric,
    select,
    select_preferred,
)

SYSTEM_TYPES = ("system", "sysbatch")
EMPTY_NODES = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class ExistingAlloc:
    """An allocation already running when the scenario starts."""

    job_id: str
    group: str
    node_index: int
    cpu: float = 100
    memory_mb: int = 300
    disk_mb: int = 300
    ports: tuple[int, ...] = ()
    cores: int = 0
    # ClientStatus "failed": terminal (holds nothing); the job's next placement of the group
    # replaces it and avoids its node (``getSelectOptions``, generic_sched.go), and the
    # nodes of earlier reschedules (``RescheduleTracker`` events' PrevNodeID).
    failed: bool = False
    previous_nodes: tuple[int, ...] = ()
    # Preemption: its job's priority when the job is not in the run (a job in the run gives
    # its own; None: 50), its group's migrate.max_parallel (None: its job's, else 0), its ID
    # if known, and whether a placement of this run preempted it.
    priority: int | None = None
    max_parallel: int | None = None
    alloc_id: str = ""
    evicted: bool = False
    # Device instances it holds, by device name as a request names it ("nvidia/gpu/T4"),
    # and the bandwidth of its network (on ``network_device``; "": the node's first).
    devices: tuple[tuple[str, int], ...] = ()
    mbits: int = 0
    network_device: str = ""

    def occupy(self, ledger: Ledger, node: Node) -> None:
        """Account it on ``ledger`` (``node`` is the model of its node)."""
        ledger.occupy(
            self.node_index,
            self.cpu,
            self.memory_mb,
            self.disk_mb,
            self.ports,
            self.cores,
            held_devices(node, self.devices),
            (ledger.network_device(self.node_index, self.network_device), self.mbits),
        )

    @property
    def holds(self) -> bool:
        """Still running and holding its resources."""
        return not (self.failed or self.evicted)

    def penalty_nodes(self) -> frozenset[int]:
        """``SelectOptions.PenaltyNodeIDs`` of the placement that replaces this allocation."""
        return frozenset((self.node_index, *self.previous_nodes) if self.failed else ())


def as_existing(item: ExistingAlloc | tuple) -> ExistingAlloc:
    """Accept ``(job_id, group, node_index, resources)`` with a ``Resources`` model or a dict."""
    if isinstance(item, ExistingAlloc):
        return item
    job_id, group, node, resources = item
    if isinstance(resources, Resources):
        return ExistingAlloc(
            job_id,
            group,
            int(node),
            resources.cpu,
            resources.memory_mb,
            resources.disk_mb or 300,
            cores=resources.cores,
        )
    return ExistingAlloc(job_id, group, int(node), **dict(resources or {}))


def job_seed(seed: int, position: int) -> int:
    """The shuffle seed of the ``position``-th input job.

    ``evaluate_job(table, job, job_seed(seed, position))`` then shows the same visit order.
    """
    return int(np.random.SeedSequence([seed, position]).generate_state(1)[0])


@dataclass
class World:
    """Cluster state shared by all evaluations of one simulation."""

    table: NodeTable
    ledger: Ledger
    counts: AllocCounts
    existing: list[ExistingAlloc]
    algorithm: str
    memory_oversubscription: bool
    score_metadata: bool
    node_pools: dict[str, PoolScheduler]
    node_limit: int  # NodeLimitForFeasibilityChecks
    preemption: dict[str, bool] = field(default_factory=lambda: dict(DEFAULT_PREEMPTION))
    victims: Victims | None = None  # built the first time a node is tried for preemption
    preempted: Counter = field(default_factory=Counter)  # this evaluation's, per job/group
    outcomes: list[JobOutcome] = field(default_factory=list)  # evaluations run so far

    def preempts(self, job: Job) -> bool:
        """Whether the job's scheduler evicts (``PreemptionConfig``; not per node pool:
        ``SchedulerConfiguration.WithNodePool`` leaves it alone)."""
        return self.preemption.get(job.type, False)

    def evictable(self) -> bool:
        """Some starting allocation still runs: anything could be preempted at all."""
        return any(a.holds for a in self.existing)

    def config_for(self, job: Job) -> tuple[str, bool]:
        """(algorithm, memory oversubscription) for ``job``: its pool's over the cluster's."""
        pool = self.node_pools.get(job.node_pool)
        if pool is None:
            return self.algorithm, self.memory_oversubscription
        oversubscription = pool.memory_oversubscription
        return (
            pool.algorithm or self.algorithm,
            self.memory_oversubscription if oversubscription is None else oversubscription,
        )

    def penalties(self, job: Job, group: TaskGroup) -> list[frozenset[int]]:
        """Penalty nodes of the group's first placements, one per failed allocation."""
        return [
            a.penalty_nodes()
            for a in self.existing
            if a.failed and a.job_id == job.id and a.group == group.name
        ]

    def preferred(self, job: Job, group: TaskGroup) -> list[int | None]:
        """``findPreferredNode`` (generic_sched.go) for the group's first placements, one per
        failed allocation: its node, when the group's ephemeral disk is sticky or migrates and
        the node is ready (``Node.Ready``; its pool and datacenter are not asked: the allocation
        is of the job's current version, whose pool and datacenters are the ones it ran in)."""
        disk = group.ephemeral_disk
        keeps = disk.sticky or disk.migrate
        ready = self.table.ready
        return [
            a.node_index if keeps and ready[a.node_index] else None
            for a in self.existing
            if a.failed and a.job_id == job.id and a.group == group.name
        ]

    def holdings(self, job_id: str) -> Iterator[tuple[str, int]]:
        """(group, node) of the job's running allocations: the starting ones, then those
        placed by its earlier evaluations (an evaluation of a preempted job follows one)."""
        for alloc in self.existing:
            if alloc.job_id == job_id and alloc.holds:
                yield alloc.group, alloc.node_index
        for outcome in self.outcomes:
            if outcome.job.id == job_id:
                for group in outcome.groups:
                    for node in group.nodes:
                        yield group.name, node

    def count_existing(self, pset: PropertySet, job_id: str) -> None:
        for group, node in self.holdings(job_id):
            if pset.counts_for(group):
                pset.add(node)

    def property_sets(self, job: Job) -> list[PropertySet]:
        sets = job_property_sets(self.table, job)
        for pset in sets:
            self.count_existing(pset, job.id)
        return sets

    def rules(self, job: Job, group: TaskGroup, job_sets: list[PropertySet]) -> DistinctRules:
        rules = distinct_rules(self.table, job, group, job_sets)
        for pset in rules.property_sets[len(job_sets) :]:
            self.count_existing(pset, job.id)
        return rules


def exhaust_resources(metric: AllocMetric, ask: GroupAsk, times: int = 1) -> None:
    """``AllocMetric.ExhaustResources``: add task CPU/memory for the exhausted dimensions
    (``times`` allocations at once: the coalesced failures of one group)."""
    if not metric.dimension_exhausted:
        return
    for task, cpu, memory in ask.task_cpu_memory:
        entry = metric.resources_exhausted.setdefault(task, {"CPU": 0, "MemoryMB": 0})
        if metric.dimension_exhausted.get("memory", 0) > 0:
            entry["MemoryMB"] += memory * times
        if metric.dimension_exhausted.get("cpu", 0) > 0:
            entry["CPU"] += cpu * times


def _group_state(
    world: World,
    job: Job,
    group: TaskGroup,
    cold: np.ndarray,
    warm: np.ndarray,
    reasons: ReasonTable,
    rules: DistinctRules,
    limit: int,
    spread: SpreadScorer,
) -> GroupState:
    spreads = spread.setup(world.table, job, group) if (job.spreads or group.spreads) else []
    for s in spreads:
        for name, node in world.holdings(job.id):
            if name == group.name and s.codes[node] >= 0:
                s.add(int(s.codes[node]))
    return GroupState(
        table=world.table,
        job=job,
        group=group,
        ask=group_ask(group, world.config_for(job)[1]),
        cold=cold,
        warm=warm,
        reasons=reasons,
        rules=rules,
        ledger=world.ledger,
        counts=world.counts,
        algorithm=world.config_for(job)[0],
        limit=limit,
        affinity=affinity_scores(world.table, group_affinities(job, group)),
        spreads=spreads,
        spread=spread,
    )


def _place(
    world: World,
    state: GroupState,
    outcome: GroupOutcome,
    index: int,
    node: int,
    score: float,
    parts: Scoring,
    evaluated: int,
    top: TopScores | None,
    misses: Misses | None = None,
) -> None:
    cpu = float(state.cpu_ask(node))
    offer = world.ledger.commit(world.table.nodes[node], node, state.ask, cpu)
    state.job_count[node] += 1
    state.group_count[node] += 1
    state.forget(node)
    for pset in state.rules.property_sets:
        if pset.counts_for(state.group.name):
            pset.add(node)
    for s in state.spreads:
        slot = s.codes.item(node)
        if slot >= 0:
            s.add(slot)
    outcome.record(index, node, cpu, score, parts, evaluated, offer, top, misses)


def _retry_with_preemption(
    world: World,
    state: GroupState,
    outcome: GroupOutcome,
    cursor: Cursor,
    index: int,
    preferred: tuple[int, int] | None,
) -> bool:
    """The Select again with eviction on (over the preferred node and its verdict first, if
    any); the node it picks is placed on here, its victims evicted first. False when the
    retry finds no node either."""
    retry = preempt_select(world, state, cursor, world.score_metadata, preferred)
    if retry is None:
        return False
    choice = retry.choice
    k = len(outcome.nodes)
    if retry.found is not None:
        name = f"{state.job.id}.{state.group.name}[{index}]"
        outcome.evictions[k] = evict(world, retry.found, choice.node, name)
    _place_choice(world, state, outcome, index, choice)
    return True


def _place_choice(
    world: World, state: GroupState, outcome: GroupOutcome, index: int, choice: Choice
) -> None:
    """Commit what a Select chose, with its score, metadata and counters."""
    _place(
        world,
        state,
        outcome,
        index,
        choice.node,
        choice.score,
        choice.parts,
        choice.nodes_evaluated,
        choice.top,
        choice.misses,
    )


def _place_evicting(
    world: World, state: GroupState, outcome: GroupOutcome, nodes: np.ndarray, fits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The system stack with eviction over feasible ``nodes``, one by one in node order (each
    placement counts for the next nodes' distinct_property): place where the group fits,
    else where preemption makes room. Returns the distinct verdicts and the placed mask."""
    verdicts = np.full(len(nodes), PASS, dtype=np.int32)
    placed = np.zeros(len(nodes), dtype=bool)
    for i, node in enumerate(nodes.tolist()):
        if state.rules.active:
            one = np.array([node])
            verdicts[i] = distinct_verdicts(
                state.rules, one, state.job_count, state.group_count, state.reasons
            )[0]
            if verdicts[i] != PASS:
                continue
        found, score = system_option(world, state, node, bool(fits[i]))
        if score is None:
            continue
        placed[i] = True
        k = len(outcome.nodes)
        if found is not None:
            outcome.evictions[k] = evict(
                world, found, node, f"{state.job.id}.{state.group.name}[{k}]"
            )
        _place(world, state, outcome, k, node, score, binpack_only(score), 1, None)
    return verdicts, placed


def _base_metric(job: Job, candidates) -> AllocMetric:
    return AllocMetric(
        nodes_in_pool=len(candidates.indices),
        node_pool=job.node_pool,
        nodes_available=dict(candidates.nodes_available),
    )


def _class_eligibility(
    table: NodeTable, order: np.ndarray, pulls: int, colds: list[tuple[np.ndarray, ReasonTable]]
) -> dict[int, bool]:
    """Classes seen so far: eligible when some group's first node of the class passed the
    cached checks (``EvalEligibility.GetClasses``, approximated without job/group split)."""
    seen = order[: min(pulls, len(order))]
    codes = table.class_codes[seen]
    classes, first = np.unique(codes, return_index=True)
    out: dict[int, bool] = {}
    for code, pos in zip(classes.tolist(), first.tolist(), strict=True):
        out[code] = any(
            cold[pos] == PASS or reasons.texts[cold[pos]] == MISSING_HOST_VOLUMES
            for cold, reasons in colds
        )
    return out


def run_generic(world: World, job: Job, seed: int) -> JobOutcome:
    table = world.table
    candidates = candidate_nodes(table, job)
    order = candidates.shuffled(seed)
    n = len(order)
    cursor = Cursor(order)
    limit = limit_for(job.type, n)
    spread = SpreadScorer()
    job_sets = world.property_sets(job)
    outcomes, colds = [], []
    job_cache = _JobCache.start(table, job, order)
    for group, network in zip(job.task_groups, network_asks(job), strict=True):
        stack = build_stack(job, group, network)
        reasons = ReasonTable()
        start, first_pull = cursor.offset, cursor.pulls
        known = None if job_cache is None else job_cache.eligibility.ineligible.copy()
        _, cold, warm = _group_verdicts(table, stack, order, start, reasons, known)
        colds.append((cold, reasons))
        if group_affinities(job, group) or job.spreads or group.spreads:
            # Kept for later groups (GenericStack.Select).
            limit = scored_limit(group.count, world.node_limit)
        state = _group_state(
            world,
            job,
            group,
            cold,
            warm,
            reasons,
            world.rules(job, group, job_sets),
            limit,
            spread,
        )
        state.first_pull, state.run_start = first_pull, start
        state.reverdict = partial(_group_verdicts, table, stack, order, 0, reasons, known)
        outcome = GroupOutcome(group, state.ask, table, job.id)
        outcome.base = _base_metric(job, candidates)
        outcomes.append(outcome)
        ready: deque[Choice] = deque()
        penalties = world.penalties(job, group)
        preferred = world.preferred(job, group)  # the same failed allocations' replacements
        for index in range(group.count):
            if outcome.failed is not None:
                # The rest of the group is not attempted: counted at once, not one by one.
                rest = group.count - index
                outcome.failed.coalesced_failures += rest
                exhaust_resources(outcome.failed, state.ask, rest)
                break
            if penalties or state.penalty_nodes:
                state.set_penalty(penalties[index] if index < len(penalties) else frozenset())
            # A placement with a preferred node has penalty nodes too, which batch no Selects.
            prefer = preferred[index] if index < len(preferred) else None
            if not ready and n:
                ready.extend(select_many(state, cursor, group.count - index, world.score_metadata))
            pulls_before = cursor.pulls
            choice: Choice | None = None
            if ready:
                choice = ready.popleft()
            else:
                if prefer is not None:
                    choice = select_preferred(state, cursor, prefer, world.score_metadata)
                    pulls_before = cursor.pulls
                if choice is None and n:
                    choice = select(state, cursor, world.score_metadata)
            if choice is None:
                state.settle()  # before anything is evicted or the failure is counted
            if choice is None and (n or prefer is not None) and world.preempts(job):
                # selectNextOption: the same options again, the preferred node first.
                lone = None if prefer is None else (prefer, state.prefer(cursor, prefer))
                pulls_before = cursor.pulls  # the retry's metric is the one reported
                if world.evictable():
                    if _retry_with_preemption(world, state, outcome, cursor, index, lone):
                        continue
                else:  # the retry pulls every node again and finds what the first found
                    cursor.pulls += n
            if choice is None:
                metric = _base_metric(job, candidates)
                if n:
                    failure_metric(state, cursor, pulls_before, metric)
                exhaust_resources(metric, state.ask)
                outcome.failed = metric
                continue
            _place_choice(world, state, outcome, index, choice)
        state.settle()
        if job_cache is not None:
            job_cache.learn(state.pulled(cursor))
    blocked = None
    if any(o.failed is not None for o in outcomes):
        escaped = stack_escaped(job)
        blocked = BlockedEval(
            job.id,
            {} if escaped else _class_eligibility(table, order, cursor.pulls, colds),
            escaped,
        )
    return JobOutcome(job, outcomes, blocked, _deployment(world, job, outcomes), seed)


@dataclass
class _JobCache:
    """The job-level class cache of one evaluation: classes whose nodes fail the job's own
    constraints become ``computed class ineligible`` for every later group, once any group's
    Selects have pulled a node of them (``EvalEligibility`` job status, context.go)."""

    eligibility: JobEligibility
    fails: np.ndarray  # per computed class: fails the job constraints
    decided: np.ndarray  # per computed class: ``fails`` is worked out
    job: Job
    table: NodeTable

    @classmethod
    def start(cls, table: NodeTable, job: Job, order: np.ndarray) -> _JobCache | None:
        if job_escapes(job.constraints):
            return None
        empty = np.zeros(table.class_count, dtype=bool)
        cache = cls(JobEligibility.fresh(table), empty, empty.copy(), job, table)
        cache.decide(order)
        return cache

    def decide(self, nodes: np.ndarray) -> None:
        """Work out ``fails`` for the classes of ``nodes`` not decided yet."""
        table = self.table
        codes = table.class_codes[nodes]
        first = first_positions(codes, table.class_count)
        present = np.flatnonzero((first >= 0) & ~self.decided)
        if len(present):
            verdict = run_checkers(job_stage(self.job), table, nodes[first[present]], ReasonTable())
            self.fails[present] = verdict != PASS
            self.decided[present] = True

    def learn(self, pulled: np.ndarray) -> None:
        """Classes of the table nodes this group's Selects pulled are now known."""
        if not len(pulled):
            return
        self.decide(pulled)  # a preferred node may be outside the visit order
        # Repeated classes mark the same cell; np.unique would only sort (and load numpy.ma).
        classes = self.table.class_codes[pulled]
        self.eligibility.ineligible[classes[self.fails[classes]]] = True


def _group_verdicts(
    table: NodeTable,
    stack: GroupStack,
    order: np.ndarray,
    start: int,
    reasons: ReasonTable,
    known: np.ndarray | None,
    seen: np.ndarray = EMPTY_NODES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Verdicts per visit position the first time this group pulls a node (cold) and after
    its class is cached (warm): the group's Selects start at ``start``, so its first node of
    each class is the first one from there, going round. ``known``: the classes earlier groups
    found failing the job's constraints; ``seen``: nodes the group pulled before (their
    classes cached first), whose own verdicts come first.
    """
    n = len(order)
    rotated = np.roll(order, -start)
    visit = VisitOrder.of(table, np.concatenate([seen, rotated, rotated]))
    eligibility = None if known is None else JobEligibility(known.copy())
    verdict = evaluate_group(table, stack, visit, reasons, eligibility)[0]()
    k = len(seen)
    return verdict[:k], np.roll(verdict[k : k + n], start), np.roll(verdict[k + n :], start)


def stack_escaped(job: Job) -> bool:
    """``EvalEligibility.HasEscaped``: the job or any of its groups escapes the class cache."""
    return job_escapes(job.constraints) or any(group_escapes(g) for g in job.task_groups)


def run_system(world: World, job: Job, seed: int) -> JobOutcome:
    """One allocation per feasible node with room (``scheduler_system.go computePlacements``).

    Nodes are independent here (the system stack has no limit, spread or distinct_hosts), so
    fit and scores are computed for all candidate nodes at once; only distinct_property
    couples nodes, and is then applied in node order.
    """
    table = world.table
    candidates = candidate_nodes(table, job)
    order = candidates.indices
    job_sets = world.property_sets(job)
    outcomes = []
    exhausted_any = False
    for group, network in zip(job.task_groups, network_asks(job), strict=True):
        # SystemStack.Select resets the class cache for every node: nothing is cached.
        stack = replace(build_stack(job, group, network), job_escaped=True, group_escaped=True)
        reasons = ReasonTable()
        verdict = evaluate_stack(table, stack, VisitOrder.of(table, order), reasons)
        rules = world.rules(job, group, job_sets)
        rules = DistinctRules(False, False, rules.property_sets)  # no distinct_hosts here
        state = _group_state(world, job, group, verdict, verdict, reasons, rules, 1, SpreadScorer())
        outcome = GroupOutcome(group, state.ask, table, job.id, chain=SYSTEM_CHAIN)
        outcome.base = _base_metric(job, candidates)
        outcomes.append(outcome)
        running = world.counts.group(job.id, group.name) > 0
        queued = ~running[order]
        nodes = order[queued]
        verdict = verdict[queued].astype(np.int32)
        open_ = np.flatnonzero(verdict == PASS)
        fits = state.fits(nodes[open_])
        evicting = not fits.all() and world.preempts(job) and world.evictable()
        if evicting:  # placed here, node by node; ``fits`` becomes "placed"
            verdict[open_], fits = _place_evicting(world, state, outcome, nodes[open_], fits)
            keep = verdict[open_] == PASS
            open_, fits = open_[keep], fits[keep]
        elif rules.active:
            verdict[open_] = _distinct_in_order(state, nodes[open_], fits)
            keep = verdict[open_] == PASS
            open_, fits = open_[keep], fits[keep]
        filtered = _filtered_metric(table, nodes, verdict, reasons)
        exhausted = nodes[open_[~fits]]
        if len(exhausted):
            exhausted_any = True
            outcome.failed = _exhausted_metric(table, job, candidates, state, exhausted)
        placed = nodes[open_[fits]]
        if len(placed) and not evicting:
            _place_all(world, state, outcome, placed)
        if (
            not len(open_)
            and outcome.failed is None
            and not running.any()
            and filtered.nodes_filtered
        ):
            outcome.failed = filtered
    blocked = BlockedEval(job.id, {}, stack_escaped(job)) if exhausted_any else None
    return JobOutcome(job, outcomes, blocked, _deployment(world, job, outcomes), seed)


def _distinct_in_order(state: GroupState, nodes: np.ndarray, fits: np.ndarray) -> np.ndarray:
    """distinct_property verdicts node by node; each placement counts for the next nodes."""
    out = np.full(len(nodes), PASS, dtype=np.int32)
    for i, node in enumerate(nodes.tolist()):
        one = np.array([node])
        out[i] = distinct_verdicts(
            state.rules, one, state.job_count, state.group_count, state.reasons
        )[0]
        if out[i] == PASS and fits[i]:
            for pset in state.rules.property_sets:
                if pset.counts_for(state.group.name):
                    pset.add(node)
    return out


def _filtered_metric(
    table: NodeTable,
    nodes: np.ndarray,
    verdict: np.ndarray,
    reasons: ReasonTable,
) -> AllocMetric:
    """The merged metric of filtered nodes (``mergeNodeFiltered``), counted in bulk.

    It merges per-node Select metrics, which the system scheduler gives pool and datacenter
    counts only on the exhausted path, so this one has none (scheduler_system.go)."""
    metric = AllocMetric()
    filtered = verdict != PASS
    metric.nodes_evaluated = int(np.count_nonzero(filtered))
    user_class = table.node_class_column
    pairs = Counter(zip(user_class.codes[nodes[filtered]].tolist(), verdict[filtered].tolist()))
    for (class_code, reason), count in pairs.items():
        metric.filter_node(user_class.values[class_code], reasons.texts[reason], count)
    return metric


def _exhausted_metric(
    table: NodeTable, job: Job, candidates, state: GroupState, exhausted: np.ndarray
) -> AllocMetric:
    """The first exhausted node's metric; later ones are coalesced failures."""
    first = int(exhausted[0])
    user_class = table.node_class_column
    metric = _base_metric(job, candidates)
    metric.nodes_evaluated = 1
    metric.exhausted_node(
        user_class.values[user_class.codes[first]], exhausted_dimension(state, first)
    )
    metric.coalesced_failures = len(exhausted) - 1
    for _ in exhausted:
        exhaust_resources(metric, state.ask)
    return metric


def _place_all(world: World, state: GroupState, outcome: GroupOutcome, nodes: np.ndarray) -> None:
    """Commit one allocation on each of ``nodes`` (distinct), scored binpack-only."""
    cpu = (
        state.ask.cpu_on(state.ledger.capacity.mhz_per_core[nodes])
        if state.ask.cores
        else (np.full(len(nodes), float(state.ask.cpu)))
    )
    scores = state.binpack(nodes)
    table = world.table
    offers = world.ledger.commit_many(
        [table.nodes[n] for n in nodes.tolist()], nodes, state.ask, cpu
    )
    world.counts.job(state.job.id)[nodes] += 1
    world.counts.group(state.job.id, state.group.name)[nodes] += 1
    outcome.record_many(nodes, cpu, scores, offers)


def _deployment(world: World, job: Job, outcomes: list[GroupOutcome]):
    nodes = world.table.nodes
    return predict(
        job.type,
        [
            (
                o.group,
                o.unplaced,
                [
                    (f"{job.id}.{o.name}[{i}]", nodes[n])
                    for i, n in zip(o.indices, o.nodes, strict=True)
                ],
            )
            for o in outcomes
        ],
    )


def simulate(
    nodes_or_table: NodeTable | Sequence[Node],
    jobs: Iterable[Job],
    *,
    seed: int = 0,
    algorithm: str = "binpack",
    existing: Iterable[ExistingAlloc | tuple] = (),
    memory_oversubscription: bool = False,
    score_metadata: bool = True,
    node_pools: Mapping[str, PoolScheduler] | None = None,
    node_limit: int = 0,
    preemption: Mapping[str, bool] | None = None,
) -> PlacementPlan:
    """Place ``jobs`` (higher priority first, ties in input order) as Nomad's scheduler would.

    Each job is one evaluation whose shuffle seed is ``job_seed(seed, input position)``.
    ``score_metadata=False`` skips keeping the top-5 scores and the per-placement metrics
    (large runs). ``node_pools`` gives pools their own scheduler configuration;
    ``node_limit`` is ``NodeLimitForFeasibilityChecks`` (0: Nomad's default, 100).
    ``preemption`` is ``PreemptionConfig`` by job type (unset: Nomad's defaults, system
    only); evicted allocations of jobs in ``jobs`` are placed again by a later evaluation.
    """
    pools = dict(node_pools or {})
    for name, algo in [("", algorithm), *((p, c.algorithm) for p, c in pools.items())]:
        if algo not in ("binpack", "spread") and (name == "" or algo != ""):
            where = f"node pool {name!r}: " if name else ""
            raise ValueError(
                f"{where}scheduler algorithm must be 'binpack' or 'spread', not {algo!r}"
            )
    table = nodes_or_table if isinstance(nodes_or_table, NodeTable) else NodeTable(nodes_or_table)
    world = World(
        table,
        Ledger.for_table(table),
        AllocCounts(table.n),
        [as_existing(e) for e in existing],
        algorithm,
        memory_oversubscription,
        score_metadata,
        pools,
        node_limit or DEFAULT_NODE_LIMIT,
        preemption_switches(preemption),
    )
    jobs = list(jobs)
    world.existing = with_job_settings(world.existing, jobs)
    for alloc in world.existing:
        if alloc.failed:
            continue
        alloc.occupy(world.ledger, table.nodes[alloc.node_index])
        world.counts.add(alloc.job_id, alloc.group, alloc.node_index)
    # The eval broker hands out the highest priority first, then the oldest.
    queue = [(-job.priority, position, job, "job-register") for position, job in enumerate(jobs)]
    heapq.heapify(queue)
    created = 0  # evaluations created for preempted jobs: their seed positions follow the jobs'
    by_id = {job.id: job for job in jobs}
    while queue:
        _, position, job, trigger = heapq.heappop(queue)
        run = run_system if job.type in SYSTEM_TYPES else run_generic
        world.preempted.clear()  # Plan.NodePreemptions of this evaluation
        updated_by(world.existing, job)
        outcome = run(world, job, job_seed(seed, position))
        outcome.triggered_by = trigger
        world.outcomes.append(outcome)
        evicted = [(e.job_id, e.group) for e in outcome.preempted]
        for follow_up in replacement_jobs(evicted, by_id):
            heapq.heappush(
                queue, (-follow_up.priority, len(jobs) + created, follow_up, "preemption")
            )
            created += 1
    return PlacementPlan(table, world.outcomes, algorithm, seed)
