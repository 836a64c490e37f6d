"""HCL2 jobspecs → Nomad API job JSON, mirroring ``jobspec2/parse.go: ParseWithConfig``, then
``models.Job``.

The jobspec is evaluated first (``hcl_vars``: variables and locals; ``hcl_body``: dynamic
blocks and the plain tree; ``jobspec_schema``: Nomad's strict block and argument check), so
every value reaching the walk here is already what Nomad would decode. The walk maps the
blocks that matter for scheduling to the API JSON with a small schema, converting values as
gohcl does (numeric strings to numbers, numbers to strings); a value of the wrong shape is an
error naming the file and the field path. The service, connect, vault, template and consul
blocks are read as far as Nomad's registration hooks need them (``sim.core.implied``); blocks
outside the schema (artifact, restart, …) are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
from pydantic import ValidationError

from models import Job, parse_go_duration
from models.base import go_string

from ..core.errors import InputError
from ..core.limits import go_int_error
from . import hcl_vars
from .files import read_text
from .hcl import block_bodies, labelled
from .hcl_body import Block, Body, Document, expand_dynamic, parse_document, plain
from .hcl_eval import LAZY_FUNCTIONS, Scope
from .hcl_functions import functions
from .hcl_values import HclError, format_number, type_name
from .hcl_vars import declare, evaluate_locals, set_env_values, set_file_values, set_values
from .jobspec_schema import check_jobspec
from .pydantic_errors import input_error


class Spec(msgspec.Struct, frozen=True):
    """How one HCL name maps to the API JSON: target key, kind, and the nested schema.

    Kinds: scalars ``str``/``int``/``bool``/``duration``/``strlist``; ``text`` (a string kept
    literally where it cannot be evaluated); ``strmap`` (meta/env,
    block or attribute); ``free`` (one block kept as a dict, lenient); ``block`` (one nested
    block), ``blocks`` (repeated), ``labelled`` (repeated, label → ``label_key``), ``map``
    (labelled, keyed by label: group ``volume``).
    """

    key: str
    kind: str = "str"
    body: Mapping[str, Spec] = msgspec.field(default_factory=dict)
    label_key: str = "Name"
    post: Callable[[dict[str, Any]], dict[str, Any]] | None = None


class _Context:
    """File and the field path of the value being converted."""

    def __init__(self, source: Path):
        self.source = source

    def fail(self, path: str, message: str) -> InputError:
        return InputError(f"{path}: {message}", source=self.source)


# -- constraint / affinity shorthands (jobspec2/hcl_conversions.go decodeConstraint, decodeAffinity)

_CONSTRAINT_SHORTHANDS = ("version", "semver", "regexp", "set_contains")
# The schema accepts these but decodeConstraint never applies them: Operand stays "=".
_IGNORED_CONSTRAINT_SHORTHANDS = ("set_contains_all", "set_contains_any", "is_set", "is_not_set")
_AFFINITY_SHORTHANDS = (
    "version",
    "semver",
    "regexp",
    "set_contains_any",
    "set_contains_all",
    "set_contains",
)


def _targets(block: dict[str, Any], shorthands: tuple[str, ...]) -> dict[str, Any]:
    out = {
        "LTarget": block.get("attribute", ""),
        "RTarget": block.get("value", ""),
        "Operand": block.get("operator", ""),
    }
    for name in shorthands:  # in jobspec2's order: a later shorthand wins
        if block.get(name):
            out["Operand"], out["RTarget"] = name, block[name]
    return out


def _decode_constraint(block: dict[str, Any]) -> dict[str, Any]:
    """Shorthands as ``jobspec2/hcl_conversions.go: decodeConstraint`` applies them (later
    wins); ``distinct_hosts`` records its bool in RTarget."""
    out = _targets(block, _CONSTRAINT_SHORTHANDS)
    if "distinct_hosts" in block:
        out["Operand"], out["RTarget"] = "distinct_hosts", go_string(block["distinct_hosts"])
    if block.get("distinct_property"):
        out["Operand"], out["LTarget"] = "distinct_property", block["distinct_property"]
    out["Operand"] = out["Operand"] or "="
    return out


def _decode_affinity(block: dict[str, Any]) -> dict[str, Any]:
    out = _targets(block, _AFFINITY_SHORTHANDS)
    out["Operand"] = out["Operand"] or "="
    if "weight" in block:
        out["Weight"] = block["weight"]
    return out


def _split_ports(network: dict[str, Any]) -> dict[str, Any]:
    """``normalizeNetworkPorts`` (jobspec2/parse_job.go): ports with a static value are reserved."""
    ports = network.pop("DynamicPorts", [])
    network["ReservedPorts"] = [p for p in ports if p.get("Value", 0) > 0]
    network["DynamicPorts"] = [p for p in ports if p.get("Value", 0) <= 0]
    return network


_CONSTRAINT = Spec(
    "Constraints",
    "blocks",
    {
        name: Spec(name, "bool" if name == "distinct_hosts" else "str")
        for name in (
            "attribute",
            "value",
            "operator",
            "distinct_hosts",
            "distinct_property",
            *_CONSTRAINT_SHORTHANDS,
            *_IGNORED_CONSTRAINT_SHORTHANDS,
        )
    },
    post=_decode_constraint,
)
_AFFINITY = Spec(
    "Affinities",
    "blocks",
    {
        name: Spec(name, "int" if name == "weight" else "str")
        for name in ("attribute", "value", "operator", "weight", *_AFFINITY_SHORTHANDS)
    },
    post=_decode_affinity,
)
_SPREAD = Spec(
    "Spreads",
    "blocks",
    {
        "attribute": Spec("Attribute"),
        "weight": Spec("Weight", "int"),
        "target": Spec("SpreadTarget", "labelled", {"percent": Spec("Percent", "int")}, "Value"),
    },
)
_NETWORK = Spec(
    "Networks",
    "blocks",
    {
        "mode": Spec("Mode"),
        "mbits": Spec("MBits", "int"),
        "hostname": Spec("Hostname"),
        "port": Spec(
            "DynamicPorts",
            "labelled",
            {
                "static": Spec("Value", "int"),
                "to": Spec("To", "int"),
                "host_network": Spec("HostNetwork"),
                "ignore_collision": Spec("IgnoreCollision", "bool"),
            },
            "Label",
        ),
    },
    post=_split_ports,
)
_RESOURCES = Spec(
    "Resources",
    "block",
    {
        "cpu": Spec("CPU", "int"),
        "cores": Spec("Cores", "int"),
        "memory": Spec("MemoryMB", "int"),
        "memory_max": Spec("MemoryMaxMB", "int"),
        "disk": Spec("DiskMB", "int"),
        "secrets": Spec("SecretsMB", "int"),
        "iops": Spec("IOPS", "int"),
        "network": _NETWORK,
        "numa": Spec(
            "NUMA", "block", {"affinity": Spec("Affinity"), "devices": Spec("Devices", "strlist")}
        ),
        "device": Spec(
            "Devices",
            "labelled",
            {"count": Spec("Count", "int"), "constraint": _CONSTRAINT, "affinity": _AFFINITY},
        ),
    },
)
_SIDECAR_TASK = Spec(
    "SidecarTask",
    "block",
    {
        "name": Spec("Name", "text"),
        "driver": Spec("Driver"),
        "config": Spec("Config", "free"),
        "meta": Spec("Meta", "strmap"),
        "resources": _RESOURCES,
        "kill_signal": Spec("KillSignal"),
    },
)
_GATEWAY = Spec(
    "Gateway",
    "block",
    {
        "ingress": Spec(
            "Ingress",
            "block",
            {
                "tls": Spec(
                    "TLS",
                    "block",
                    {
                        "enabled": Spec("Enabled", "bool"),
                        "tls_min_version": Spec("TLSMinVersion"),
                        "tls_max_version": Spec("TLSMaxVersion"),
                        "cipher_suites": Spec("CipherSuites", "strlist"),
                    },
                )
            },
        ),
        "terminating": Spec("Terminating", "free"),
        "mesh": Spec("Mesh", "free"),
    },
)
_CONNECT = Spec(
    "Connect",
    "block",
    {
        "native": Spec("Native", "bool"),
        "sidecar_service": Spec(
            "SidecarService",
            "block",
            {
                "port": Spec("Port", "text"),
                "proxy": Spec(
                    "Proxy",
                    "block",
                    {
                        "transparent_proxy": Spec(
                            "TransparentProxy", "block", {"no_dns": Spec("NoDNS", "bool")}
                        )
                    },
                ),
            },
        ),
        "sidecar_task": _SIDECAR_TASK,
        "gateway": _GATEWAY,
    },
)
_SERVICE = Spec(
    "Services",
    "blocks",
    {
        "name": Spec("Name", "text"),
        "port": Spec("PortLabel", "text"),
        "task": Spec("TaskName", "text"),
        "provider": Spec("Provider"),
        "cluster": Spec("Cluster"),
        "check": Spec(
            "Checks",
            "blocks",
            {
                "name": Spec("Name", "text"),
                "type": Spec("Type"),
                "path": Spec("Path", "text"),
                "port": Spec("PortLabel", "text"),
                "expose": Spec("Expose", "bool"),
            },
        ),
        "connect": _CONNECT,
    },
)
_CONSUL = Spec(
    "Consul",
    "block",
    {"cluster": Spec("Cluster"), "partition": Spec("Partition"), "namespace": Spec("Namespace")},
)
_UPDATE = Spec(
    "Update",
    "block",
    {
        "stagger": Spec("Stagger", "duration"),
        "max_parallel": Spec("MaxParallel", "int"),
        "health_check": Spec("HealthCheck"),
        "min_healthy_time": Spec("MinHealthyTime", "duration"),
        "healthy_deadline": Spec("HealthyDeadline", "duration"),
        "progress_deadline": Spec("ProgressDeadline", "duration"),
        "canary": Spec("Canary", "int"),
        "auto_revert": Spec("AutoRevert", "bool"),
        "auto_promote": Spec("AutoPromote", "bool"),
    },
)
_VAULT = Spec(
    "Vault",
    "block",
    {
        "cluster": Spec("Cluster"),
        "change_mode": Spec("ChangeMode"),
        "change_signal": Spec("ChangeSignal"),
    },
)
_SECRET = Spec("Secrets", "labelled", {"provider": Spec("Provider"), "path": Spec("Path")})
_TASK = Spec(
    "Tasks",
    "labelled",
    {
        "driver": Spec("Driver"),
        "user": Spec("User"),
        "leader": Spec("Leader", "bool"),
        "kill_timeout": Spec("KillTimeout", "duration"),
        "shutdown_delay": Spec("ShutdownDelay", "duration"),
        "config": Spec("Config", "free"),
        "env": Spec("Env", "strmap"),
        "meta": Spec("Meta", "strmap"),
        "constraint": _CONSTRAINT,
        "affinity": _AFFINITY,
        "resources": _RESOURCES,
        "lifecycle": Spec(
            "Lifecycle", "block", {"hook": Spec("Hook"), "sidecar": Spec("Sidecar", "bool")}
        ),
        "secret": _SECRET,
        "kill_signal": Spec("KillSignal"),
        "service": _SERVICE,
        "template": Spec(
            "Templates",
            "blocks",
            {"change_mode": Spec("ChangeMode"), "change_signal": Spec("ChangeSignal")},
        ),
        "vault": _VAULT,
        "consul": _CONSUL,
        "schedule": Spec("Schedule", "free"),
        "volume_mount": Spec(
            "VolumeMounts",
            "blocks",
            {
                "volume": Spec("Volume"),
                "destination": Spec("Destination"),
                "read_only": Spec("ReadOnly", "bool"),
            },
        ),
    },
)
_GROUP_BODY: dict[str, Spec] = {
    "count": Spec("Count", "int"),
    "constraint": _CONSTRAINT,
    "affinity": _AFFINITY,
    "spread": _SPREAD,
    "task": _TASK,
    "network": _NETWORK,
    "service": _SERVICE,
    "consul": _CONSUL,
    "meta": Spec("Meta", "strmap"),
    "shutdown_delay": Spec("ShutdownDelay", "duration"),
    "update": _UPDATE,
    "ephemeral_disk": Spec(
        "EphemeralDisk",
        "block",
        {
            "size": Spec("SizeMB", "int"),
            "sticky": Spec("Sticky", "bool"),
            "migrate": Spec("Migrate", "bool"),
        },
    ),
    "scaling": Spec(
        "Scaling",
        "block",
        {"min": Spec("Min", "int"), "max": Spec("Max", "int"), "enabled": Spec("Enabled", "bool")},
    ),
    "vault": _VAULT,
    "secret": _SECRET,
    "volume": Spec(
        "Volumes",
        "map",
        {
            "type": Spec("Type"),
            "source": Spec("Source"),
            "read_only": Spec("ReadOnly", "bool"),
            "sticky": Spec("Sticky", "bool"),
            "access_mode": Spec("AccessMode"),
            "attachment_mode": Spec("AttachmentMode"),
            "per_alloc": Spec("PerAlloc", "bool"),
        },
    ),
}
_JOB_BODY: dict[str, Spec] = {
    "id": Spec("ID"),
    "name": Spec("Name"),
    "region": Spec("Region"),
    "namespace": Spec("Namespace"),
    "type": Spec("Type"),
    "priority": Spec("Priority", "int"),
    "all_at_once": Spec("AllAtOnce", "bool"),
    "datacenters": Spec("Datacenters", "strlist"),
    "node_pool": Spec("NodePool"),
    "constraint": _CONSTRAINT,
    "affinity": _AFFINITY,
    "spread": _SPREAD,
    "group": Spec("TaskGroups", "labelled", _GROUP_BODY),
    "task": _TASK,  # a task directly under job: becomes its own group below
    "vault": _VAULT,  # job-level vault and secrets are passed down to every task below
    "secret": _SECRET,
    "update": _UPDATE,
    "meta": Spec("Meta", "strmap"),
    "periodic": Spec("Periodic", "free"),
    "parameterized": Spec("ParameterizedJob", "free"),
}


# -- the walk


def _convert_body(
    body: Any, schema: Mapping[str, Spec], ctx: _Context, path: str
) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ctx.fail(path, "expected a block")
    out: dict[str, Any] = {}
    for name, value in body.items():
        spec = schema.get(name)
        if spec is not None and value is not None:  # null leaves the field unset, as in gohcl
            out[spec.key] = _convert(value, spec, ctx, f"{path}.{name}")
    return out


def _convert(value: Any, spec: Spec, ctx: _Context, path: str) -> Any:
    kind = spec.kind
    if kind == "block":
        bodies = block_bodies(value)
        if len(bodies) != 1:
            raise ctx.fail(path, f"only one {path.rsplit('.', 1)[-1]} block is allowed")
        return _finish(_convert_body(bodies[0], spec.body, ctx, path), spec)
    if kind == "blocks":
        return [
            _finish(_convert_body(body, spec.body, ctx, f"{path}[{i}]"), spec)
            for i, body in enumerate(block_bodies(value))
        ]
    if kind in ("labelled", "map"):
        items = []
        for label, body in labelled(value):
            item = _convert_body(body, spec.body, ctx, f"{path}[{label}]")
            items.append((label, _finish({spec.label_key: label, **item}, spec)))
        if kind == "map":
            return dict(items)
        return [item for _, item in items]
    if kind == "free":
        bodies = block_bodies(value)
        return bodies[0] if len(bodies) == 1 else bodies
    if kind == "strmap":
        return _string_map(value, ctx, path)
    return _scalar(value, "str" if kind == "text" else kind, ctx, path)


def _finish(item: dict[str, Any], spec: Spec) -> dict[str, Any]:
    return spec.post(item) if spec.post else item


def _string_map(value: Any, ctx: _Context, path: str) -> dict[str, str]:
    """``meta``/``env`` as a block or as ``= <map>`` (``decodeAsAttribute``):
    map[string]string, numbers and bools as their text."""
    merged: dict[str, Any] = {}
    for body in block_bodies(value):
        if not isinstance(body, dict):
            raise ctx.fail(path, "Unsuitable value type; Unsuitable value: map of string required")
        merged.update(body)
    out = {}
    for key, item in merged.items():
        if item is None or isinstance(item, list | dict):
            raise ctx.fail(
                path,
                "Incorrect attribute value type; Inappropriate value for attribute "
                f'"{path.rsplit(".", 1)[-1]}": element "{key}": string required.',
            )
        out[str(key)] = go_string(item) if not isinstance(item, float) else format_number(item)
    return out


def _scalar(value: Any, kind: str, ctx: _Context, path: str) -> Any:
    """Coerce like gohcl/cty: numbers from numeric strings, strings from numbers and bools."""
    try:
        if kind == "str":
            return _go_text(value)
        if kind == "strlist":
            if not isinstance(value, list):
                raise ValueError(f"expected a list of strings, got {value!r}")
            return [_go_text(item) for item in value]
        if kind == "bool":
            if isinstance(value, str) and value in ("true", "false"):
                return value == "true"
            if not isinstance(value, bool):
                raise ValueError(f"expected true or false, got {value!r}")
            return value
        if kind == "duration":
            return parse_go_duration(value)
        return _go_int(_integer(value))
    except ValueError as exc:
        raise ctx.fail(path, str(exc)) from None


def _go_text(value: Any) -> str:
    """A string field: numbers and bools convert as cty does (``1.5`` → ``"1.5"``)."""
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, list | dict):
        raise ValueError(f"Inappropriate value: string required, got {type_name(value)}")
    return go_string(value)


def _go_int(value: int) -> int:
    """gohcl decodes into Go ``int``: a number beyond int64 is refused, never wrapped."""
    error = go_int_error(value)
    if error is not None:
        raise ValueError(f"Unsuitable value type; Unsuitable value: {error}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"expected an integer, got {value!r}")


def hcl_to_api(
    source: str | Path,
    overrides: Mapping[str, Any] | None = None,
    document: Document | None = None,
    var_files: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The API JSON of an HCL2 jobspec, as ``nomad job run -output`` would print it; the file
    is read unless its parsed ``document`` is given. ``env`` holds ``NOMAD_VAR_*`` values
    (nothing is read from the process environment unless passed), ``var_files`` are
    ``-var-file`` files, ``overrides`` the ``-var`` values: applied in that order."""
    source = Path(source)
    if document is None:
        document = parse_document(read_text(source), source)
    api = _evaluate_job(document, source, overrides or {}, [Path(f) for f in var_files], env or {})
    ctx = _Context(source)
    path = f"job[{api.pop('_label')}]"
    _pass_down_vault_and_secrets(api)
    _reject_duplicates(api, ctx, path)
    return api


def _evaluate_job(
    document: Document,
    source: Path,
    overrides: Mapping[str, Any],
    var_files: list[Path],
    env: Mapping[str, str],
) -> dict[str, Any]:
    """jobspec2 ``decodeBody``: variables, locals, the job body with dynamic blocks expanded,
    the strict schema check, then every expression evaluated and converted."""
    text = document.text
    try:
        jobs = [b for b in document.body.blocks if b.type == "job"]
        variables = declare(document.body, text)
        set_env_values(variables, env)
        for var_file in var_files:
            set_file_values(variables, var_file)
        set_values(variables, overrides)
        table = functions(source.parent, allow_fs=True)
        var_values = hcl_vars.values(variables, text, source.parent)

        def scope_with(locals_: Mapping[str, Any]) -> Scope:
            return Scope(
                {"var": var_values, "local": dict(locals_)}, table, text, lazy=LAZY_FUNCTIONS
            )

        scope = scope_with(evaluate_locals(document.body, scope_with))
        expanded = Body(
            document.body.attributes,
            [
                Block(b.type, b.labels, expand_dynamic(b.body, scope), b.line)
                if b.type == "job"
                else b
                for b in document.body.blocks
            ],
        )
        check_jobspec(expanded, source)
        if len(jobs) != 1:
            raise InputError(f"expected exactly one job block, found {len(jobs)}", source=source)
        job = next(b for b in expanded.blocks if b.type == "job")
        if len(job.labels) != 1:
            raise InputError(
                "Missing name for job; All job blocks must have 1 labels (name).", source, job.line
            )
        body = plain(job.body, scope)
    except HclError as exc:
        raise InputError(str(exc), source, exc.line) from None
    ctx = _Context(source)
    path = f"job[{job.labels[0]}]"
    api = _convert_body(body, _JOB_BODY, ctx, path)
    api.setdefault("ID", job.labels[0])
    api.setdefault("Name", job.labels[0])
    # normalizeJob: each task directly under job becomes a group of its own, placed first.
    alone = [{"Name": task["Name"], "Tasks": [task]} for task in api.pop("Tasks", [])]
    api["TaskGroups"] = alone + api.get("TaskGroups", [])
    api["_label"] = job.labels[0]
    return api


def _pass_down_vault_and_secrets(api: dict[str, Any]) -> None:
    """Group, then job ``vault``/``secret`` blocks reach the tasks as jobspec2 passes them:
    ``decodeTaskGroup`` (a vault to tasks without one; group secrets replace an empty list, but
    a task with secrets of its own gets its own list twice, as Nomad does) then
    ``normalizeJob`` (job vault to tasks without one, job secrets appended)."""
    job_vault = api.pop("Vault", None)
    job_secrets = api.pop("Secrets", [])
    for group in api["TaskGroups"]:
        group_vault = group.pop("Vault", None)
        group_secrets = group.pop("Secrets", [])
        for task in group.get("Tasks", []):
            if group_vault is not None and task.get("Vault") is None:
                task["Vault"] = group_vault
            if group_secrets:
                own = task.get("Secrets") or []
                task["Secrets"] = own + own if own else list(group_secrets)
            if job_vault is not None and task.get("Vault") is None:
                task["Vault"] = job_vault
            if job_secrets:
                task["Secrets"] = (task.get("Secrets") or []) + list(job_secrets)


def _reject_duplicates(api: dict[str, Any], ctx: _Context, path: str) -> None:
    """Nomad's Job.Validate refuses repeated group names and repeated task names in a group."""
    seen: set[str] = set()
    for group in api["TaskGroups"]:
        if group["Name"] in seen:
            raise ctx.fail(f"{path}.group[{group['Name']}]", "group name is used twice")
        seen.add(group["Name"])
        names = [task["Name"] for task in group.get("Tasks", [])]
        for name in {n for n in names if names.count(n) > 1}:
            raise ctx.fail(f"{path}.group[{group['Name']}].task[{name}]", "task name is used twice")


def job_from_hcl(
    source: str | Path,
    overrides: Mapping[str, Any] | None = None,
    document: Document | None = None,
    var_files: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> Job:
    api = hcl_to_api(source, overrides, document, var_files, env)
    try:
        return Job.model_validate(api)
    except ValidationError as exc:
        raise input_error(exc, source) from None
