"""The blocks and arguments a jobspec may use, and the check that refuses any other.

Nomad decodes a jobspec with gohcl into its api structs (jobspec2/parse.go), so a name the
structs do not declare is an error: ``Unsupported block type`` or ``Unsupported argument``
(hcl/v2 ``hclsyntax`` body ``Content``). The table below lists, per api struct, the ``hcl``
tag names of its fields (api/jobs.go, api/tasks.go, api/resources.go, api/services.go,
api/consul.go, ...), with jobspec2's own additions: the constraint and affinity shorthands
(jobspec2/hcl_conversions.go ``constraintSpec``, ``affinitySpec``), ``vault``/``secret``/``task``
directly in ``job`` (jobspec2/types.config.go ``jobConfig``) and in ``group``
(``decodeTaskGroup``), and task ``scaling "cpu"|"mem"`` (``decodeTaskScalingPolicies``).

Blocks the simulator does not model (service, template, artifact, logs, vault, ...) are known
here, so real jobspecs load; only their names are checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from .hcl_body import Body

ATTR = None  # an argument: ``name = value``
FREE = "free"  # a map whose keys are the user's own (meta, env, config): ``name {…}`` or ``= {…}``

# fmt: off
_CONSTRAINT_ARGUMENTS = (
    "attribute", "value", "operator", "distinct_property", "distinct_hosts", "regexp",
    "version", "semver", "set_contains", "set_contains_all", "set_contains_any", "is_set",
    "is_not_set",
)
_AFFINITY_ARGUMENTS = (
    "attribute", "value", "operator", "weight", "version", "semver", "regexp",
    "set_contains", "set_contains_all", "set_contains_any",
)

STRUCTS: dict[str, dict[str, str | None]] = {
    "File": {"job": "Job", "variable": "Variable", "variables": FREE, "locals": FREE},
    "Variable": {"description": ATTR, "default": ATTR, "type": ATTR, "validation": "Validation"},
    "Validation": {"condition": ATTR, "error_message": ATTR},
    "Job": {
        "region": ATTR, "namespace": ATTR, "id": ATTR, "name": ATTR, "type": ATTR,
        "priority": ATTR, "all_at_once": ATTR, "datacenters": ATTR, "node_pool": ATTR,
        "constraint": "Constraint", "affinity": "Affinity", "group": "TaskGroup",
        "update": "UpdateStrategy", "multiregion": "Multiregion", "spread": "Spread",
        "periodic": "PeriodicConfig", "parameterized": "ParameterizedJobConfig",
        "reschedule": "ReschedulePolicy", "migrate": "MigrateStrategy", "meta": FREE,
        "ui": "JobUIConfig",
    },
    "JobUIConfig": {
        "description": ATTR, "link": "JobUILink",
    },
    "JobUILink": {
        "label": ATTR, "url": ATTR,
    },
    "MigrateStrategy": {
        "max_parallel": ATTR, "health_check": ATTR, "min_healthy_time": ATTR,
        "healthy_deadline": ATTR,
    },
    "ReschedulePolicy": {
        "attempts": ATTR, "interval": ATTR, "delay": ATTR, "delay_function": ATTR,
        "max_delay": ATTR, "unlimited": ATTR,
    },
    "ParameterizedJobConfig": {
        "payload": ATTR, "meta_required": ATTR, "meta_optional": ATTR,
    },
    "PeriodicConfig": {
        "enabled": ATTR, "cron": ATTR, "crons": ATTR, "prohibit_overlap": ATTR, "time_zone": ATTR,
    },
    "Spread": {
        "attribute": ATTR, "weight": ATTR, "target": "SpreadTarget",
    },
    "SpreadTarget": {
        "percent": ATTR,
    },
    "Multiregion": {
        "strategy": "MultiregionStrategy", "region": "MultiregionRegion",
    },
    "MultiregionRegion": {
        "count": ATTR, "datacenters": ATTR, "node_pool": ATTR, "meta": FREE,
    },
    "MultiregionStrategy": {
        "max_parallel": ATTR, "on_failure": ATTR,
    },
    "UpdateStrategy": {
        "stagger": ATTR, "max_parallel": ATTR, "health_check": ATTR, "min_healthy_time": ATTR,
        "healthy_deadline": ATTR, "progress_deadline": ATTR, "canary": ATTR, "auto_revert": ATTR,
        "auto_promote": ATTR,
    },
    "TaskGroup": {
        "count": ATTR, "constraint": "Constraint", "affinity": "Affinity", "task": "Task",
        "spread": "Spread", "volume": "VolumeRequest", "restart": "RestartPolicy",
        "disconnect": "DisconnectStrategy", "reschedule": "ReschedulePolicy",
        "ephemeral_disk": "EphemeralDisk", "update": "UpdateStrategy",
        "migrate": "MigrateStrategy", "network": "NetworkResource", "meta": FREE,
        "service": "Service", "shutdown_delay": ATTR, "max_run_duration": ATTR,
        "stop_after_client_disconnect": ATTR, "max_client_disconnect": ATTR,
        "scaling": "ScalingPolicy", "consul": "Consul", "prevent_reschedule_on_lost": ATTR,
    },
    "Consul": {
        "namespace": ATTR, "cluster": ATTR, "partition": ATTR,
    },
    "ScalingPolicy": {
        "min": ATTR, "max": ATTR, "policy": FREE, "enabled": ATTR, "type": ATTR,
    },
    "Service": {
        "name": ATTR, "tags": ATTR, "canary_tags": ATTR, "enable_tag_override": ATTR, "port": ATTR,
        "address_mode": ATTR, "address": ATTR, "check": "ServiceCheck",
        "check_restart": "CheckRestart", "connect": "ConsulConnect", "meta": FREE,
        "canary_meta": FREE, "tagged_addresses": FREE, "task": ATTR, "on_update": ATTR,
        "identity": "WorkloadIdentity", "weights": "ServiceWeights", "provider": ATTR,
        "cluster": ATTR, "kind": ATTR,
    },
    "ServiceWeights": {
        "passing": ATTR, "warning": ATTR,
    },
    "WorkloadIdentity": {
        "name": ATTR, "aud": ATTR, "change_mode": ATTR, "change_signal": ATTR, "env": ATTR,
        "file": ATTR, "filepath": ATTR, "service_name": ATTR, "ttl": ATTR, "extra_claims": ATTR,
    },
    "ConsulConnect": {
        "native": ATTR, "gateway": "ConsulGateway", "sidecar_service": "ConsulSidecarService",
        "sidecar_task": "SidecarTask",
    },
    "SidecarTask": {
        "name": ATTR, "driver": ATTR, "user": ATTR, "config": FREE, "env": FREE,
        "resources": "Resources", "meta": FREE, "kill_timeout": ATTR, "logs": "LogConfig",
        "shutdown_delay": ATTR, "kill_signal": ATTR, "volume_mount": "VolumeMount",
        "identity": "WorkloadIdentity",
    },
    "VolumeMount": {
        "volume": ATTR, "destination": ATTR, "read_only": ATTR, "propagation_mode": ATTR,
        "selinux_label": ATTR,
    },
    "LogConfig": {
        "max_files": ATTR, "max_file_size": ATTR, "enabled": ATTR, "disabled": ATTR,
    },
    "Resources": {
        "cpu": ATTR, "cores": ATTR, "memory": ATTR, "memory_max": ATTR, "disk": ATTR,
        "network": "NetworkResource", "device": "RequestedDevice", "numa": "NUMAResource",
        "secrets": ATTR, "iops": ATTR,
    },
    "NUMAResource": {
        "affinity": ATTR, "devices": ATTR,
    },
    "RequestedDevice": {
        "count": ATTR, "constraint": "Constraint", "affinity": "Affinity",
    },
    "Affinity": {
        "attribute": ATTR, "value": ATTR, "operator": ATTR, "weight": ATTR,
    },
    "Constraint": {
        "attribute": ATTR, "value": ATTR, "operator": ATTR,
    },
    "NetworkResource": {
        "mode": ATTR, "device": ATTR, "cidr": ATTR, "ip": ATTR, "dns": "DNSConfig",
        "reserved_ports": "Port", "port": "Port", "hostname": ATTR, "mbits": ATTR,
        "cni": "CNIConfig",
    },
    "CNIConfig": {
        "args": ATTR,
    },
    "Port": {
        "static": ATTR, "to": ATTR, "host_network": ATTR, "ignore_collision": ATTR,
    },
    "DNSConfig": {
        "servers": ATTR, "searches": ATTR, "options": ATTR,
    },
    "ConsulSidecarService": {
        "tags": ATTR, "port": ATTR, "proxy": "ConsulProxy", "disable_default_tcp_check": ATTR,
        "meta": FREE,
    },
    "ConsulProxy": {
        "local_service_address": ATTR, "local_service_port": ATTR, "expose": "ConsulExposeConfig",
        "upstreams": "ConsulUpstream", "transparent_proxy": "ConsulTransparentProxy",
        "config": FREE,
    },
    "ConsulTransparentProxy": {
        "uid": ATTR, "outbound_port": ATTR, "exclude_inbound_ports": ATTR,
        "exclude_outbound_ports": ATTR, "exclude_outbound_cidrs": ATTR, "exclude_uids": ATTR,
        "no_dns": ATTR,
    },
    "ConsulUpstream": {
        "destination_name": ATTR, "destination_namespace": ATTR, "destination_peer": ATTR,
        "destination_partition": ATTR, "destination_type": ATTR, "local_bind_port": ATTR,
        "datacenter": ATTR, "local_bind_address": ATTR, "local_bind_socket_path": ATTR,
        "local_bind_socket_mode": ATTR, "mesh_gateway": "ConsulMeshGateway", "config": FREE,
    },
    "ConsulMeshGateway": {
        "mode": ATTR,
    },
    "ConsulExposeConfig": {
        "path": "ConsulExposePath",
    },
    "ConsulExposePath": {
        "path": ATTR, "protocol": ATTR, "local_path_port": ATTR, "listener_port": ATTR,
    },
    "ConsulGateway": {
        "proxy": "ConsulGatewayProxy", "ingress": "ConsulIngressConfigEntry",
        "terminating": "ConsulTerminatingConfigEntry", "mesh": "ConsulMeshConfigEntry",
    },
    "ConsulMeshConfigEntry": {},
    "ConsulTerminatingConfigEntry": {
        "service": "ConsulLinkedService",
    },
    "ConsulLinkedService": {
        "name": ATTR, "ca_file": ATTR, "cert_file": ATTR, "key_file": ATTR, "sni": ATTR,
    },
    "ConsulIngressConfigEntry": {
        "tls": "ConsulGatewayTLSConfig", "listener": "ConsulIngressListener",
    },
    "ConsulIngressListener": {
        "port": ATTR, "protocol": ATTR, "service": "ConsulIngressService",
    },
    "ConsulIngressService": {
        "name": ATTR, "hosts": ATTR, "tls": "ConsulGatewayTLSConfig",
        "request_headers": "ConsulHTTPHeaderModifiers",
        "response_headers": "ConsulHTTPHeaderModifiers", "max_connections": ATTR,
        "max_pending_requests": ATTR, "max_concurrent_requests": ATTR,
    },
    "ConsulHTTPHeaderModifiers": {
        "add": FREE, "set": FREE, "remove": ATTR,
    },
    "ConsulGatewayTLSConfig": {
        "enabled": ATTR, "tls_min_version": ATTR, "tls_max_version": ATTR, "cipher_suites": ATTR,
        "sds": "ConsulGatewayTLSSDSConfig",
    },
    "ConsulGatewayTLSSDSConfig": {
        "cluster_name": ATTR, "cert_resource": ATTR,
    },
    "ConsulGatewayProxy": {
        "connect_timeout": ATTR, "envoy_gateway_bind_tagged_addresses": ATTR,
        "envoy_gateway_bind_addresses": "ConsulGatewayBindAddress",
        "envoy_gateway_no_default_bind": ATTR, "envoy_dns_discovery_type": ATTR, "config": FREE,
    },
    "ConsulGatewayBindAddress": {
        "address": ATTR, "port": ATTR,
    },
    "CheckRestart": {
        "limit": ATTR, "grace": ATTR, "ignore_warnings": ATTR,
    },
    "ServiceCheck": {
        "name": ATTR, "type": ATTR, "command": ATTR, "args": ATTR, "path": ATTR, "protocol": ATTR,
        "port": ATTR, "expose": ATTR, "address_mode": ATTR, "advertise": ATTR, "interval": ATTR,
        "timeout": ATTR, "initial_status": ATTR, "notes": ATTR, "tls_server_name": ATTR,
        "tls_skip_verify": ATTR, "header": FREE, "method": ATTR, "check_restart": "CheckRestart",
        "grpc_service": ATTR, "grpc_use_tls": ATTR, "task": ATTR, "success_before_passing": ATTR,
        "failures_before_critical": ATTR, "failures_before_warning": ATTR, "body": ATTR,
        "on_update": ATTR,
    },
    "EphemeralDisk": {
        "sticky": ATTR, "migrate": ATTR, "size": ATTR,
    },
    "DisconnectStrategy": {
        "lost_after": ATTR, "stop_on_client_after": ATTR, "replace": ATTR, "reconcile": ATTR,
    },
    "RestartPolicy": {
        "interval": ATTR, "attempts": ATTR, "delay": ATTR, "mode": ATTR, "render_templates": ATTR,
    },
    "VolumeRequest": {
        "type": ATTR, "source": ATTR, "read_only": ATTR, "sticky": ATTR, "access_mode": ATTR,
        "attachment_mode": ATTR, "mount_options": "CSIMountOptions", "per_alloc": ATTR,
    },
    "CSIMountOptions": {
        "fs_type": ATTR, "mount_flags": ATTR,
    },
    "Task": {
        "driver": ATTR, "user": ATTR, "lifecycle": "TaskLifecycle", "config": FREE,
        "constraint": "Constraint", "affinity": "Affinity", "env": FREE, "service": "Service",
        "resources": "Resources", "restart": "RestartPolicy", "meta": FREE, "kill_timeout": ATTR,
        "logs": "LogConfig", "artifact": "TaskArtifact", "vault": "Vault", "consul": "Consul",
        "template": "Template", "dispatch_payload": "DispatchPayloadConfig",
        "volume_mount": "VolumeMount", "csi_plugin": "TaskCSIPluginConfig", "leader": ATTR,
        "shutdown_delay": ATTR, "kill_signal": ATTR, "kind": ATTR, "scaling": "ScalingPolicy",
        "secret": "Secret", "identity": "WorkloadIdentity", "action": "Action",
        "schedule": "TaskSchedule",
    },
    "TaskSchedule": {
        "cron": "TaskScheduleCron",
    },
    "TaskScheduleCron": {
        "start": ATTR, "end": ATTR, "timezone": ATTR,
    },
    "Action": {
        "command": ATTR, "args": ATTR,
    },
    "Secret": {
        "provider": ATTR, "path": ATTR, "config": FREE, "env": FREE,
    },
    "TaskCSIPluginConfig": {
        "id": ATTR, "type": ATTR, "mount_dir": ATTR, "stage_publish_base_dir": ATTR,
        "health_timeout": ATTR,
    },
    "DispatchPayloadConfig": {
        "file": ATTR,
    },
    "Template": {
        "source": ATTR, "destination": ATTR, "data": ATTR, "change_mode": ATTR,
        "change_script": "ChangeScript", "change_signal": ATTR, "once": ATTR, "splay": ATTR,
        "perms": ATTR, "uid": ATTR, "gid": ATTR, "left_delimiter": ATTR, "right_delimiter": ATTR,
        "env": ATTR, "vault_grace": ATTR, "wait": "WaitConfig", "error_on_missing_key": ATTR,
    },
    "WaitConfig": {
        "min": ATTR, "max": ATTR,
    },
    "ChangeScript": {
        "command": ATTR, "args": ATTR, "timeout": ATTR, "fail_on_error": ATTR,
        "run_on_first_render": ATTR,
    },
    "Vault": {
        "policies": ATTR, "role": ATTR, "namespace": ATTR, "cluster": ATTR, "env": ATTR,
        "disable_file": ATTR, "change_mode": ATTR, "change_signal": ATTR,
        "allow_token_expiration": ATTR,
    },
    "TaskArtifact": {
        "source": ATTR, "options": FREE, "headers": FREE, "mode": ATTR, "insecure": ATTR,
        "destination": ATTR, "chown": ATTR,
    },
    "TaskLifecycle": {
        "hook": ATTR, "sidecar": ATTR,
    },
}
STRUCTS["Constraint"] = dict.fromkeys(_CONSTRAINT_ARGUMENTS, ATTR)
STRUCTS["Affinity"] = dict.fromkeys(_AFFINITY_ARGUMENTS, ATTR)
STRUCTS["Job"].update(vault="Vault", secret="Secret", task="Task")
STRUCTS["TaskGroup"].update(vault="Vault", secret="Secret")

LABELLED = {
    ("File", "job"), ("File", "variable"), ("Job", "group"), ("Job", "task"),
    ("TaskGroup", "task"), ("TaskGroup", "volume"), ("Job", "secret"), ("TaskGroup", "secret"),
    ("Task", "secret"), ("Task", "action"), ("Task", "scaling"), ("NetworkResource", "port"),
    ("NetworkResource", "reserved_ports"), ("Resources", "device"), ("Spread", "target"),
    ("Multiregion", "region"), ("ConsulGatewayProxy", "envoy_gateway_bind_addresses"),
}
# fmt: on
"""Blocks that take a label (a ``hcl:",label"`` field, or jobspec2's own label handling)."""


def check_jobspec(document: Body, source: str | Path) -> None:
    """Refuse a name the jobspec's structs do not declare, as ``nomad job run`` does; the
    document's ``dynamic`` blocks are expanded before this check, as dynblock does."""
    _check_body(document, "File", (), source)


def _check_body(body: Body, struct: str, trail: tuple[str, ...], source: str | Path) -> None:
    schema = STRUCTS[struct]
    for attr in body.attributes:
        kind = schema.get(attr.name, _MISSING)
        if kind is _MISSING:
            raise _unsupported(attr.name, False, schema, (*trail, attr.name), attr.line, source)
        if kind is not ATTR and kind != FREE:
            raise InputError(
                f"{' '.join((*trail, attr.name))}: Unsupported argument; An argument named "
                f'"{attr.name}" is not expected here. Did you mean to define a block of type '
                f'"{attr.name}"?',
                source,
                attr.line,
            )
    for block in body.blocks:
        kind = schema.get(block.type, _MISSING)
        where = (*trail, block.type)
        if kind is _MISSING:
            raise _unsupported(block.type, True, schema, where, block.line, source)
        if kind is ATTR:
            raise InputError(
                f'{" ".join(where)}: Unsupported block type; Blocks of type "{block.type}" are '
                f'not expected here. Did you mean to define argument "{block.type}"? If so, use '
                "the equals sign to assign it a value.",
                source,
                block.line,
            )
        if kind == FREE:
            continue
        wanted = 1 if (struct, block.type) in LABELLED else 0
        if len(block.labels) < wanted:
            raise InputError(
                f"{' '.join(where)}: Missing name for {block.type}; All {block.type} blocks must "
                "have 1 labels (name).",
                source,
                block.line,
            )
        if len(block.labels) > wanted:
            detail = (
                f"No labels are expected for {block.type} blocks."
                if not wanted
                else f"Only 1 labels (name) are expected for {block.type} blocks."
            )
            raise InputError(
                f"{' '.join(where)}: Extraneous label for {block.type}; {detail}",
                source,
                block.line,
            )
        labels = tuple(f'"{label}"' for label in block.labels)
        _check_body(block.body, kind, (*where, *labels), source)


_MISSING: Any = object()


def _unsupported(
    name: str,
    is_block: bool,
    schema: Mapping[str, Any],
    trail: tuple[str, ...],
    line: int | None,
    source: str | Path,
) -> InputError:
    suggestion = _suggest(name, schema)
    hint = f' Did you mean "{suggestion}"?' if suggestion else ""
    if is_block:
        message = f'Unsupported block type; Blocks of type "{name}" are not expected here.{hint}'
    else:
        message = f'Unsupported argument; An argument named "{name}" is not expected here.{hint}'
    return InputError(f"{' '.join(trail)}: {message}", source, line)


def _suggest(name: str, schema: Mapping[str, Any]) -> str | None:
    """hcl/v2 ``nameSuggestion``: the first known name within edit distance 2."""
    return next((known for known in schema if _distance(name, known) < 3), None)


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]
