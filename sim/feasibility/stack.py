"""The one place that shows the order of Nomad's feasibility checks for a task group.

``NewGenericStack`` (scheduler/feasible/stack.go): job constraints; then the class-cacheable
group checkers — drivers, group and task constraints, devices, network, secrets providers;
then the "available" checkers that run on every node — host volumes (CSI volumes are not
modelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Job, TaskGroup

from ..core.nodeclass import group_escapes, job_escapes
from .checker import Checker
from .constraints import ConstraintChecker
from .devices import DeviceChecker
from .drivers import DriverChecker
from .network import NetworkAsk, NetworkChecker
from .secrets import SecretsProviderChecker
from .volumes import HostVolumeChecker, host_volume_requests


@dataclass
class GroupStack:
    job_checkers: list[Checker]
    group_checkers: list[Checker]
    available_checkers: list[Checker]
    job_escaped: bool
    group_escaped: bool
    notes: list[str] = field(default_factory=list)


def group_constraints(group: TaskGroup) -> list:
    """``TaskGroupConstraints``: the group's constraints, then each task's in task order."""
    constraints = list(group.constraints)
    for task in group.tasks:
        constraints.extend(task.constraints)
    return constraints


def network_asks(job: Job) -> list[NetworkAsk]:
    """Per group, what the shared NetworkChecker asks for.

    Nomad re-parameterises the checker only for groups that have a ``network`` block; a
    group without one inherits the previous group's mode (a fresh checker asks ``host``).
    """
    asks, current = [], NetworkAsk()
    for group in job.task_groups:
        if group.networks:
            network = group.networks[0]
            ports = tuple(network.dynamic_ports) + tuple(network.reserved_ports)
            current = NetworkAsk(network.mode or "host", ports)
        asks.append(current)
    return asks


def secret_providers(group: TaskGroup) -> list[str]:
    """The providers named by the group's task ``secret`` blocks (``TaskGroupConstraints``)."""
    return sorted({s.provider for t in group.tasks for s in t.secrets if s.provider})


def job_stage(job: Job) -> list[Checker]:
    """The job-level checkers: the job's own constraints."""
    checker = ConstraintChecker(list(job.constraints))
    return [checker] if checker.constraints else []


def build_stack(job: Job, group: TaskGroup, network: NetworkAsk) -> GroupStack:
    drivers = sorted({t.driver for t in group.tasks if t.driver})
    providers = secret_providers(group)
    owned = [(t.name, d) for t in group.tasks for d in t.resources.devices]
    devices = [d for _, d in owned]
    notes = [
        f"CSI volume {v.source or name!r} is not modelled: assumed available on every node"
        for name, v in sorted(group.volumes.items())
        if v.type == "csi"
    ]
    constraints = ConstraintChecker(group_constraints(group))
    volumes = host_volume_requests(group.volumes)
    group_checkers: list[Checker] = [
        checker
        for checker, needed in (
            (DriverChecker(drivers), bool(drivers)),
            (constraints, bool(constraints.constraints)),
            (DeviceChecker(devices, tasks=tuple(t for t, _ in owned)), bool(devices)),
            (NetworkChecker(network), network.mode != "none"),
            (SecretsProviderChecker(providers), bool(providers)),
        )
        if needed
    ]
    return GroupStack(
        job_checkers=job_stage(job),
        group_checkers=group_checkers,
        available_checkers=[HostVolumeChecker(volumes)] if volumes else [],
        job_escaped=job_escapes(job.constraints),
        group_escaped=group_escapes(group),
        notes=notes,
    )
