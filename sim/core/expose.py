"""Nomad's expose-check registration hook: a listener port per exposed HTTP/gRPC check.

``jobExposeCheckHook.Mutate`` (nomad/job_endpoint_hook_expose_check.go): for every check
with ``expose = true`` on a group service with a Connect sidecar, an HTTP or gRPC check whose
path starts with ``/`` and that names no port gets a dynamic port ``svc_<service>_ck_<hash>``
in the group's network. The group must have exactly one network, in bridge or ``cni/*`` mode,
and the service's port must be static or a number, else Nomad refuses the job.

Nomad's six-character suffix hashes the whole check (``ServiceCheck.Hash``); here it hashes the
service name, check index, type and path, so labels differ from Nomad's but stay unique and
stable. The number of ports, which is what placement sees, is the same.
"""

from __future__ import annotations

import hashlib

from models import Job, TaskGroup
from models.services import Service, ServiceCheck

from .connect import inject_port
from .errors import InputError


def exposable(check: ServiceCheck) -> bool:
    """``checkIsExposable``: HTTP or gRPC checks with an absolute path."""
    return check.type.lower() in ("grpc", "http") and check.path.startswith("/")


def _network_mode_error(group: TaskGroup) -> str | None:
    """``groupConnectNetworkModeValidate`` with the "connect expose check" prefix."""
    prefix = "connect expose check"
    if len(group.networks) != 1:
        return (
            f"{prefix}: must have exactly one network for Consul Connect: "
            f'group "{group.name}" has {len(group.networks)} networks'
        )
    mode = group.networks[0].mode
    if mode == "bridge" or mode.startswith("cni/"):
        return None
    return (
        f"{prefix}: invalid network mode for Consul Connect: group "
        f'"{group.name}" uses network mode "{mode}"; must be "bridge" or "cni/*"'
    )


def _service_port(group: TaskGroup, service: Service) -> int:
    """``Networks.Port`` by label, else the label as a number (0 when neither)."""
    for network in group.networks:
        for port in [*network.reserved_ports, *network.dynamic_ports]:
            if port.label == service.port_label:
                if port.value > 0:
                    return port.value
                break
    label = service.port_label
    return int(label) if label.isdigit() else 0


def _expose(group: TaskGroup, service: Service, check: ServiceCheck, index: int) -> None:
    error = _network_mode_error(group)
    if error:
        raise InputError(error)
    if not check.port_label:
        seed = f"{service.name}_{index}|{check.type}|{check.path}"
        suffix = hashlib.sha256(seed.encode()).hexdigest()[:6]
        check.port_label = f"svc_{service.name}_ck_{suffix}"
        inject_port(group, check.port_label)
    if _service_port(group, service) <= 0:
        raise InputError(
            "unable to determine local service port for service check "
            f"{group.name}->{service.name}->{check.name}"
        )


def expose_check_hook(job: Job) -> None:
    """``jobExposeCheckHook.Mutate`` on ``job`` in place."""
    for group in job.task_groups:
        for service in group.services:
            if service.connect is None or not service.connect.has_sidecar():
                continue
            for index, check in enumerate(service.checks):
                if check.expose and exposable(check):
                    _expose(group, service, check, index)
