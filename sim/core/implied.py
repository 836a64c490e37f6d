"""The constraints Nomad adds to a job when it is registered, before any scheduling.

``Job.Register`` runs its mutators in a fixed order (nomad/job_endpoint.go
``NewJobEndpoints``): canonicalize, vault, consul, connect, expose-check, implied constraints,
node pool, implicit identities, NUMA. These change what the scheduler sees:

* the Consul hook adds ``${attr.consul.partition} = P`` for a ``consul { partition }`` block
  (nomad/job_endpoint_hook_consul.go ``mutateImpl``);
* the connect hook injects the sidecar proxy and gateway tasks, with their own constraints and
  ports (``sim.core.connect``), and the expose-check hook a port per exposed check
  (``sim.core.expose``);
* ``jobImpliedConstraints`` (nomad/job_endpoint_hooks.go) adds, per task group and in this
  order: Vault version, secrets providers, NUMA, signals, Nomad service discovery (and its
  checks), Consul service discovery, the CNI plugins of bridge networking, transparent proxy,
  task schedules.

A job read back with ``nomad job inspect`` already carries all of this; the hooks are
idempotent on it (the left-hand matcher finds the constraint, the sidecar task is found by its
kind), except the partition constraint, which Nomad itself appends again on every register.

Every added constraint says what implied it (``Constraint.implied_by``), so explanations can
tell it from one the job author wrote; Nomad's own messages stay byte-for-byte the same.
"""

from __future__ import annotations

from collections.abc import Callable

from models import Constraint, Job, Task, TaskGroup
from models.services import ConsulBlock

from .connect import DEFAULT_CLUSTER, connect_hook, consul_version_constraint, replace_env
from .expose import expose_check_hook

CNI_MIN_VERSION = ">= 0.4.0"
CNI_PLUGINS = ("bridge", "firewall", "host-local", "loopback", "portmap")


def _semver(target: str, version: str, why: str) -> Constraint:
    return Constraint(l_target=target, r_target=version, operand="semver", implied_by=why)


def vault_constraint(cluster: str, why: str) -> Constraint:
    """``vaultConstraintFn``: Vault 0.6.1 on the default cluster, 1.11.0 on any other."""
    if cluster not in (DEFAULT_CLUSTER, ""):
        return _semver(f"${{attr.vault.{cluster}.version}}", ">= 1.11.0", why)
    return _semver("${attr.vault.version}", ">= 0.6.1", why)


def signal_constraint(signals: list[str], why: str) -> Constraint:
    """``getSignalConstraint``: the sorted signals, comma-joined, under ``set_contains``."""
    return Constraint(
        l_target="${attr.os.signals}",
        r_target=",".join(sorted(signals)),
        operand="set_contains",
        implied_by=why,
    )


def _same(a: Constraint, b: Constraint) -> bool:
    return (a.l_target, a.r_target, a.operand) == (b.l_target, b.r_target, b.operand)


def add_full(holder: TaskGroup | Task, constraint: Constraint) -> None:
    """``constraintMatcherFull``: added unless an equal constraint is already there."""
    if not any(_same(c, constraint) for c in holder.constraints):
        holder.constraints.append(constraint)


def add_left(holder: TaskGroup | Task, constraint: Constraint) -> None:
    """``constraintMatcherLeft``: any constraint on the same attribute overrides it."""
    if not any(c.l_target == constraint.l_target for c in holder.constraints):
        holder.constraints.append(constraint)


def task_signals(task: Task) -> list[str]:
    """``RequiredSignals`` for one task: vault and template signal change modes, kill_signal.

    Signals are upper-cased as ``Vault.Canonicalize`` / ``Template.Canonicalize`` do;
    ``kill_signal`` is taken as written.
    """
    found: set[str] = set()
    if task.vault is not None and task.vault.change_mode == "signal":
        found.add(task.vault.change_signal.upper())
    if task.kill_signal:
        found.add(task.kill_signal)
    for template in task.templates:
        if template.change_mode == "signal":
            found.add(template.change_signal.upper())
    return sorted(found)


def _vault(job: Job, group: TaskGroup) -> None:
    """One per task with a vault block, in task-name order (``Job.Vault`` is a map)."""
    blocks = {t.name: t.vault for t in group.tasks if t.vault is not None}
    for name in sorted(blocks):
        add_left(group, vault_constraint(blocks[name].cluster, f'vault block of task "{name}"'))


def _secrets(job: Job, group: TaskGroup) -> None:
    # Nomad loops over every group's providers for each group (``Job.Secrets`` is keyed by
    # group but the loop ignores the key): a provider in one group constrains all of them.
    # Go's map order is random there; groups are taken in job order here.
    for other in job.task_groups:
        providers: list[str] = []
        for task in other.tasks:
            for secret in task.secrets:
                if secret.provider not in providers:
                    providers.append(secret.provider)
        for provider in providers:
            add_left(
                group,
                Constraint(
                    l_target=f"${{attr.plugins.secrets.{provider}.version}}",
                    operand="is_set",
                    implied_by=f'secret provider "{provider}"',
                ),
            )


def _numa(job: Job, group: TaskGroup) -> None:
    if any(t.resources.numa is not None and t.resources.numa.requested() for t in group.tasks):
        why = "numa block"
        add_full(group, _semver("${attr.nomad.version}", ">= 1.6.3-dev", why))
        add_full(
            group,
            Constraint(
                l_target="${attr.kernel.name}", r_target="linux", operand="=", implied_by=why
            ),
        )


def _signals(job: Job, group: TaskGroup) -> None:
    per_task = {t.name: task_signals(t) for t in group.tasks}
    needed = sorted({s for signals in per_task.values() for s in signals})
    if needed:
        tasks = ", ".join(f'"{name}"' for name, signals in per_task.items() if signals)
        add_full(group, signal_constraint(needed, f"signals used by task {tasks}"))


def _nomad_services(group: TaskGroup) -> list[tuple[str, bool]]:
    services = [*group.services, *(s for t in group.tasks for s in t.services)]
    return [(s.name, bool(s.checks)) for s in services if s.provider == "nomad"]


def _native_discovery(job: Job, group: TaskGroup) -> None:
    services = _nomad_services(group)
    if services:
        add_full(
            group,
            Constraint(
                l_target="${attr.nomad.service_discovery}",
                r_target="true",
                operand="=",
                implied_by=f'Nomad service "{services[0][0]}"',
            ),
        )
    checked = [name for name, has_checks in services if has_checks]
    if checked:
        why = f'checks of Nomad service "{checked[0]}"'
        add_full(group, _semver("${attr.nomad.version}", ">= 1.4.0", why))


def _consul_discovery(job: Job, group: TaskGroup) -> None:
    for service in group.services:
        if service.is_consul():
            why = f'Consul service "{service.name}"'
            add_left(group, consul_version_constraint(service.cluster, why))
    for task in group.tasks:
        for service in task.services:
            if service.is_consul():
                why = f'Consul service "{service.name}"'
                add_left(task, consul_version_constraint(service.cluster, why))


def _bridge(job: Job, group: TaskGroup) -> None:
    if any(n.mode == "bridge" for n in group.networks):
        for plugin in CNI_PLUGINS:
            target = f"${{attr.plugins.cni.version.{plugin}}}"
            add_left(group, _semver(target, CNI_MIN_VERSION, "bridge network"))


def _transparent_proxy(job: Job, group: TaskGroup) -> None:
    if any(s.connect is not None and s.connect.has_transparent_proxy() for s in group.services):
        why = "Connect transparent proxy"
        add_left(group, _semver("${attr.plugins.cni.version.consul-cni}", ">= 1.4.2", why))
        add_left(group, _semver("${attr.nomad.version}", ">= 1.8.0-dev", why))


def _schedule(job: Job, group: TaskGroup) -> None:
    if any(t.schedule is not None for t in group.tasks):
        add_left(group, _semver("${attr.nomad.version}", ">= 1.8.0-dev", "task schedule block"))


IMPLIED_STEPS: tuple[Callable[[Job, TaskGroup], None], ...] = (
    _vault,
    _secrets,
    _numa,
    _signals,
    _native_discovery,
    _consul_discovery,
    _bridge,
    _transparent_proxy,
    _schedule,
)
"""``jobImpliedConstraints.Mutate``'s single loop body, in its order."""


def implied_constraints(job: Job) -> Job:
    """``jobImpliedConstraints`` alone: a copy of ``job`` with the implied constraints added."""
    out = job.model_copy(deep=True)
    for group in out.task_groups:
        for step in IMPLIED_STEPS:
            step(out, group)
    return out


def _partition(consul: ConsulBlock, why: str) -> Constraint:
    """``newConsulPartitionConstraint``."""
    target = (
        "${attr.consul.partition}"
        if consul.cluster in (DEFAULT_CLUSTER, "")
        else "${attr.consul." + consul.cluster + ".partition}"
    )
    return Constraint(l_target=target, r_target=consul.partition, operand="=", implied_by=why)


def _consul_block(holder: TaskGroup | Task, level: str) -> None:
    consul = holder.consul
    if consul is not None:
        consul.cluster = consul.cluster or DEFAULT_CLUSTER
        if consul.partition:
            holder.constraints.append(_partition(consul, f"{level} consul partition"))
    for service in holder.services:
        if service.is_consul() and not service.cluster:
            service.cluster = DEFAULT_CLUSTER


def consul_hook(job: Job) -> None:
    """``jobConsulHook`` / ``jobVaultHook``: default clusters filled in; partitions constrained.

    Appended without a matcher, as Nomad does.
    """
    for group in job.task_groups:
        _consul_block(group, "group")
        for task in group.tasks:
            _consul_block(task, "task")
            if task.vault is not None and not task.vault.cluster:
                task.vault.cluster = DEFAULT_CLUSTER


def _canonical_service_names(job: Job) -> None:
    """``Service.Canonicalize``: ``${JOB}``, ``${TASKGROUP}``, ``${TASK}``, ``${BASE}``."""
    for group in job.task_groups:
        owners = [("group", group.services)] + [(t.name, t.services) for t in group.tasks]
        for task_name, services in owners:
            names = {
                "JOB": job.name,
                "TASKGROUP": group.name,
                "TASK": task_name,
                "BASE": f"{job.name}-{group.name}-{task_name}",
            }
            for service in services:
                if not service.task_name and task_name != "group":
                    service.task_name = task_name
                service.name = replace_env(service.name, names)
                if not service.provider:
                    service.provider = "consul"


def _touched(group: TaskGroup) -> bool:
    """Whether any hook has something to do for ``group`` (Nomad's "hot path" test)."""
    if group.services or group.consul is not None:
        return True
    if any(n.mode == "bridge" for n in group.networks):
        return True
    return any(
        t.services
        or t.vault is not None
        or t.consul is not None
        or t.kill_signal
        or t.secrets
        or t.schedule is not None
        or any(x.change_mode == "signal" for x in t.templates)
        or (t.resources.numa is not None and t.resources.numa.requested())
        for t in group.tasks
    )


def apply_registration_hooks(job: Job) -> Job:
    """The job as Nomad stores it after ``Job.Register``'s mutators; ``job`` is not changed
    (and is returned as is when no hook has anything to do).

    Not modelled: node pool defaults (applied elsewhere), identities and the gateway proxy
    configuration (no placement effect).
    """
    if not any(_touched(group) for group in job.task_groups):
        return job
    out = job.model_copy(deep=True)
    _canonical_service_names(out)
    consul_hook(out)
    connect_hook(out)
    expose_check_hook(out)
    for group in out.task_groups:
        for step in IMPLIED_STEPS:
            step(out, group)
    return out
