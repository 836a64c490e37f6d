"""Seeded synthetic node populations that look like real Nomad clusters.

Real clusters are made of *fleets*: autoscaling groups that share one machine image (OS,
kernel, Nomad and Docker versions), one instance type, one datacenter/zone, pool and class.
Everything that enters Nomad's computed node class is therefore decided per fleet (plus a
rack drawn from the fleet's zone), so the number of classes stays in the tens to hundreds
however many nodes are drawn. What really varies per node (``unique.*`` attributes, IDs,
driver and GPU health, status) is drawn per node, vectorized with numpy.

Every per-node stream uses ``Generator.random`` / full-range ``uint64`` draws, which consume
the bit stream one element at a time: the first *k* nodes of a population of *n* are the
population of *k* for the same seed, so hypothesis can shrink the size without changing nodes.

Nodes of one fleet share their nested resource and driver objects (building them per node
would cost ~10x the time at 100k nodes). Treat them as read-only, or ``model_copy(deep=True)``
a node before mutating nested fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np

from models import (
    DeviceAttribute,
    DeviceInstance,
    DriverInfo,
    Node,
    NodeDevice,
    NodeResources,
    ReservedResources,
)

from ..core.gcpause import gc_paused
from ..core.implied import CNI_PLUGINS


class InstanceType(msgspec.Struct, frozen=True):
    """One cloud machine shape: CPU, memory, disk and attached GPUs."""

    name: str
    arch: str
    cores: int
    mhz: int
    memory_mb: int
    gpu_model: str = ""
    gpu_count: int = 0


class OsImage(msgspec.Struct, frozen=True):
    """One machine image: what ``os.*``/``kernel.*`` fingerprints report."""

    kernel_name: str
    os_name: str
    os_version: str
    kernel_version: str


INSTANCE_TYPES: dict[str, InstanceType] = {
    t.name: t
    for t in (
        InstanceType("t3.medium", "amd64", 2, 2500, 4096),
        InstanceType("m5.large", "amd64", 2, 3100, 8192),
        InstanceType("m5.xlarge", "amd64", 4, 3100, 16384),
        InstanceType("m5.2xlarge", "amd64", 8, 3100, 32768),
        InstanceType("c5.4xlarge", "amd64", 16, 3400, 32768),
        InstanceType("r5.2xlarge", "amd64", 8, 3100, 65536),
        InstanceType("m6g.xlarge", "arm64", 4, 2500, 16384),
        InstanceType("c7g.2xlarge", "arm64", 8, 2600, 16384),
        InstanceType("mac1.metal", "amd64", 12, 3200, 32768),
        InstanceType("mac2.metal", "arm64", 8, 3200, 16384),
        InstanceType("g4dn.xlarge", "amd64", 4, 2500, 16384, "Tesla T4", 1),
        InstanceType("g4dn.12xlarge", "amd64", 48, 2500, 196608, "Tesla T4", 4),
        InstanceType("g5.2xlarge", "amd64", 8, 3300, 32768, "NVIDIA A10G", 1),
        InstanceType("p4d.24xlarge", "amd64", 96, 3000, 1179648, "A100", 8),
    )
}

# (memory MiB, CUDA cores) per GPU model, as nvidia-smi / the nvidia device plugin report.
GPU_MODELS: dict[str, tuple[int, int]] = {
    "Tesla T4": (15360, 2560),
    "NVIDIA A10G": (23028, 9216),
    "A100": (40960, 6912),
}
GPU_DRIVER_VERSIONS = ("535.104.05", "535.183.01", "550.54.15")

OS_IMAGES: dict[str, tuple[OsImage, ...]] = {
    "linux": (
        OsImage("linux", "ubuntu", "20.04", "5.15.0-1051-aws"),
        OsImage("linux", "ubuntu", "22.04", "6.5.0-1014-aws"),
        OsImage("linux", "ubuntu", "24.04", "6.8.0-1015-aws"),
        OsImage("linux", "debian", "11", "5.10.0-28-amd64"),
        OsImage("linux", "debian", "12", "6.1.0-18-amd64"),
        OsImage("linux", "rhel", "8.9", "4.18.0-513.11.1.el8_9.x86_64"),
        OsImage("linux", "rhel", "9.3", "5.14.0-362.18.1.el9_3.x86_64"),
    ),
    "windows": (
        OsImage(
            "windows",
            "Microsoft Windows Server 2022 Datacenter",
            "10.0.20348 Build 20348",
            "10.0.20348",
        ),
        OsImage(
            "windows",
            "Microsoft Windows Server 2019 Datacenter",
            "10.0.17763 Build 17763",
            "10.0.17763",
        ),
    ),
    "darwin": (
        OsImage("darwin", "darwin", "14.4.1", "23.4.0"),
        OsImage("darwin", "darwin", "13.6.6", "22.6.0"),
    ),
}

INSTANCES_BY_OS: dict[str, tuple[str, ...]] = {
    "linux": (
        "t3.medium",
        "m5.large",
        "m5.xlarge",
        "m5.2xlarge",
        "c5.4xlarge",
        "r5.2xlarge",
        "m6g.xlarge",
        "c7g.2xlarge",
    ),
    "windows": ("m5.xlarge", "m5.2xlarge", "c5.4xlarge"),
    "darwin": ("mac1.metal", "mac2.metal"),
    "gpu": ("g4dn.xlarge", "g4dn.12xlarge", "g5.2xlarge", "p4d.24xlarge"),
}

NOMAD_VERSIONS = ("1.6.5", "1.7.7", "1.8.4", "1.9.3", "1.9.7")
NOMAD_PRERELEASES = ("1.10.0-beta.1", "1.9.0-rc.1")
CONSUL_VERSIONS = ("1.16.6", "1.17.3", "1.18.2", "1.20.1")
# The containernetworking plugins a Linux client's bridge network runs on; Nomad fingerprints
# each plugin's version (``plugins.cni.version.<name>``) and requires them for bridge groups.
CNI_PLUGINS_VERSION = "v1.6.2"
DOCKER_VERSIONS = ("24.0.7", "25.0.3", "26.1.4", "27.3.1")
JAVA_VERSIONS = ("11.0.22", "17.0.10", "21.0.2")
MEMORY_BYTES_OVERHEAD = 0.97  # the kernel keeps a slice of the instance's nominal memory
TAG_SETS = ("ssd", "ssd,nvme", "hdd", "public,ssd", "spot,ssd", "nvme, ssd ,fast")
TEAMS = ("payments", "search", "platform")
NOT_READY_STATUSES = ("down", "initializing", "disconnected")
DRIVERS = ("docker", "exec", "raw_exec", "java")
MAX_GPUS = max(t.gpu_count for t in INSTANCE_TYPES.values())
_DRAIN_STRATEGY = {
    "Deadline": 3_600_000_000_000,
    "ForceDeadline": "0001-01-01T00:00:00Z",
    "IgnoreSystemJobs": False,
}
# Per drawn state (not ready, ineligible, draining, fine): what changes on the fleet template.
# A drain strategy forces eligibility to ineligible (Node.Canonicalize).
_STATE_UPDATES: tuple[dict[str, Any], ...] = (
    {},
    {"scheduling_eligibility": "ineligible"},
    {"drain": True, "drain_strategy": _DRAIN_STRATEGY, "scheduling_eligibility": "ineligible"},
    {},
)


class NodeProfile(msgspec.Struct, frozen=True):
    """The knobs of a synthetic population; the defaults resemble a mid-size AWS cluster.

    Mixes are relative weights (they need not sum to 1). ``fleets`` bounds the number of
    distinct machine templates, hence (times ``racks_per_zone``) of computed node classes.
    """

    os_mix: dict[str, float] = msgspec.field(
        default_factory=lambda: {"linux": 0.85, "windows": 0.12, "darwin": 0.03}
    )
    datacenters: tuple[str, ...] = ("dc1", "dc2", "dc3", "edge-1")
    zones_per_datacenter: int = 3
    racks_per_zone: int = 3
    node_pools: dict[str, float] = msgspec.field(
        default_factory=lambda: {"default": 0.75, "batch": 0.15, "ci": 0.10}
    )
    gpu_pool: str = "gpu"
    node_classes: dict[str, tuple[str, ...]] = msgspec.field(
        default_factory=lambda: {
            "linux": ("", "hashistack-linux", "compute", "storage"),
            "windows": ("", "hashistack-windows"),
            "darwin": ("", "macos"),
            "gpu": ("", "gpu"),
        }
    )
    gpu_fraction: float = 0.05
    fleets: int = 60
    prerelease_fraction: float = 0.05
    unhealthy_driver_fraction: float = 0.03
    unhealthy_device_fraction: float = 0.02
    not_ready_fraction: float = 0.01
    ineligible_fraction: float = 0.01
    draining_fraction: float = 0.005


@dataclass
class _Fleet:
    template: Node
    racks: tuple[str, ...]
    drivers: dict[str, DriverInfo]
    sick_drivers: dict[str, DriverInfo]
    instance_type: InstanceType
    short: str
    share: float
    weight: float


def _pick(rng: np.random.Generator, values: tuple[Any, ...] | list[Any]) -> Any:
    return values[int(rng.integers(len(values)))]


def _weighted(weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    names = [k for k, w in weights.items() if w > 0]
    cum = np.cumsum([weights[k] for k in names], dtype=float)
    return names, cum / cum[-1]


def _buckets(profile: NodeProfile) -> dict[str, float]:
    """Node share of each fleet bucket: one per OS, GPUs split off Linux."""
    names, shares = _weighted(profile.os_mix)
    share = dict(zip(names, np.diff(shares, prepend=0.0), strict=True))
    gpu = min(profile.gpu_fraction, share.get("linux", 0.0))
    buckets = {**share, "gpu": gpu}
    if "linux" in buckets:
        buckets["linux"] -= gpu
    return {k: float(v) for k, v in buckets.items() if v > 0}


def _driver_infos(os_key: str, rng: np.random.Generator, image: OsImage) -> dict[str, DriverInfo]:
    """The drivers of one fleet: which are detected, and their fingerprinted attributes."""
    linux = image.kernel_name == "linux"
    docker = os_key != "darwin" and rng.random() < 0.95
    found = {
        "docker": docker,
        "exec": linux and rng.random() < 0.8,
        "raw_exec": rng.random() < (0.9 if os_key == "darwin" else 0.4),
        "java": rng.random() < 0.35,
    }
    attrs: dict[str, dict[str, str]] = {name: {} for name in DRIVERS}
    if docker:
        runtimes = "io.containerd.runc.v2,nvidia,runc" if os_key == "gpu" else "runc"
        attrs["docker"] = {
            "driver.docker": "true",
            "driver.docker.os_type": "windows" if image.kernel_name == "windows" else "linux",
            "driver.docker.version": _pick(rng, DOCKER_VERSIONS),
            "driver.docker.runtimes": "" if image.kernel_name == "windows" else runtimes,
            "driver.docker.volumes.enabled": "true",
        }
    if found["java"]:
        attrs["java"] = {
            "driver.java": "true",
            "driver.java.version": _pick(rng, JAVA_VERSIONS),
            "driver.java.runtime": "OpenJDK Runtime Environment",
        }
    for name in ("exec", "raw_exec"):
        if found[name]:
            attrs[name] = {f"driver.{name}": "true"}
    return {
        name: DriverInfo(
            detected=found[name],
            healthy=found[name],
            health_description="Healthy" if found[name] else "",
            attributes=attrs[name],
        )
        for name in DRIVERS
    }


def _node_attributes(
    image: OsImage,
    itype: InstanceType,
    drivers: dict[str, DriverInfo],
    rng: np.random.Generator,
    profile: NodeProfile,
) -> dict[str, str]:
    """Non-unique attributes of a fleet, with ``driver.*`` mirrored as Nomad's client does."""
    nomad = (
        _pick(rng, NOMAD_PRERELEASES)
        if rng.random() < profile.prerelease_fraction
        else _pick(rng, NOMAD_VERSIONS)
    )
    kernel = image.kernel_version
    if itype.arch == "arm64":  # Debian and RHEL kernels name their architecture
        kernel = kernel.replace("amd64", "arm64").replace("x86_64", "aarch64")
    attributes = {
        "kernel.name": image.kernel_name,
        "kernel.version": kernel,
        "kernel.arch": "x86_64" if itype.arch == "amd64" else "aarch64",
        "os.name": image.os_name,
        "os.version": image.os_version,
        "cpu.arch": itype.arch,
        "cpu.numcores": str(itype.cores),
        "cpu.frequency": str(itype.mhz),
        "cpu.totalcompute": str(itype.cores * itype.mhz),
        "memory.totalbytes": str(int(itype.memory_mb * 1024 * 1024 * MEMORY_BYTES_OVERHEAD)),
        "nomad.version": nomad,
        "consul.version": _pick(rng, CONSUL_VERSIONS),
        "platform.aws.instance-type": itype.name,
    }
    if image.kernel_name == "linux":
        for plugin in CNI_PLUGINS:
            attributes[f"plugins.cni.version.{plugin}"] = CNI_PLUGINS_VERSION
    for name, info in drivers.items():
        if info.detected:  # the client mirrors driver attributes, but says "1" for detection
            attributes.update(info.attributes)
            attributes[f"driver.{name}"] = "1"
    return attributes


def _gpu_device(itype: InstanceType, rng: np.random.Generator) -> NodeDevice:
    memory, cuda = GPU_MODELS[itype.gpu_model]
    return NodeDevice(
        vendor="nvidia",
        type="gpu",
        name=itype.gpu_model,
        attributes={
            "memory": DeviceAttribute(int_value=memory, unit="MiB"),
            "cuda_cores": DeviceAttribute(int_value=cuda),
            "driver_version": DeviceAttribute(string_value=_pick(rng, GPU_DRIVER_VERSIONS)),
        },
    )


def _make_fleet(
    os_key: str, share: float, profile: NodeProfile, rng: np.random.Generator
) -> _Fleet:
    """Draw one fleet template from the combination space (validated once, copied per node)."""
    image = _pick(rng, OS_IMAGES["linux" if os_key == "gpu" else os_key])
    itype = INSTANCE_TYPES[_pick(rng, INSTANCES_BY_OS[os_key])]
    datacenter = _pick(rng, profile.datacenters)
    zone = f"{datacenter}{'abcdefgh'[int(rng.integers(profile.zones_per_datacenter))]}"
    pools, pool_cum = _weighted(profile.node_pools)
    pool = pools[int(np.searchsorted(pool_cum, rng.random(), side="right"))]
    if os_key == "gpu" and profile.gpu_pool and rng.random() < 0.8:
        pool = profile.gpu_pool
    drivers = _driver_infos(os_key, rng, image)
    meta = {"zone": zone, "tags": _pick(rng, TAG_SETS)}
    if rng.random() < 0.3:
        meta["team"] = _pick(rng, TEAMS)
    if itype.gpu_count:
        meta["gpu"] = "true"
    resources = NodeResources(
        cpu={
            "cpu_shares": itype.cores * itype.mhz,
            "total_cpu_cores": itype.cores,
            "reservable_cpu_cores": list(range(itype.cores)),
        },
        memory={"memory_mb": itype.memory_mb - 512},
        disk={"disk_mb": int(_pick(rng, (40_000, 90_000, 190_000)))},
        devices=[_gpu_device(itype, rng)] if itype.gpu_count else [],
        # Every client fingerprints a host network; Linux clients with the CNI bridge plugin
        # also a bridge one. Without a host network, Nomad filters groups as "missing network".
        networks=[{"mode": "host", "device": "eth0", "cidr": "10.0.0.0/16", "m_bits": 1000}]
        + ([{"mode": "bridge"}] if os_key in ("linux", "gpu") else []),
    )
    reserved = ReservedResources(
        cpu={"cpu_shares": int(_pick(rng, (0, 100, 500)))},
        memory={"memory_mb": int(_pick(rng, (0, 256, 512)))},
        disk={"disk_mb": int(_pick(rng, (0, 1024)))},
        networks={"reserved_host_ports": _pick(rng, ("", "22", "22,8500-8600"))},
    )
    template = Node(
        datacenter=datacenter,
        node_class=_pick(rng, profile.node_classes[os_key]),
        node_pool=pool,
        attributes=_node_attributes(image, itype, drivers, rng, profile),
        meta=meta,
        drivers=drivers,
        node_resources=resources,
        reserved_resources=reserved,
    )
    sick = {
        name: info.model_copy(
            update={"healthy": False, "health_description": f"{name} driver unresponsive"}
        )
        for name, info in drivers.items()
    }
    racks = tuple(f"{zone}-r{r + 1}" for r in range(profile.racks_per_zone))
    short = {"linux": "lnx", "windows": "win", "darwin": "mac", "gpu": "gpu"}[os_key]
    canary = template.attributes["nomad.version"] in NOMAD_PRERELEASES
    return _Fleet(template, racks, drivers, sick, itype, short, share, 0.1 if canary else 1.0)


def _make_fleets(profile: NodeProfile, rng: np.random.Generator) -> dict[str, list[_Fleet]]:
    """Split ``profile.fleets`` over the buckets in proportion to their node share."""
    return {
        key: [
            _make_fleet(key, share, profile, rng)
            for _ in range(max(1, round(profile.fleets * share)))
        ]
        for key, share in _buckets(profile).items()
    }


def _uuids(words: np.ndarray) -> list[str]:
    """Format pairs of uint64 as version-4-looking UUID strings."""
    hexes = [f"{int(a):016x}{int(b):016x}" for a, b in words]
    return [f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}" for h in hexes]


def _assign_fleets(
    u_bucket: np.ndarray,
    u_fleet: np.ndarray,
    fleets: dict[str, list[_Fleet]],
    rng: np.random.Generator,
) -> np.ndarray:
    """Per node, a global fleet index: bucket by share, then a skewed fleet within it.

    Fleet sizes are Dirichlet-skewed like real autoscaling groups; prerelease (canary)
    fleets get a tenth of the weight so prereleases stay a few percent of nodes.
    """
    keys = list(fleets)
    _, cum = _weighted({k: fleets[k][0].share for k in keys})
    bucket = np.searchsorted(cum, u_bucket, side="right")
    offsets = np.cumsum([0] + [len(fleets[k]) for k in keys])
    out = np.empty(len(u_bucket), dtype=np.int64)
    for b, key in enumerate(keys):
        n = len(fleets[key])
        weights = rng.dirichlet(np.full(n, 0.8)) if n > 1 else np.ones(1)
        weights *= [f.weight for f in fleets[key]]
        fleet_cum = np.cumsum(weights) / weights.sum()
        mask = bucket == b
        local = np.minimum(np.searchsorted(fleet_cum, u_fleet[mask], side="right"), n - 1)
        out[mask] = offsets[b] + local
    return out


def generate_nodes(count: int, seed: int, profile: NodeProfile | None = None) -> list[Node]:
    """``count`` realistic nodes, identical for identical (seed, profile)."""
    p = profile or NodeProfile()
    # One independent stream per column keeps every column prefix-stable in `count`.
    fleet_rng, *streams = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8))
    fleets_by_bucket = _make_fleets(p, fleet_rng)
    fleets = [f for group in fleets_by_bucket.values() for f in group]
    u_bucket, u_fleet, u_rack, u_state = (s.random(count) for s in streams[:4])
    sick = (streams[4].random((count, len(DRIVERS))) < p.unhealthy_driver_fraction).tolist()
    u_gpus = streams[5].random((count, MAX_GPUS))
    words = streams[6].integers(0, 2**64, size=(count, 2 + 2 * MAX_GPUS), dtype=np.uint64)
    fleet_of = _assign_fleets(u_bucket, u_fleet, fleets_by_bucket, fleet_rng).tolist()
    ids = _uuids(words[:, :2])
    instance_ids = [f"i-0{u[:8]}{u[9:13]}{u[14:18]}" for u in ids]
    cuts = np.cumsum([p.not_ready_fraction, p.ineligible_fraction, p.draining_fraction])
    state = np.searchsorted(cuts, u_state, side="right").tolist()  # 0 not ready .. 3 fine
    rack_pick = (u_rack * p.racks_per_zone).astype(int).tolist()
    nodes = []
    with gc_paused():
        for i in range(count):
            fleet = fleets[fleet_of[i]]
            t = fleet.template
            name = f"{fleet.short}-{t.datacenter}-{i:06d}"
            ip = i + 1
            update: dict[str, Any] = {
                "id": ids[i],
                "name": name,
                "attributes": {
                    **t.attributes,
                    "unique.hostname": name,
                    "unique.network.ip-address": f"10.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}",
                    "unique.platform.aws.instance-id": instance_ids[i],
                    "unique.platform.aws.instance-type": fleet.instance_type.name,
                },
                "meta": {**t.meta, "rack": fleet.racks[rack_pick[i]]},
                "drivers": {
                    d: fleet.sick_drivers[d]
                    if bad and fleet.drivers[d].detected
                    else fleet.drivers[d]
                    for d, bad in zip(DRIVERS, sick[i], strict=True)
                },
            }
            update.update(_STATE_UPDATES[state[i]])
            if state[i] == 0:
                update["status"] = NOT_READY_STATUSES[i % len(NOT_READY_STATUSES)]
            if fleet.instance_type.gpu_count:
                update["node_resources"] = _gpu_resources(
                    t.node_resources, fleet.instance_type, u_gpus[i], words[i, 2:], p
                )
            nodes.append(t.model_copy(update=update))
    return nodes


def _gpu_resources(
    base: NodeResources,
    itype: InstanceType,
    u_health: np.ndarray,
    words: np.ndarray,
    profile: NodeProfile,
) -> NodeResources:
    """Per-node GPU instances: unique IDs (not part of the class) and per-instance health."""
    ids = _uuids(words.reshape(-1, 2))
    instances = [
        DeviceInstance.model_construct(
            id=f"GPU-{ids[k]}", healthy=bool(u_health[k] >= profile.unhealthy_device_fraction)
        )
        for k in range(itype.gpu_count)
    ]
    device = base.devices[0].model_copy(update={"instances": instances})
    return base.model_copy(update={"devices": [device]})
