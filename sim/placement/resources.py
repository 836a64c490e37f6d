"""What a task group asks for, what each node offers, and the per-node usage ledger.

The ask follows ``BinPackIterator.Next`` (scheduler/feasible/rank.go) and
``AllocatedResources.Comparable`` (nomad/structs/structs.go); the fit order and the exhausted
dimension names follow ``nomad/structs/funcs.go: AllocsFit`` and
``nomad/structs/structs.go: ComparableResources.Superset``.
Usage lives in numpy arrays indexed by node (table order) so a whole window of candidate
nodes is checked with a handful of vector operations; ports, reserved cores and device
instances, which need set semantics, live in small per-node dicts touched only on nodes that
host such allocations.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, overload

import msgspec
import numpy as np

from models import Node, Port, RequestedDevice, Resources, TaskGroup

from ..core.nodetable import NodeTable, first_positions, intern
from ..feasibility import device_matches, healthy_instances

DIM_MAX_ALLOCS = "max allocation exceeded"
DIM_CORES = "cores"
DIM_CPU = "cpu"
DIM_MEMORY = "memory"
DIM_DISK = "disk"
DYNAMIC_PORT_FAILED = "network: dynamic port selection failed"
INVALID_NODE = "network: invalid node"
PORT_COLLISION = "network: port collision"
MAX_VALID_PORT = 65536
NO_DEVICES = "devices: no devices match request"
FIT = -1

# Integer codes of the numeric dimensions, in the order Nomad reports the first failure.
NUMERIC_DIMS = (DIM_CORES, DIM_MAX_ALLOCS, DIM_CPU, DIM_MEMORY, DIM_DISK)


class Phase(msgspec.Struct, frozen=True):
    """The summed ask of one lifecycle phase; CPU of tasks with ``cores`` is per node."""

    cpu: int = 0
    cores: int = 0
    memory_mb: int = 0
    memory_max_mb: int = 0


class TaskNetwork(msgspec.Struct, frozen=True):
    """A task's ``resources.network`` (its first): bandwidth and ports on one host device,
    assigned by ``NetworkIndex.AssignTaskNetwork`` after the group's network."""

    mbits: int = 0
    reserved_ports: tuple[Port, ...] = ()
    dynamic_ports: tuple[Port, ...] = ()


@dataclass(frozen=True)
class GroupAsk:
    """One allocation of a group: the element-wise max over lifecycle phases
    (``nomad/structs/structs.go: AllocatedResources.Comparable``)."""

    phases: tuple[Phase, ...]
    disk_mb: int
    cores: int
    reserved_ports: tuple[Port, ...] = ()
    dynamic_ports: tuple[Port, ...] = ()
    devices: tuple[RequestedDevice, ...] = ()
    task_cpu_memory: tuple[tuple[str, int, int], ...] = ()
    task_networks: tuple[TaskNetwork, ...] = ()
    memory_mb: int = field(init=False)
    memory_max_mb: int = field(init=False)
    cpu: int = field(init=False)  # without cores; with cores see ``cpu_on``
    has_ports: bool = field(init=False)

    def __post_init__(self) -> None:
        # Frozen: the derived scalars are set once here, read on every Select.
        object.__setattr__(self, "memory_mb", max(p.memory_mb for p in self.phases))
        object.__setattr__(self, "memory_max_mb", max(p.memory_max_mb for p in self.phases))
        object.__setattr__(self, "cpu", max(p.cpu for p in self.phases))
        object.__setattr__(
            self,
            "has_ports",
            bool(self.reserved_ports or self.dynamic_ports or self.task_networks),
        )

    def cpu_on(self, mhz_per_core: np.ndarray | float) -> np.ndarray | float:
        """CPU MHz on nodes with the given core speed: reserved cores cost their MHz."""
        if not self.cores:
            return self.cpu
        per_phase = [p.cpu + p.cores * np.asarray(mhz_per_core) for p in self.phases]
        return np.maximum.reduce(per_phase)


def _phase_of(lifecycle_hook: str, sidecar: bool) -> int:
    """0 = prestart non-sidecar, 1 = main (incl. sidecars and poststart), 2 = poststop."""
    if lifecycle_hook == "prestart" and not sidecar:
        return 0
    if lifecycle_hook == "poststop":
        return 2
    return 1


def group_ask(group: TaskGroup, memory_oversubscription: bool = False) -> GroupAsk:
    """The resources one allocation of ``group`` asks for."""
    sums = [[0, 0, 0, 0] for _ in range(3)]
    cores = 0
    devices: list[RequestedDevice] = []
    networks: list[TaskNetwork] = []
    per_task = []
    for task in group.tasks:
        res: Resources = task.resources
        hook = task.lifecycle.hook if task.lifecycle else ""
        sidecar = bool(task.lifecycle and task.lifecycle.sidecar)
        phase = sums[_phase_of(hook, sidecar)]
        memory = res.memory_mb + res.secrets_mb
        # With cores the task's CPU becomes the reserved cores' MHz (rank.go SELECTCORES).
        phase[0] += 0 if res.cores else res.cpu
        phase[1] += res.cores
        phase[2] += memory
        if memory_oversubscription:
            phase[3] += (res.memory_max_mb or res.memory_mb) + res.secrets_mb
        cores += res.cores
        devices.extend(res.devices)
        per_task.append((task.name, res.cpu, res.memory_mb))
        if res.networks:
            net = res.networks[0]
            networks.append(
                TaskNetwork(net.m_bits, tuple(net.reserved_ports), tuple(net.dynamic_ports))
            )
    phases = tuple(Phase(*s) for s in sums if any(s)) or (Phase(),)
    network = group.networks[0] if group.networks else None
    return GroupAsk(
        phases=phases,
        disk_mb=group.ephemeral_disk.size_mb,
        cores=cores,
        reserved_ports=tuple(network.reserved_ports) if network else (),
        dynamic_ports=tuple(network.dynamic_ports) if network else (),
        devices=tuple(devices),
        task_cpu_memory=tuple(per_task),
        task_networks=tuple(networks),
    )


def parse_port_list(spec: str) -> set[int]:
    """``"22,80,8000-8100"`` → the set of ports, or ValueError with Nomad's reason
    (``ParsePortRanges``, nomad/structs/funcs.go)."""
    ports: set[int] = set()
    if spec == "":
        return ports
    for part in spec.split(","):
        bounds = part.strip().split("-")
        if len(bounds) > 2:
            raise ValueError(
                "can only parse single port numbers or port ranges (ex. 80,100-120,150)"
            )
        if bounds == [""]:
            raise ValueError("can't specify empty port")
        low, high = (_parse_uint(b) for b in (bounds[0], bounds[-1]))
        if high < low:
            raise ValueError(
                f"invalid range: ending value ({high}) less than starting ({low}) value"
            )
        if low == 0:
            raise ValueError("port must be > 0")
        if high > MAX_VALID_PORT:
            raise ValueError(f"port must be < {MAX_VALID_PORT} but found {high}")
        ports.update(range(low, high + 1))
    return ports


def _parse_uint(text: str) -> int:
    """Go ``strconv.ParseUint(text, 10, 0)`` on one port bound."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    return int(text)


def at(column: np.ndarray, nodes: np.ndarray | int):
    """``column[nodes]``; for one node a plain Python number, whose arithmetic is cheaper and
    gives the same IEEE results as numpy's."""
    return column.item(nodes) if isinstance(nodes, int) else column[nodes]


@dataclass
class NodeCapacity:
    """Per-node capacity minus reserved resources, as numpy columns in table order."""

    cpu: np.ndarray
    memory_mb: np.ndarray
    disk_mb: np.ndarray
    max_allocs: np.ndarray
    mhz_per_core: np.ndarray
    usable_cores: list[tuple[int, ...]]
    reserved_ports: list[frozenset[int]]
    dynamic_range: list[tuple[int, int]]
    shapes: np.ndarray  # per node: which distinct resource description it was read from
    invalid: np.ndarray  # per node: its reserved host ports do not parse (``SetNode`` fails)
    nodes: list[Node] = field(default_factory=list)
    _bandwidth: dict[int, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    def bandwidth(self, node: int) -> tuple[tuple[str, int], ...]:
        """(device, Mbits) of the node's host networks that have a device, in order
        (``NetworkIndex.SetNode``: ``AvailBandwidth``); read on first use, since every
        node's networks carry its own addresses and would defeat the shape grouping."""
        found = self._bandwidth.get(node)
        if found is None:
            networks = self.nodes[node].node_resources.networks if self.nodes else ()
            found = tuple((n.device, n.m_bits) for n in networks if n.device)
            self._bandwidth[node] = found
        return found

    @cached_property
    def limits_allocs(self) -> bool:
        return bool(self.max_allocs.any())

    @cached_property
    def cpu_divisor(self) -> np.ndarray:
        """Capacity to divide utilisation by; +inf where there is none (free stays 1)."""
        return np.where(self.cpu > 0, self.cpu, np.inf)

    @cached_property
    def memory_divisor(self) -> np.ndarray:
        return np.where(self.memory_mb > 0, self.memory_mb, np.inf)

    @classmethod
    def of(cls, nodes: Iterable[Node]) -> NodeCapacity:
        """Read once per distinct value of the fields ``_capacity_entry`` reads.

        Grouping is by value, not by object: every agent's resources carry its own network
        addresses, which capacity never reads, so a 100,000-node fleet still comes down to a
        few hundred distinct shapes, read once each, then gathered.
        """
        nodes = list(nodes)
        try:  # node records: their resource records hash, so each node is one C-level read
            codes, distinct = intern(map(_CAPACITY_RECORDS, nodes), len(nodes))
        except TypeError:  # pydantic models do not hash: field by field
            codes, distinct = intern(_capacity_keys(nodes))
        first = first_positions(codes, len(distinct))
        entries = [_capacity_entry(nodes[i]) for i in first.tolist()]
        numbers = np.array([e[0] for e in entries], dtype=float).reshape(-1, 5)[codes]
        cores, ports, ranges = (_gathered([e[k] for e in entries], codes) for k in (1, 2, 3))
        return cls(
            numbers[:, 0].copy(),
            numbers[:, 1].copy(),
            numbers[:, 2].copy(),
            numbers[:, 3].astype(np.int64),
            numbers[:, 4].copy(),
            cores,
            ports,
            ranges,
            codes,
            np.array([e[4] for e in entries], dtype=bool).reshape(-1)[codes],
            nodes,
        )


def _gathered(values: list[Any], codes: np.ndarray) -> list[Any]:
    """``[values[c] for c in codes]``, gathered in C."""
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):  # one by one: tuples are items, not rows
        array[i] = value
    return array[codes].tolist()


_NO_PORTS: frozenset[int] = frozenset()


# What ``_capacity_entry`` reads, as the (hashable) records that hold it.
_CAPACITY_RECORDS = attrgetter(
    "node_resources.cpu",
    "node_resources.memory",
    "node_resources.disk",
    "node_resources.min_dynamic_port",
    "node_resources.max_dynamic_port",
    "reserved_resources",
    "node_max_allocs",
)
_CAPACITY_SCALARS = attrgetter(
    "node_resources.cpu.cpu_shares",
    "node_resources.cpu.total_cpu_cores",
    "node_resources.memory.memory_mb",
    "node_resources.disk.disk_mb",
    "node_resources.min_dynamic_port",
    "node_resources.max_dynamic_port",
    "reserved_resources.cpu.cpu_shares",
    "reserved_resources.memory.memory_mb",
    "reserved_resources.disk.disk_mb",
    "reserved_resources.networks.reserved_host_ports",
    "node_max_allocs",
)
_CAPACITY_LISTS = (
    attrgetter("node_resources.cpu.reservable_cpu_cores"),
    attrgetter("reserved_resources.cpu.reserved_cpu_cores"),
)


def _capacity_keys(nodes: list[Node]) -> list[tuple]:
    """Per node, exactly the fields ``_capacity_entry`` reads, as a hashable value (lists as
    tuples); read in three C-level passes (the scalars in one), not node by node."""
    lists = (map(tuple, map(read, nodes)) for read in _CAPACITY_LISTS)
    return list(zip(map(_CAPACITY_SCALARS, nodes), *lists))


def _capacity_entry(
    node: Node,
) -> tuple[tuple[float, ...], tuple[int, ...], frozenset[int], tuple[int, int], bool]:
    """Numbers (cpu, memory, disk, max allocs, MHz per core), usable cores, reserved ports,
    the dynamic port range of one node and whether its reserved ports fail to parse."""
    res, rsv = node.node_resources, node.reserved_resources
    cpu = res.cpu
    all_cores = cpu.reservable_cpu_cores or range(cpu.total_cpu_cores)
    total = cpu.total_cpu_cores or len(all_cores)
    numbers = (
        cpu.cpu_shares - rsv.cpu.cpu_shares,
        res.memory.memory_mb - rsv.memory.memory_mb,
        res.disk.disk_mb - rsv.disk.disk_mb,
        node.node_max_allocs,
        cpu.cpu_shares / total if total else 0.0,
    )
    held = rsv.cpu.reserved_cpu_cores
    spec = rsv.networks.reserved_host_ports
    try:
        reserved = frozenset(parse_port_list(spec)) if spec else _NO_PORTS
    except ValueError:
        reserved, invalid = _NO_PORTS, True
    else:
        invalid = False
    return (
        numbers,
        tuple(c for c in all_cores if c not in held),
        reserved,
        (res.min_dynamic_port, res.max_dynamic_port),
        invalid,
    )


@dataclass
class Offer:
    """What a placement takes on its node beyond the numeric dimensions."""

    ports: tuple[tuple[str, int], ...] = ()
    cores: tuple[int, ...] = ()
    devices: tuple[tuple[int, int], ...] = ()  # (node device index, instances)


@dataclass
class Ledger:
    """Usage per node (table order): numeric columns plus ports, cores and device instances."""

    capacity: NodeCapacity
    cpu: np.ndarray = field(init=False)
    memory_mb: np.ndarray = field(init=False)
    disk_mb: np.ndarray = field(init=False)
    allocs: np.ndarray = field(init=False)
    free_cores: np.ndarray = field(init=False)
    ports: dict[int, set[int]] = field(default_factory=dict)
    cores: dict[int, set[int]] = field(default_factory=dict)
    devices: dict[int, dict[int, int]] = field(default_factory=dict)
    bandwidth: dict[int, dict[str, int]] = field(default_factory=dict)  # Mbits used per device
    # Nodes whose network index cannot be built, with the dimension Nomad records for them
    # (``BinPackIterator.Next``: ``SetNode`` fails, or the node's allocations collide on a port).
    broken: dict[int, str] = field(default_factory=dict)
    usable: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.capacity.cpu)
        self.usable = ~self.capacity.invalid
        self.broken = {i: INVALID_NODE for i in np.flatnonzero(self.capacity.invalid).tolist()}
        self.cpu = np.zeros(n)
        self.memory_mb = np.zeros(n)
        self.disk_mb = np.zeros(n)
        self.allocs = np.zeros(n, dtype=np.int64)
        self.free_cores = np.array([len(c) for c in self.capacity.usable_cores], dtype=np.int64)

    @classmethod
    def for_table(cls, table: NodeTable) -> Ledger:
        """A fresh ledger; the capacity columns are built once per table and reused."""
        return cls(
            table.cached_mask(("placement", "capacity"), lambda: NodeCapacity.of(table.nodes))
        )

    @overload
    def fits(self, nodes: int, ask: GroupAsk, cpu: float) -> bool: ...
    @overload
    def fits(self, nodes: np.ndarray, ask: GroupAsk, cpu: np.ndarray | float) -> np.ndarray: ...
    def fits(
        self, nodes: np.ndarray | int, ask: GroupAsk, cpu: np.ndarray | float
    ) -> np.ndarray | bool:
        """Nodes (or the one node) where every numeric dimension fits (the fast path of
        ``numeric_failures``)."""
        cap = self.capacity
        ok = at(self.cpu, nodes) + cpu <= at(cap.cpu, nodes)
        ok &= at(self.memory_mb, nodes) + ask.memory_mb <= at(cap.memory_mb, nodes)
        ok &= at(self.disk_mb, nodes) + ask.disk_mb <= at(cap.disk_mb, nodes)
        if ask.cores:
            ok &= at(self.free_cores, nodes) >= ask.cores
        if cap.limits_allocs:
            limit = at(cap.max_allocs, nodes)
            ok &= (limit == 0) | (at(self.allocs, nodes) < limit)
        if self.broken:
            ok &= at(self.usable, nodes)
        return ok

    def numeric_failures(
        self, nodes: np.ndarray, ask: GroupAsk, cpu: np.ndarray | float
    ) -> np.ndarray:
        """Per node the index into ``NUMERIC_DIMS`` of the first failing dimension, or FIT.

        Core availability is checked before ``AllocsFit`` (rank.go SELECTCORES), then max
        allocs, CPU, memory, disk — memory_max is never checked.
        """
        cap = self.capacity
        checks = (
            self.free_cores[nodes] < ask.cores,
            (cap.max_allocs[nodes] != 0) & (cap.max_allocs[nodes] < self.allocs[nodes] + 1),
            self.cpu[nodes] + cpu > cap.cpu[nodes],
            self.memory_mb[nodes] + ask.memory_mb > cap.memory_mb[nodes],
            self.disk_mb[nodes] + ask.disk_mb > cap.disk_mb[nodes],
        )
        out = np.full(len(nodes), FIT, dtype=np.int32)
        for code in range(len(checks) - 1, -1, -1):
            out[checks[code]] = code
        return out

    def port_failure(self, node: int, ask: GroupAsk) -> str | None:
        """``NetworkIndex.AssignPorts`` failure text (with the ``network: `` prefix), or None."""
        taken = self.capacity.reserved_ports[node] | self.ports.get(node, set())
        wanted: set[int] = set()
        for port in ask.reserved_ports:
            if port.value in taken or port.value in wanted:
                return f"network: reserved port collision {port.label}={port.value}"
            wanted.add(port.value)
        if ask.dynamic_ports:
            low, high = self.capacity.dynamic_range[node]
            busy = sum(1 for p in taken | wanted if low <= p <= high)
            if high - low + 1 - busy < len(ask.dynamic_ports):
                return DYNAMIC_PORT_FAILED
        if ask.task_networks:
            found = self._task_devices(node, ask, taken | wanted, len(ask.dynamic_ports))
            if isinstance(found, str):
                return f"network: {found}"
        return None

    def _task_devices(
        self, node: int, ask: GroupAsk, taken: AbstractSet[int], picked: int = 0
    ) -> list[str] | str:
        """``AssignTaskNetwork`` for each task network in turn: the device of each, or the
        last device's error. Each one's bandwidth, reserved and dynamic ports count for the
        next (``NetworkIndex.AddReserved``, structs/network.go, after the group network's
        ``AddReservedPorts``), and its own reserved ports are no dynamic ports for it
        (``getDynamicPortsPrecise``); ``picked``: dynamic ports in the range taken already but
        not in ``taken`` (the group network's, when only checking). Dynamic ports are counted,
        not chosen: Nomad picks them at random among the free ones."""
        used = dict(self.bandwidth.get(node, {}))
        taken = set(taken)
        low, high = self.capacity.dynamic_range[node]
        out = []
        for net in ask.task_networks:
            error = "no networks available"
            for device, mbits in self.capacity.bandwidth(node):
                if used.get(device, 0) + net.mbits > mbits:
                    error = "bandwidth exceeded"
                    continue
                clash = next((p for p in net.reserved_ports if p.value in taken), None)
                if clash is not None:
                    error = f"reserved port collision {clash.label}={clash.value}"
                    continue
                own = taken.union(p.value for p in net.reserved_ports)
                busy = sum(1 for p in own if low <= p <= high) + picked
                if high - low + 1 - busy < len(net.dynamic_ports):
                    error = "dynamic port selection failed"
                    continue
                used[device] = used.get(device, 0) + net.mbits
                taken = own
                picked += len(net.dynamic_ports)
                out.append(device)
                break
            else:
                return error
        return out

    def device_failure(self, node: Node, index: int, ask: GroupAsk) -> str | None:
        return None if self._device_offer(node, index, ask) is not None else NO_DEVICES

    def _device_offer(
        self, node: Node, index: int, ask: GroupAsk
    ) -> tuple[tuple[int, int], ...] | None:
        """Healthy unused instances for every request, first matching device group first."""
        used = dict(self.devices.get(index, {}))
        taken = []
        for request in ask.devices:
            for d, device in enumerate(node.node_resources.devices):
                free = healthy_instances(device) - used.get(d, 0)
                if free >= request.count and device_matches(device, request):
                    used[d] = used.get(d, 0) + request.count
                    taken.append((d, request.count))
                    break
            else:
                return None
        return tuple(taken)

    def commit(self, node_obj: Node, node: int, ask: GroupAsk, cpu: float) -> Offer:
        """Record one allocation on ``node``; picks ports, cores and device instances.

        Nomad picks dynamic ports and cores at random; here the lowest free ones are taken
        so that runs are reproducible (the counts, which is all fit depends on, agree).
        """
        self.cpu[node] += cpu
        self.memory_mb[node] += ask.memory_mb
        self.disk_mb[node] += ask.disk_mb
        self.allocs[node] += 1
        offer = Offer()
        self._commit_sets(node_obj, node, ask, offer)
        return offer

    def _commit_sets(self, node_obj: Node, node: int, ask: GroupAsk, offer: Offer) -> None:
        """Ports, cores and device instances of one allocation (lowest free first)."""
        if ask.has_ports:
            offer.ports = self._take_ports(node, ask)
        if ask.cores:
            used = self.cores.setdefault(node, set())
            free = [c for c in self.capacity.usable_cores[node] if c not in used]
            offer.cores = tuple(free[: ask.cores])
            used.update(offer.cores)
            self.free_cores[node] -= ask.cores
        if ask.devices:
            offer.devices = self._device_offer(node_obj, node, ask) or ()
            used_dev = self.devices.setdefault(node, {})
            for d, count in offer.devices:
                used_dev[d] = used_dev.get(d, 0) + count

    def commit_many(
        self, nodes_objs: list[Node], nodes: np.ndarray, ask: GroupAsk, cpu: np.ndarray | float
    ) -> list[Offer]:
        """``commit`` on distinct nodes at once: numeric columns in one step, sets per node."""
        self.cpu[nodes] += cpu
        self.memory_mb[nodes] += ask.memory_mb
        self.disk_mb[nodes] += ask.disk_mb
        self.allocs[nodes] += 1
        if not (ask.has_ports or ask.cores or ask.devices):
            return [Offer()] * len(nodes)
        offers = []
        for node_obj, node in zip(nodes_objs, nodes.tolist()):
            offer = Offer()
            self._commit_sets(node_obj, node, ask, offer)
            offers.append(offer)
        return offers

    def _take_ports(self, node: int, ask: GroupAsk) -> tuple[tuple[str, int], ...]:
        """The group's ports, then each task network's ports and bandwidth."""
        used = self.ports.setdefault(node, set())
        taken: list[tuple[str, int]] = []
        self._take(node, used, ask.reserved_ports, ask.dynamic_ports, taken)
        devices = self._task_devices(node, ask, self.capacity.reserved_ports[node] | used)
        for net, device in zip(ask.task_networks, devices if isinstance(devices, list) else ()):
            self._take(node, used, net.reserved_ports, net.dynamic_ports, taken)
            per_device = self.bandwidth.setdefault(node, {})
            per_device[device] = per_device.get(device, 0) + net.mbits
        return tuple(taken)

    def _take(
        self,
        node: int,
        used: set[int],
        reserved: tuple[Port, ...],
        dynamic: tuple[Port, ...],
        taken: list[tuple[str, int]],
    ) -> None:
        """Static ports as asked, dynamic ones lowest free first."""
        taken.extend((p.label, p.value) for p in reserved)
        used.update(p.value for p in reserved)
        blocked = self.capacity.reserved_ports[node] | used
        low, high = self.capacity.dynamic_range[node]
        candidate = low
        for port in dynamic:
            while candidate in blocked and candidate <= high:
                candidate += 1
            taken.append((port.label, candidate))
            used.add(candidate)
            candidate += 1

    def occupy(
        self,
        node: int,
        cpu: float,
        memory_mb: float,
        disk_mb: float,
        ports: Iterable[int] = (),
        cores: int = 0,
        devices: Iterable[tuple[int, int]] = (),
        network: tuple[str, int] = ("", 0),
    ) -> None:
        """Account an allocation that already runs on ``node`` (a scenario's starting state):
        ``devices`` as (node device group, instances), ``network`` as (device, Mbits)."""
        self.cpu[node] += cpu
        self.memory_mb[node] += memory_mb
        self.disk_mb[node] += disk_mb
        self.allocs[node] += 1
        ports = set(ports)
        if ports:
            used = self.ports.setdefault(node, set())
            if node not in self.broken and ports & (used | self.capacity.reserved_ports[node]):
                self.broken[node] = PORT_COLLISION
                self.usable[node] = False
            used.update(ports)
        if cores:
            used = self.cores.setdefault(node, set())
            free = [c for c in self.capacity.usable_cores[node] if c not in used]
            used.update(free[:cores])
            self.free_cores[node] -= min(cores, len(free))
        for d, count in devices:
            held = self.devices.setdefault(node, {})
            held[d] = held.get(d, 0) + count
        device, mbits = network
        if mbits:
            per_device = self.bandwidth.setdefault(node, {})
            per_device[device] = per_device.get(device, 0) + mbits

    def network_device(self, node: int, device: str) -> str:
        """The device an allocation's network is on: as stated, else the node's first."""
        if device:
            return device
        networks = self.capacity.bandwidth(node)
        return networks[0][0] if networks else ""


def held_devices(node: Node, held: Iterable[tuple[str, int]]) -> tuple[tuple[int, int], ...]:
    """(device group, instances) of what a running allocation holds, each named as a device
    request is (``type``, ``vendor/type`` or ``vendor/type/model``): the first group of the
    node that matches; a name no group matches holds nothing."""
    out = []
    groups = node.node_resources.devices
    for name, count in held:
        request = RequestedDevice(name=name, count=count)
        d = next((d for d, g in enumerate(groups) if device_matches(g, request)), None)
        if d is not None:
            out.append((d, count))
    return tuple(out)
