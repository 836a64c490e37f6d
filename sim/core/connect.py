"""Nomad's connect registration hook: the proxy tasks Consul Connect services bring along.

``jobConnectHook.Mutate`` (nomad/job_endpoint_hook_connect.go ``groupConnectHook``), for
every group with a ``network`` block:

* a sidecar service (``connect { sidecar_service {} }``) gets a ``connect-proxy-<service>``
  prestart sidecar task (250 MHz, 128 MB, ``connectSidecarResources``) unless a task of kind
  ``connect-proxy:<service>`` exists, merged with ``sidecar_task`` when given, plus a dynamic
  port ``connect-proxy-<service>`` (or the sidecar_service's own port label);
* a native service marks its task ``connect-native:<service>``;
* a gateway gets a ``connect-ingress|terminating|mesh-<service>`` task (same resources) and,
  for terminating and mesh gateways, the ports they listen on.

The injected tasks carry ``${attr.consul.version} semver >= 1.8.0`` and
``${attr.consul.grpc} > 0``; an ingress gateway with custom TLS also ``>= 1.11.2``. Service
names are interpolated first with what is known at submission (job, group, region, meta).
"""

from __future__ import annotations

import hashlib
import re

from models import Constraint, Job, Lifecycle, Port, Resources, Task, TaskGroup
from models.services import Connect, Gateway, Service, SidecarTask

from .errors import InputError

PROXY_PREFIX = "connect-proxy"
NATIVE_PREFIX = "connect-native"
DEFAULT_CLUSTER = "default"

_ENV_REFERENCE = re.compile(r"\$\{([a-zA-Z0-9_\-.]+)\}")


def replace_env(text: str, env: dict[str, str]) -> str:
    """``helper/args.ReplaceEnv``: known ``${NAME}`` replaced in one pass, others kept."""
    return _ENV_REFERENCE.sub(lambda m: env.get(m.group(1), m.group(0)), text)


def consul_version_constraint(cluster: str, why: str) -> Constraint:
    """``consulConstraintFn``: Consul 1.8.0, on the service's cluster when not the default."""
    target = (
        "${attr.consul.version}"
        if cluster in (DEFAULT_CLUSTER, "")
        else f"${{attr.consul.{cluster}.version}}"
    )
    return Constraint(l_target=target, r_target=">= 1.8.0", operand="semver", implied_by=why)


def _listener_constraint(why: str) -> Constraint:
    """``connectListenerConstraint``: Consul's gRPC port must be enabled on the node."""
    return Constraint(l_target="${attr.consul.grpc}", r_target="0", operand=">", implied_by=why)


def _submission_env(job: Job, group: TaskGroup) -> dict[str, str]:
    """The task environment built from a bare allocation of ``group`` (taskenv ``setAlloc``)."""
    env = {
        "NOMAD_GROUP_NAME": group.name,
        "NOMAD_JOB_ID": job.id,
        "NOMAD_JOB_NAME": job.name,
        "NOMAD_REGION": job.region,
    }
    for key, value in {**job.meta, **group.meta}.items():
        env[f"NOMAD_META_{key.upper()}"] = value
        env[f"NOMAD_META_{key}"] = value
    return env


def guess_driver(group: TaskGroup) -> str:
    """``groupConnectGuessTaskDriver``: podman when the group uses podman but not docker."""
    drivers = {t.driver for t in group.tasks}
    return "podman" if "podman" in drivers and "docker" not in drivers else "docker"


def _proxy_task(name: str, kind: str, driver: str, constraints: list[Constraint]) -> Task:
    return Task(
        name=name,
        kind=kind,
        driver=driver,
        resources=Resources(cpu=250, memory_mb=128),
        constraints=constraints,
    )


def sidecar_task(service: str, driver: str) -> Task:
    """``newConnectSidecarTask`` on the default Consul cluster (CE's only cluster)."""
    why = f'Connect sidecar of service "{service}"'
    task = _proxy_task(
        f"{PROXY_PREFIX}-{service}",
        f"{PROXY_PREFIX}:{service}",
        driver,
        [consul_version_constraint(DEFAULT_CLUSTER, why), _listener_constraint(why)],
    )
    task.config = {"image": "${meta.connect.sidecar_image}"}
    task.lifecycle = Lifecycle(hook="prestart", sidecar=True)
    return task


def gateway_task(prefix: str, service: str, driver: str, host_network: bool, tls: bool) -> Task:
    """``newConnectGatewayTask`` on the default Consul cluster."""
    why = f'Connect gateway "{service}"'
    constraints = [consul_version_constraint(DEFAULT_CLUSTER, why), _listener_constraint(why)]
    if tls:
        constraints.append(
            Constraint(
                l_target="${attr.consul.version}",
                r_target=">= 1.11.2",
                operand="semver",
                implied_by=f'Connect gateway "{service}" TLS settings',
            )
        )
    task = _proxy_task(f"{prefix}-{service}", f"{prefix}:{service}", driver, constraints)
    task.config = {"image": "${meta.connect.gateway_image}"}
    if host_network:
        task.config["network_mode"] = "host"
    return task


def merge_sidecar_task(override: SidecarTask, task: Task) -> None:
    """``SidecarTask.MergeIntoTask``, for the fields that reach placement."""
    if override.name:
        task.name = override.name
    if override.driver and override.driver != task.driver:
        task.driver = override.driver
        task.config = dict(override.config)
    else:
        task.config.update(override.config)
    mine, theirs = task.resources, override.resources
    for field in ("cpu", "cores", "memory_mb", "memory_max_mb", "disk_mb", "secrets_mb"):
        if getattr(theirs, field):
            setattr(mine, field, getattr(theirs, field))
    if theirs.networks:
        mine.networks = [n.model_copy(deep=True) for n in theirs.networks]
    if theirs.devices:
        mine.devices = [d.model_copy(deep=True) for d in theirs.devices]
    task.meta.update(override.meta)
    if override.kill_signal:
        task.kill_signal = override.kill_signal


def inject_port(group: TaskGroup, label: str) -> None:
    """``injectPort``: a dynamic port mapped to the same port inside the namespace (To -1)."""
    network = group.networks[0]
    if not any(p.label == label for p in network.dynamic_ports):
        network.dynamic_ports.append(Port(label=label, to=-1))


def _unique_name(job: Job, group: TaskGroup, task: Task) -> None:
    """A clash with an existing task name gets a 6-character suffix.

    Nomad takes it from a random UUID; here it is derived from the job, group and task
    names so that every run gives the same name.
    """
    if any(t.name == task.name for t in group.tasks):
        digest = hashlib.sha256(f"{job.id}/{group.name}/{task.name}".encode()).hexdigest()
        task.name = f"{task.name}-{digest[:6]}"


def _sidecar(job: Job, group: TaskGroup, service: Service, connect: Connect) -> None:
    port = connect.sidecar_service.port if connect.sidecar_service else ""
    kind = f"{PROXY_PREFIX}:{service.name}"
    task = next((t for t in group.tasks if t.kind == kind), None)
    if task is None:
        task = sidecar_task(service.name, guess_driver(group))
        _unique_name(job, group, task)
        group.tasks.append(task)
    if connect.sidecar_task is not None:
        merge_sidecar_task(connect.sidecar_task, task)
    inject_port(group, port or f"{PROXY_PREFIX}-{service.name}")


def _native(group: TaskGroup, service: Service) -> None:
    """``getNamedTaskForNativeService``: the named task, or the group's only task."""
    if not service.task_name and len(group.tasks) != 1:
        raise InputError(
            f"task for Consul Connect Native service {group.name}->{service.name} "
            "is ambiguous and must be set"
        )
    named = [t for t in group.tasks if not service.task_name or t.name == service.task_name]
    if not named:
        raise InputError(
            f"task {service.task_name} named by Consul Connect Native service "
            f"{group.name}->{service.name} does not exist"
        )
    task = named[0]
    task.kind = f"{NATIVE_PREFIX}:{service.name}"
    service.task_name = task.name


def _gateway(group: TaskGroup, service: Service, connect: Connect, gateway: Gateway) -> None:
    prefix = gateway.prefix()
    if gateway.terminating is not None and not service.port_label:
        service.port_label = f"connect-terminating-{service.name}"
        inject_port(group, service.port_label)
    if gateway.mesh is not None:
        if not service.port_label:
            raise InputError("service.port must be set for mesh gateway service")
        inject_port(group, f"connect-mesh-{service.name}-lan")
    if not any(t.kind == f"{p}:{service.name}" for t in group.tasks for p in _GATEWAY_PREFIXES):
        host = group.networks[0].mode == "host"
        task = gateway_task(
            prefix, service.name, guess_driver(group), host, connect.customized_tls()
        )
        group.tasks.append(task)
        if connect.sidecar_task is not None:
            merge_sidecar_task(connect.sidecar_task, task)


_GATEWAY_PREFIXES = ("connect-ingress", "connect-terminating", "connect-mesh")


def connect_hook(job: Job) -> None:
    """``jobConnectHook.Mutate`` on ``job`` in place; groups without a network are skipped."""
    for group in job.task_groups:
        if not group.networks:
            continue
        env = _submission_env(job, group)
        for service in group.services:
            connect = service.connect
            if connect is None:
                continue
            if connect.has_sidecar():
                service.name = replace_env(service.name, env)
                _sidecar(job, group, service, connect)
            elif connect.native:
                _native(group, service)
            elif connect.gateway is not None:
                service.name = replace_env(service.name, env)
                _gateway(group, service, connect, connect.gateway)
