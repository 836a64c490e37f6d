"""Seeded synthetic jobs whose constraints are drawn from a node population.

Constraint values come from what the nodes actually report (a :class:`Catalog`), so most
constraints are satisfiable by some nodes; a configurable share are near misses ("Linux" for
"linux", a version no node runs), which is what real broken jobs look like. Each job's first
constraint cycles through every Nomad operator, so any population of at least
``len(OPERATORS)`` jobs exercises all of them; the rest follow realistic frequencies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import numpy as np

from models import Job, Node

from .nodes import generate_nodes

OPERATORS = (
    "=", "==", "is", "!=", "not", "<", "<=", ">", ">=", "regexp", "version", "semver",
    "set_contains", "set_contains_all", "set_contains_any", "is_set", "is_not_set",
    "distinct_hosts", "distinct_property",
)  # fmt: skip
# How often each operator shows up in real jobspecs, roughly: `=` on kernel/class dominates.
OPERATOR_WEIGHTS = {
    "=": 30, "==": 1, "is": 1, "!=": 8, "not": 1, "<": 3, "<=": 2, ">": 2, ">=": 8,
    "regexp": 6, "version": 8, "semver": 4, "set_contains": 4, "set_contains_all": 1,
    "set_contains_any": 3, "is_set": 4, "is_not_set": 2, "distinct_hosts": 5,
    "distinct_property": 4,
}  # fmt: skip
AFFINITY_OPERATORS = ("=", "!=", ">=", "<", "regexp", "version", "semver", "set_contains_any")
DISTINCT = ("distinct_hosts", "distinct_property")

EQUALITY_TARGETS = (
    "${attr.kernel.name}", "${attr.os.name}", "${attr.cpu.arch}", "${node.class}",
    "${node.datacenter}", "${node.pool}", "${meta.zone}", "${meta.rack}", "${meta.team}",
    "${attr.driver.docker.os_type}", "${attr.platform.aws.instance-type}", "${node.unique.name}",
)  # fmt: skip
ORDER_TARGETS = (
    "${attr.cpu.numcores}", "${attr.memory.totalbytes}", "${attr.cpu.totalcompute}",
    "${attr.cpu.frequency}", "${attr.kernel.version}", "${attr.os.version}",
)  # fmt: skip
VERSION_TARGETS = (
    "${attr.nomad.version}", "${attr.consul.version}", "${attr.driver.docker.version}",
    "${attr.kernel.version}", "${attr.driver.java.version}",
)  # fmt: skip
SET_TARGETS = ("${meta.tags}", "${attr.driver.docker.runtimes}")
PRESENCE_TARGETS = (
    "${attr.driver.docker}", "${attr.driver.java}", "${attr.driver.exec}", "${meta.gpu}",
    "${meta.team}", "${attr.unique.platform.aws.instance-id}", "${attr.driver.raw_exec}",
)  # fmt: skip
PROPERTY_TARGETS = (
    "${meta.rack}",
    "${meta.zone}",
    "${node.datacenter}",
    "${attr.platform.aws.instance-type}",
)
ABSENT_ELEMENTS = ("nvlink", "infiniband", "gvisor")
IMAGES = (
    "redis:7.2",
    "nginx:1.25",
    "grafana/grafana:10.4.0",
    "prom/prometheus:v2.51.0",
    "mcr.microsoft.com/windows/servercore:ltsc2022",
    "postgres:16",
)
JOB_NAMES = (
    "web",
    "api",
    "cache",
    "worker",
    "etl",
    "metrics",
    "grafana",
    "ingest",
    "report",
    "search",
    "billing",
    "gpu-train",
)
_REGEX_SPECIALS = re.compile(r"([\\.+*?()|\[\]{}^$])")
_VERSION_CORE = re.compile(r"\d+(?:\.\d+)*")
# What go-version accepts after `=`: a RHEL kernel's `el8_9.x86_64` has an underscore, so
# `= <that kernel>` would be rejected by Constraint.Validate.
_GO_VERSION = re.compile(r"v?\d+(?:\.\d+)*(?:-?[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")


class JobProfile(msgspec.Struct, frozen=True):
    """The knobs of a synthetic job population. Mixes are relative weights."""

    job_types: dict[str, float] = msgspec.field(
        default_factory=lambda: {"service": 0.6, "batch": 0.3, "system": 0.1}
    )
    drivers: dict[str, float] = msgspec.field(
        default_factory=lambda: {"docker": 0.6, "exec": 0.15, "raw_exec": 0.1, "java": 0.15}
    )
    max_groups: int = 3
    max_tasks: int = 2
    miss_fraction: float = 0.15
    constraint_chance: float = 0.3
    affinity_fraction: float = 0.3
    spread_fraction: float = 0.3
    network_fraction: float = 0.5
    cores_fraction: float = 0.15
    device_fraction: float = 0.08
    reference_nodes: int = 400


class Draw:
    """Readable draws on a numpy Generator (every random choice of the job generator)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, values: Sequence[Any]) -> Any:
        return values[int(self.rng.integers(len(values)))]

    def weighted(self, weights: Mapping[str, float]) -> str:
        names = list(weights)
        cum = np.cumsum([weights[k] for k in names], dtype=float)
        return names[int(np.searchsorted(cum / cum[-1], self.rng.random(), side="right"))]

    def between(self, low: int, high: int) -> int:
        """An int in [low, high]."""
        return int(self.rng.integers(low, high + 1))


@dataclass
class Catalog:
    """Distinct values each constraint target takes in a node population."""

    values: dict[str, list[str]]
    devices: list[str]

    @classmethod
    def from_nodes(
        cls, nodes: Sequence[Node], sample_names: int = 20, limit: int = 5000
    ) -> Catalog:
        """Values of an evenly strided sample of at most ``limit`` nodes.

        Values are what matters, not their counts, and a population has few distinct
        non-unique values, so a sample keeps 100k-node populations at tens of milliseconds.
        """
        nodes = nodes[:: -(-len(nodes) // limit) or 1]
        attributes: set[tuple[str, str]] = set()
        meta: set[tuple[str, str]] = set()
        fields: set[tuple[str, str]] = set()
        devices: set[str] = set()
        for node in nodes:
            attributes.update(node.attributes.items())
            meta.update(node.meta.items())
            fields.update(
                (
                    ("${node.datacenter}", node.datacenter),
                    ("${node.class}", node.node_class),
                    ("${node.pool}", node.node_pool),
                )
            )
            devices.update(f"{d.vendor}/{d.type}/{d.name}" for d in node.node_resources.devices)
        seen: dict[str, set[str]] = {"${node.unique.name}": {n.name for n in nodes[:sample_names]}}
        for template, pairs in (
            ("${{attr.{}}}", attributes),
            ("${{meta.{}}}", meta),
            ("{}", fields),
        ):
            for key, value in pairs:
                seen.setdefault(template.format(key), set()).add(value)
        return cls({k: sorted(v) for k, v in seen.items()}, sorted(devices))

    def observed(self, targets: Sequence[str], draw: Draw) -> tuple[str, str]:
        """A non-empty (target, value) pair some node has, or a target with a made-up value."""
        known = [t for t in targets if any(self.values.get(t, []))]
        if not known:
            return draw.pick(targets), "unknown"
        target = draw.pick(known)
        return target, draw.pick([v for v in self.values[target] if v])


Builder = Callable[[Draw, Catalog, bool], tuple[str, str]]


def _near_miss(value: str, draw: Draw) -> str:
    """A value that looks right but no node has: case, suffix or legacy-name slips."""
    return draw.pick(
        [
            value.capitalize() if value != value.capitalize() else value.upper(),
            f"{value}-legacy",
            f"{value}2",
        ]
    )


def _escape(text: str) -> str:
    # Not re.escape: it also escapes spaces and '-', which Go's RE2 rejects as escapes.
    return _REGEX_SPECIALS.sub(r"\\\1", text)


def _version_core(value: str) -> list[int]:
    match = _VERSION_CORE.match(value)
    return [int(p) for p in match.group().split(".")] if match else [1, 0]


def _equality(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    target, value = cat.observed(EQUALITY_TARGETS, draw)
    return target, value if hit else _near_miss(value, draw)


def _order_builder(operand: str) -> Builder:
    def build(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
        target, value = cat.observed(ORDER_TARGETS, draw)
        if not hit:
            return target, "0" if operand.startswith("<") else "99999999999999"
        if not value.isdigit() and draw.chance(0.5):  # the classic `kernel.version >= 5.10`
            value = ".".join(str(p) for p in _version_core(value)[:2])
        return target, value

    return build


def _regexp(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    target, value = cat.observed(EQUALITY_TARGETS + VERSION_TARGETS, draw)
    if not hit:
        return target, f"^{_escape(_near_miss(value, draw))}$"
    others = cat.values.get(target, [value])
    return target, draw.pick([
        f"^{_escape(value[: draw.between(1, len(value))])}",
        f"^({_escape(value)}|{_escape(draw.pick(others))})$",
        f"(?i){_escape(value.upper())}",
    ])  # fmt: skip


def _version(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    target, value = cat.observed(VERSION_TARGETS, draw)
    major, minor = [*_version_core(value), 0][:2]
    if not hit:
        return target, f">= {major + 50}.0"
    exact = [f"= {value}"] if _GO_VERSION.fullmatch(value) else []
    return target, draw.pick(
        [f">= {major}.{minor}", f"~> {major}.{minor}", f">= {major}.0, < {major + 1}.0", *exact]
    )


def _semver(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    target, value = cat.observed(VERSION_TARGETS[:3], draw)
    major, minor, patch = [*_version_core(value), 0, 0][:3]
    if not hit:
        return target, f">= {major + 50}.0.0"
    return target, draw.pick(
        [
            f">= {major}.{minor}.{patch}",
            f">= {major}.{minor}.0-beta.1",
            f"< {major + 1}.0.0",
            f">= {major}.0.0, < {major + 1}.0.0",
        ]
    )


def _elements(draw: Draw, cat: Catalog) -> tuple[str, list[str]]:
    target, value = cat.observed(SET_TARGETS, draw)
    return target, [e.strip() for e in value.split(",") if e.strip()] or ["runc"]


def _set_all(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    target, elements = _elements(draw, cat)
    wanted = [draw.pick(elements) for _ in range(draw.between(1, 2))]
    if not hit:
        wanted.append(draw.pick(ABSENT_ELEMENTS))
    return target, ",".join(dict.fromkeys(wanted))


def _set_any(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    target, elements = _elements(draw, cat)
    wanted = [draw.pick(ABSENT_ELEMENTS)] + ([draw.pick(elements)] if hit else ["absent"])
    return target, ",".join(wanted)


def _presence(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    return draw.pick(PRESENCE_TARGETS), ""


def _distinct_hosts(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    return "", draw.pick(["", "true"])


def _distinct_property(draw: Draw, cat: Catalog, hit: bool) -> tuple[str, str]:
    return draw.pick(PROPERTY_TARGETS), draw.pick(["", "1", "2", "3"])


BUILDERS: dict[str, Builder] = {
    **dict.fromkeys(("=", "==", "is", "!=", "not"), _equality),
    **{op: _order_builder(op) for op in ("<", "<=", ">", ">=")},
    "regexp": _regexp,
    "version": _version,
    "semver": _semver,
    "set_contains": _set_all,
    "set_contains_all": _set_all,
    "set_contains_any": _set_any,
    "is_set": _presence,
    "is_not_set": _presence,
    "distinct_hosts": _distinct_hosts,
    "distinct_property": _distinct_property,
}


def build_constraint(
    operand: str, draw: Draw, cat: Catalog, miss_fraction: float
) -> dict[str, str]:
    """One constraint (snake_case dict) of the given operator, satisfiable unless it misses."""
    l_target, r_target = BUILDERS[operand](draw, cat, not draw.chance(miss_fraction))
    return {"l_target": l_target, "operand": operand, "r_target": r_target}


class _JobBuilder:
    """Draws one job at a time; holds the per-population state (catalog, operator cycle)."""

    def __init__(self, draw: Draw, cat: Catalog, profile: JobProfile):
        self.draw, self.cat, self.p = draw, cat, profile
        self.cycle = [OPERATORS[i] for i in draw.rng.permutation(len(OPERATORS))]

    def constraint(self, operand: str | None = None, allow_distinct: bool = True) -> dict[str, str]:
        weights = (
            OPERATOR_WEIGHTS
            if allow_distinct
            else {k: w for k, w in OPERATOR_WEIGHTS.items() if k not in DISTINCT}
        )
        return build_constraint(
            operand or self.draw.weighted(weights), self.draw, self.cat, self.p.miss_fraction
        )

    def constraints(self, slots: int, allow_distinct: bool) -> list[dict[str, str]]:
        """Up to ``slots`` constraints, each present with ``profile.constraint_chance``."""
        return [
            self.constraint(allow_distinct=allow_distinct)
            for _ in range(slots)
            if self.draw.chance(self.p.constraint_chance)
        ]

    def affinities(self) -> list[dict[str, Any]]:
        if not self.draw.chance(self.p.affinity_fraction):
            return []
        out = []
        for _ in range(self.draw.between(1, 2)):
            rule = self.constraint(self.draw.pick(AFFINITY_OPERATORS))
            weight = self.draw.pick([25, 50, 75, 100, -50, -100])
            out.append({**rule, "weight": weight})
        return out

    def spreads(self) -> list[dict[str, Any]]:
        if not self.draw.chance(self.p.spread_fraction):
            return []
        attribute = self.draw.pick(PROPERTY_TARGETS[:3])
        spread: dict[str, Any] = {"attribute": attribute, "weight": self.draw.between(1, 100)}
        values = self.cat.values.get(attribute, [])
        if values and self.draw.chance(0.5):
            chosen = list(dict.fromkeys(self.draw.pick(values) for _ in range(3)))
            share = 100 // len(chosen)
            spread["spread_target"] = [{"value": v, "percent": share} for v in chosen]
        return [spread]

    def resources(self) -> dict[str, Any]:
        d = self.draw
        res: dict[str, Any] = {"memory_mb": d.pick([64, 128, 256, 512, 1024, 2048, 4096, 8192])}
        if d.chance(self.p.cores_fraction):
            res["cores"] = d.pick([1, 2, 4])
        else:
            res["cpu"] = d.pick([100, 250, 500, 1000, 2000, 4000])
        if d.chance(0.1):
            res["memory_max_mb"] = res["memory_mb"] * 2
        if d.chance(self.p.device_fraction):
            res["devices"] = [self.device()]
        return res

    def device(self) -> dict[str, Any]:
        d = self.draw
        names = ["gpu", "nvidia/gpu", *self.cat.devices]
        device: dict[str, Any] = {"name": d.pick(names), "count": d.between(1, 2)}
        if d.chance(0.5):
            device["constraints"] = [
                {
                    "l_target": "${device.attr.memory}",
                    "operand": ">=",
                    "r_target": d.pick(["8 GiB", "16 GiB", "40 GiB"]),
                }
            ]
        if d.chance(0.3):
            device["affinities"] = [
                {
                    "l_target": "${device.model}",
                    "operand": "=",
                    "r_target": d.pick(["A100", "Tesla T4"]),
                    "weight": 50,
                }
            ]
        return device

    def task(self, index: int, job_type: str) -> dict[str, Any]:
        d = self.draw
        driver = d.weighted(self.p.drivers)
        config = {
            "docker": {"image": d.pick(IMAGES)},
            "exec": {"command": "/usr/local/bin/app"},
            "raw_exec": {"command": "C:\\app\\app.exe" if d.chance(0.3) else "/opt/app/run"},
            "java": {"jar_path": "local/app.jar", "jvm_options": ["-Xmx512m"]},
        }[driver]
        return {
            "name": f"task{index}",
            "driver": driver,
            "config": config,
            "constraints": self.constraints(1, allow_distinct=False),
            "affinities": _soft(job_type, self.affinities()),
            "resources": self.resources(),
        }

    def network(self) -> list[dict[str, Any]]:
        d = self.draw
        if not d.chance(self.p.network_fraction):
            return []
        mode = d.pick(["bridge", "host", ""])
        dynamic = [{"label": "http", "to": 8080 if mode == "bridge" else 0}]
        static = [{"label": "metrics", "value": d.pick([9100, 9200, 8500])}] * d.chance(0.3)
        return [{"mode": mode, "dynamic_ports": dynamic, "reserved_ports": static}]

    def group(self, index: int, job_type: str) -> dict[str, Any]:
        d = self.draw
        count = 1 if job_type == "system" else d.between(1, 10 if job_type == "batch" else 5)
        return {
            "name": f"group{index}",
            "count": count,
            "constraints": self.constraints(2, allow_distinct=True),
            "affinities": _soft(job_type, self.affinities()),
            "spreads": [] if job_type == "system" else self.spreads(),
            "networks": self.network(),
            "tasks": [self.task(t, job_type) for t in range(d.between(1, self.p.max_tasks))],
        }

    def datacenters(self) -> list[str]:
        d = self.draw
        dcs = self.cat.values.get("${node.datacenter}", ["dc1"])
        kind = d.weighted({"any": 0.4, "glob": 0.15, "one": 0.25, "two": 0.15, "missing": 0.05})
        if kind == "glob":
            return [f"{d.pick(dcs)[:2]}*"]
        if kind == "one":
            return [d.pick(dcs)]
        if kind == "two":
            return sorted({d.pick(dcs), d.pick(dcs)})
        return ["dc9"] if kind == "missing" else ["*"]

    def job(self, index: int) -> dict[str, Any]:
        d = self.draw
        job_type = d.weighted(self.p.job_types)
        pools = self.cat.values.get("${node.pool}", ["default"])
        first = self.cycle[index % len(self.cycle)]
        groups = [self.group(g, job_type) for g in range(d.between(1, self.p.max_groups))]
        job_constraints = self.constraints(2, allow_distinct=True)
        level = (
            job_constraints if first in DISTINCT or d.chance(0.5) else d.pick(groups)["constraints"]
        )
        level.insert(0, self.constraint(first))
        return {
            "id": f"{d.pick(JOB_NAMES)}-{index:04d}",
            "type": job_type,
            "priority": d.pick([50, 50, 50, 30, 70, 100]),
            "datacenters": self.datacenters(),
            "node_pool": d.pick(["default"] * 7 + ["all"] + [d.pick(pools)] * 2),
            "constraints": job_constraints,
            "affinities": _soft(job_type, self.affinities()),
            "spreads": [] if job_type == "system" else self.spreads(),
            "task_groups": groups,
        }


def _soft(job_type: str, affinities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nomad refuses affinities in system jobs (``Job.Validate``); the draw is still made so
    the other jobs of a seed stay the same."""
    return [] if job_type == "system" else affinities


def generate_jobs(
    count: int, seed: int, nodes: list[Node] | None = None, profile: JobProfile | None = None
) -> list[Job]:
    """``count`` jobs, identical for identical (seed, nodes, profile).

    Without ``nodes``, values are drawn from ``generate_nodes(profile.reference_nodes, seed)``.
    """
    profile = profile or JobProfile()
    if nodes is None:
        nodes = generate_nodes(profile.reference_nodes, seed)
    builder = _JobBuilder(Draw(np.random.default_rng(seed)), Catalog.from_nodes(nodes), profile)
    return [Job.model_validate(builder.job(i)) for i in range(count)]
