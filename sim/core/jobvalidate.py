"""What ``nomad job run`` refuses before any scheduling: ``Job.Validate`` and the admission checks.

nomad/structs/structs.go ``Job.Validate``, ``TaskGroup.Validate``, ``Task.Validate``,
``Resources.Validate``, ``UpdateStrategy.Validate``, ``EphemeralDisk.Validate``,
``TaskGroup.validateNetworks`` and ``validateScalingPolicy``; nomad/structs/volumes.go
``VolumeRequest.Validate``; nomad/job_endpoint_hooks.go ``jobValidate`` (priority range,
``job_max_count``). Constraint, affinity and spread rules are sim.core.validation's.

Messages are Nomad's, nested as Nomad nests them (``Task group web validation failed: Task
app validation failed: minimum CPU value is 1; got -100``); a multierror's entries are joined
by ``; `` so each problem stays one line. Fields the models do not carry (restart,
reschedule, services, templates, ...) are not checked here.
"""

from __future__ import annotations

import msgspec

from models import Job, TaskGroup
from models.job import Task, UpdateStrategy
from models.resources import VolumeRequest

from . import limits
from .gofmt import go_duration, go_quote
from .validation import validate_affinity, validate_constraint, validate_spread

JOB_TYPES = ("service", "batch", "system", "sysbatch")
JOB_MIN_PRIORITY, JOB_MAX_PRIORITY = 1, 100  # structs.JobMinPriority, JobDefaultMaxPriority
_MAX_PORT = 65535
_HEALTH_CHECKS = ("checks", "task_states", "manual")
_HOOKS = ("prestart", "poststart", "poststop")


class Problem(msgspec.Struct, frozen=True):
    """One reason Nomad refuses the job: where (jobspec words) and Nomad's message."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def validate_job(job: Job) -> list[Problem]:
    """Every problem Nomad reports for ``job`` at submission, in Nomad's order; [] = valid."""
    too_big = _beyond_go_int(job)
    if too_big:
        return too_big
    out: list[Problem] = []
    add = out.append
    if job.id == "":
        add(Problem("id", "Missing job ID"))
    elif " " in job.id:
        add(Problem("id", "Job ID contains a space"))
    elif "\0" in job.id:
        add(Problem("id", "Job ID contains a null character"))
    if job.name == "":
        add(Problem("name", "Missing job name"))
    elif "\0" in job.name:
        add(Problem("name", "Job Name contains a null character"))
    if job.type == "":
        add(Problem("type", "Missing job type"))
    elif job.type == "_core":
        add(Problem("type", "job type cannot be core"))
    elif job.type not in JOB_TYPES:
        add(Problem("type", f"Invalid job type: {go_quote(job.type)}"))
    if "" in job.datacenters:
        add(Problem("datacenters", "Job datacenter must be non-empty string"))
    if not job.task_groups:
        add(Problem("group", "Missing job task groups"))
    out.extend(_rules(job, job))
    out.extend(_group_names(job))
    for group in job.task_groups:
        prefix = f"Task group {group.name} validation failed: "
        where = f"group[{group.name}]"
        out.extend(Problem(_join(where, p.field), prefix + p.message) for p in _group(job, group))
    if not JOB_MIN_PRIORITY <= job.priority <= JOB_MAX_PRIORITY:
        add(
            Problem(
                "priority",
                f"job priority must be between [{JOB_MIN_PRIORITY}, {JOB_MAX_PRIORITY}]",
            )
        )
    total = sum(group.count for group in job.task_groups)
    if limits.JOB_MAX_COUNT.exceeded(total):
        add(
            Problem(
                "group.count",
                f"total count was greater than configured job_max_count: "
                f"{total} > {limits.JOB_MAX_COUNT.value()} "
                f"(raise it with {limits.JOB_MAX_COUNT.env}=N, 0 = no limit)",
            )
        )
    return out


def _beyond_go_int(job: Job) -> list[Problem]:
    """Numbers Nomad's JSON decoder refuses before validation: they do not fit a Go ``int``."""
    numbers = [("priority", job.priority)]
    for group in job.task_groups:
        where = f"group[{group.name}]"
        numbers.append((f"{where}.count", group.count))
        numbers.append((f"{where}.ephemeral_disk.size", group.ephemeral_disk.size_mb))
        for task in group.tasks:
            r = task.resources
            at = f"{where}.task[{task.name}].resources"
            numbers += [(f"{at}.cpu", r.cpu), (f"{at}.memory", r.memory_mb)]
            numbers += [(f"{at}.cores", r.cores), (f"{at}.memory_max", r.memory_max_mb)]
    return [
        Problem(field, f"json: cannot unmarshal number {value} into Go value of type int")
        for field, value in numbers
        if limits.go_int_error(value) is not None
    ]


def _join(parent: str, child: str) -> str:
    return f"{parent}.{child}" if child else parent


def _rules(job: Job, owner: Job | TaskGroup, where: str = "") -> list[Problem]:
    """Constraints, affinities and spreads of a job or group, in ``Validate``'s order."""
    return [*_constraints(owner.constraints), *_affinities(job, owner), *_spreads(job, owner)]


def _constraints(constraints: list, *, task_level: bool = False) -> list[Problem]:
    out = []
    for i, constraint in enumerate(constraints, 1):
        where = f"constraint[{i - 1}]"
        errors = validate_constraint(constraint)
        if errors:
            out.append(Problem(where, f"Constraint {i} validation failed: {'; '.join(errors)}"))
        if task_level and constraint.operand in ("distinct_hosts", "distinct_property"):
            message = f"Constraint {i} has disallowed Operand at task level: {constraint.operand}"
            out.append(Problem(where, message))
    return out


def _affinities(job: Job, owner: Job | TaskGroup | Task) -> list[Problem]:
    if job.type == "system":
        if owner.affinities:
            return [Problem("affinity", "System jobs may not have an affinity block")]
        return []
    out = []
    for i, affinity in enumerate(owner.affinities, 1):
        errors = validate_affinity(affinity)
        if errors:
            message = f"Affinity {i} validation failed: {'; '.join(errors)}"
            out.append(Problem(f"affinity[{i - 1}]", message))
    return out


def _spreads(job: Job, owner: Job | TaskGroup) -> list[Problem]:
    if job.type == "system":
        refused = Problem("spread", "System jobs may not have a spread block")
        return [refused] if owner.spreads else []
    out = []
    for i, spread in enumerate(owner.spreads, 1):
        errors = validate_spread(spread)
        if errors:
            message = f"Spread {i} validation failed: {'; '.join(errors)}"
            out.append(Problem(f"spread[{i - 1}]", message))
    return out


def _group_names(job: Job) -> list[Problem]:
    out = []
    seen: dict[str, int] = {}
    for i, group in enumerate(job.task_groups, 1):
        if group.name == "":
            out.append(Problem("group", f"Job task group {i} missing name"))
        elif group.name in seen:
            out.append(
                Problem(
                    f"group[{group.name}]",
                    f"Job task group {i} redefines '{group.name}' from group {seen[group.name]}",
                )
            )
        else:
            seen[group.name] = i
        if job.type == "system" and group.count > 1:
            out.append(
                Problem(
                    f"group[{group.name}].count",
                    f"Job task group {group.name} has count {group.count}. "
                    "Count cannot exceed 1 with system scheduler",
                )
            )
    return out


def _group(job: Job, group: TaskGroup) -> list[Problem]:
    out: list[Problem] = []
    add = out.append
    if group.name == "":
        add(Problem("", "Missing task group name"))
    elif "\0" in group.name:
        add(Problem("", "Task group name contains null character"))
    if group.count < 0:
        add(Problem("count", "Task group count can't be negative"))
    if not group.tasks:
        add(Problem("task", "Missing tasks for task group"))
    out.extend(_rules(job, group))
    if group.ephemeral_disk.size_mb < 10:
        add(
            Problem(
                "ephemeral_disk.size",
                f"minimum DiskMB value is 10; got {group.ephemeral_disk.size_mb}",
            )
        )
    out.extend(_update(job, group))
    out.extend(_task_names(group))
    for name, volume in group.volumes.items():
        for message in _volume(volume, job.type, group):
            add(
                Problem(
                    f"volume[{name}]", f"Task group volume validation for {name} failed: {message}"
                )
            )
    for message in _networks(group):
        add(Problem("network", f"Task group network validation failed: {message}"))
    for message in _scaling(group):
        add(Problem("scaling", f"Task group scaling policy validation failed: {message}"))
    for task in group.tasks:
        prefix = f"Task {task.name} validation failed: "
        where = f"task[{task.name}]"
        out.extend(Problem(_join(where, p.field), prefix + p.message) for p in _task(job, task))
    return out


def _update(job: Job, group: TaskGroup) -> list[Problem]:
    """``TaskGroup.Validate``'s update checks: allowed for service and system jobs only."""
    update = group.update
    if update is None and job.update is not None and job.update.max_parallel != 0:
        update = job.update  # Canonicalize copies a non-empty job update into each group
    if update is None:
        return []
    out = []
    if job.type not in ("service", "system"):
        out.append(Problem("update", f"Job type {go_quote(job.type)} does not allow update block"))
    out.extend(Problem("update", message) for message in _update_strategy(update))
    return out


def _update_strategy(u: UpdateStrategy) -> list[str]:
    """``UpdateStrategy.Validate``."""
    d = go_duration
    out = []
    if u.health_check not in _HEALTH_CHECKS:
        out.append(f"Invalid health check given: {go_quote(u.health_check)}")
    if u.max_parallel < 0:
        out.append(f"Max parallel can not be less than zero: {u.max_parallel} < 0")
    if u.canary < 0:
        out.append(f"Canary count can not be less than zero: {u.canary} < 0")
    if u.canary == 0 and u.auto_promote:
        out.append("Auto Promote requires a Canary count greater than zero")
    if u.min_healthy_time < 0:
        out.append(f"Minimum healthy time may not be less than zero: {d(u.min_healthy_time)}")
    if u.healthy_deadline <= 0:
        out.append(f"Healthy deadline must be greater than zero: {d(u.healthy_deadline)}")
    if u.progress_deadline < 0:
        out.append(f"Progress deadline must be zero or greater: {d(u.progress_deadline)}")
    if u.min_healthy_time >= u.healthy_deadline:
        out.append(
            "Minimum healthy time must be less than healthy deadline: "
            f"{d(u.min_healthy_time)} > {d(u.healthy_deadline)}"
        )
    if u.progress_deadline != 0 and u.healthy_deadline >= u.progress_deadline:
        out.append(
            "Healthy deadline must be less than progress deadline: "
            f"{d(u.healthy_deadline)} > {d(u.progress_deadline)}"
        )
    if u.stagger <= 0:
        out.append(f"Stagger must be greater than zero: {d(u.stagger)}")
    return out


def _task_names(group: TaskGroup) -> list[Problem]:
    out = []
    seen: dict[str, int] = {}
    main = 0
    for i, task in enumerate(group.tasks, 1):
        if task.name == "":
            out.append(Problem("task", f"Task {i} missing name"))
        elif task.name in seen:
            out.append(
                Problem(
                    f"task[{task.name}]",
                    f"Task {i} redefines '{task.name}' from task {seen[task.name]}",
                )
            )
        else:
            seen[task.name] = i
        main += task.lifecycle is None or task.lifecycle.hook == ""
    if group.tasks and main == 0:
        out.append(Problem("task", f"Task group {group.name} must have at least one main task"))
    return out


def _volume(volume: VolumeRequest, job_type: str, group: TaskGroup) -> list[str]:
    """``VolumeRequest.Validate``: type, source, per_alloc and the CSI modes."""
    if volume.type not in ("host", "csi"):
        return [f"volume has unrecognized type {volume.type}"]
    out = []
    if volume.source == "":
        out.append("volume has an empty source")
    if volume.per_alloc:
        if job_type in ("system", "sysbatch"):
            out.append("volume cannot be per_alloc for system or sysbatch jobs")
        if group.update is not None and group.update.canary > 0:
            out.append("volume cannot be per_alloc when canaries are in use")
        if volume.sticky:
            out.append("volume cannot be per_alloc and sticky at the same time")
    if volume.type == "csi":
        if volume.attachment_mode == "":
            out.append("CSI volumes must have an attachment mode")
        if volume.access_mode == "":
            out.append("CSI volumes must have an access mode")
    return out


def _networks(group: TaskGroup) -> list[str]:
    """``TaskGroup.validateNetworks``: port labels and static ports unique, ports in range."""
    out: list[str] = []
    labels: dict[str, str] = {}
    static: dict[tuple[str, int], str] = {}
    for network in group.networks:
        for port in [*network.reserved_ports, *network.dynamic_ports]:
            if port.label in labels:
                out.append(f"Port label {port.label} already in use by {labels[port.label]}")
            else:
                labels[port.label] = "taskgroup network"
            out.extend(_static_port(port, static, "taskgroup network", network))
            if port.to < -1:
                out.append(
                    f"Port {go_quote(port.label)} cannot be mapped to negative value {port.to}"
                )
            elif port.to > _MAX_PORT:
                out.append(
                    f"Port {go_quote(port.label)} cannot be mapped to a port ({port.to}) "
                    f"greater than {_MAX_PORT}"
                )
            if port.ignore_collision and network.mode not in ("", "host"):
                out.append(
                    f"Port {go_quote(port.label)} collision may not be ignored on non-host "
                    f"network mode {go_quote(network.mode)}"
                )
    for task in group.tasks:
        for network in task.resources.networks:
            for port in [*network.reserved_ports, *network.dynamic_ports]:
                if port.label in labels:
                    out.append(f"Port label {port.label} already in use by {labels[port.label]}")
                out.extend(_static_port(port, static, task.name, None))
    return out


def _static_port(port, static: dict[tuple[str, int], str], owner: str, network) -> list[str]:
    if port.value == 0:
        return []
    key = (port.host_network or "default", port.value)
    if key in static:
        if network is not None and port.ignore_collision:
            return []
        return [f"Static port {port.value} already reserved by {static[key]}"]
    if port.value > _MAX_PORT:
        return [f"Port {port.label} ({port.value}) cannot be greater than {_MAX_PORT}"]
    static[key] = f"{owner}:{port.label}"
    return []


def _scaling(group: TaskGroup) -> list[str]:
    """``validateScalingPolicy`` (min/max against each other and the count)."""
    scaling = group.scaling
    if scaling is None or scaling.max is None:
        return []
    low = scaling.min if scaling.min is not None else group.count
    out = []
    if scaling.max < 0:
        out.append("Scaling policy invalid: maximum count must be specified and non-negative")
    elif scaling.max < low:
        out.append("Scaling policy invalid: maximum count must not be less than minimum count")
    if low < 0:
        out.append("Scaling policy invalid: minimum count must be specified and non-negative")
    if scaling.max < group.count:
        out.append(
            "Scaling policy invalid: task group count must not be greater than maximum count "
            "in scaling policy"
        )
    if group.count < low:
        out.append(
            "Scaling policy invalid: task group count must not be less than minimum count "
            "in scaling policy"
        )
    return out


def _task(job: Job, task: Task) -> list[Problem]:
    out: list[Problem] = []
    add = out.append
    if task.name == "":
        add(Problem("", "Missing task name"))
    if task.name == "alloc":
        add(Problem("", 'Task cannot be named "alloc"'))
    if "/" in task.name or "\\" in task.name:
        add(Problem("", "Task name cannot include slashes"))
    elif "\0" in task.name:
        add(Problem("", "Task name cannot include null characters"))
    if task.driver == "":
        add(Problem("driver", "Missing task driver"))
    out.extend(Problem("resources", message) for message in _resources(task))
    out.extend(_constraints(task.constraints, task_level=True))
    out.extend(_affinities(job, task))
    if task.lifecycle is not None:
        hook = task.lifecycle.hook
        if hook == "":
            add(Problem("lifecycle", "Lifecycle validation failed: no lifecycle hook provided"))
        elif hook not in _HOOKS:
            add(Problem("lifecycle", f"Lifecycle validation failed: invalid hook: {hook}"))
    seen: set[str] = set()
    for secret in task.secrets:
        if secret.name in seen:
            message = f"Duplicate secret {go_quote(secret.name)} found"
            add(Problem(f"secret[{secret.name}]", message))
        seen.add(secret.name)
    return out


def _resources(task: Task) -> list[str]:
    """``Resources.Validate`` with ``MeetsMinResources`` (CPU 1 MHz, memory 10 MB)."""
    r = task.resources
    out = []
    if r.cores > 0 and r.cpu > 0:
        out.append("Task can only ask for 'cpu' or 'cores' resource, not both.")
    if r.cores < 0:
        out.append(f"cores value ({r.cores}) cannot be negative")
    if r.cpu < 1 and r.cores == 0:
        out.append(f"minimum CPU value is 1; got {r.cpu}")
    if r.memory_mb < 10:
        out.append(f"minimum MemoryMB value is 10; got {r.memory_mb}")
    for i, device in enumerate(r.devices, 1):
        errors = _device(device)
        if errors:
            out.append(f"device {i} failed validation: {'; '.join(errors)}")
    if r.memory_max_mb not in (0, -1) and r.memory_max_mb < r.memory_mb:
        out.append(
            f"MemoryMaxMB value ({r.memory_max_mb}) should be larger than MemoryMB value "
            f"({r.memory_mb})"
        )
    if r.secrets_mb > r.memory_mb:
        out.append(
            f"SecretsMB value ({r.secrets_mb}) cannot be larger than MemoryMB value ({r.memory_mb})"
        )
    if r.secrets_mb < 0:
        out.append(f"SecretsMB value ({r.secrets_mb}) cannot be negative")
    return out


def _device(device) -> list[str]:
    """``RequestedDevice.Validate``."""
    out = []
    if device.name == "":
        out.append(
            "device name must be given as one of the following: type, vendor/type, or "
            "vendor/type/name"
        )
    for i, constraint in enumerate(device.constraints, 1):
        if constraint.operand in ("distinct_hosts", "distinct_property"):
            out.append(
                f"Constraint {i} validation failed: using unsupported operand "
                f"{go_quote(constraint.operand)}"
            )
            continue
        errors = validate_constraint(constraint)
        if errors:
            out.append(f"Constraint {i} validation failed: {'; '.join(errors)}")
    for i, affinity in enumerate(device.affinities, 1):
        errors = validate_affinity(affinity)
        if errors:
            out.append(f"Affinity {i} validation failed: {'; '.join(errors)}")
    return out
