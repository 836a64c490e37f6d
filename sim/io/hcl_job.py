"""HCL2 jobspecs → Nomad API job JSON, mirroring ``jobspec2/parse.go: ParseWithConfig``, then
``models.Job``.

The PLAIN python-hcl2 tree is walked with a small schema of the blocks that matter for
scheduling. Fields in the schema are *strict*: an expression nomad-sim cannot evaluate there
is an error naming the file and the field path. Free-form fields (driver ``config``, ``env``,
``meta``) keep unevaluable text literally, as it cannot change placement. Blocks outside the
schema (service, template, artifact, restart, …) are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models import Job, parse_go_duration
from models.base import go_string

from ..core.errors import InputError
from ..core.limits import go_int_error
from .hcl import block_bodies, labelled
from .interpolate import ExpressionError, Scope, render_tree
from .jobspec_schema import check_jobspec
from .pydantic_errors import input_error
from .variables import declared_variables, layer_values


@dataclass(frozen=True)
class Spec:
    """How one HCL name maps to the API JSON: target key, kind, and the nested schema.

    Kinds: scalars ``str``/``int``/``bool``/``duration``/``strlist``; ``strmap`` (meta/env,
    block or attribute); ``free`` (one block kept as a dict, lenient); ``block`` (one nested
    block), ``blocks`` (repeated), ``labelled`` (repeated, label → ``label_key``), ``map``
    (labelled, keyed by label: group ``volume``).
    """

    key: str
    kind: str = "str"
    body: Mapping[str, Spec] = field(default_factory=dict)
    label_key: str = "Name"
    post: Callable[[dict[str, Any]], dict[str, Any]] | None = None


class _Context:
    """File, variable scope and the field path of the value being converted."""

    def __init__(self, source: Path, scope: Scope):
        self.source = source
        self.scope = scope

    def fail(self, path: str, message: str) -> InputError:
        return InputError(f"{path}: {message}", source=self.source)

    def render(self, value: Any, path: str, *, strict: bool = True) -> Any:
        try:
            return render_tree(value, self.scope, strict=strict)
        except ExpressionError as exc:
            raise self.fail(path, str(exc)) from None


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
        "device": Spec(
            "Devices",
            "labelled",
            {"count": Spec("Count", "int"), "constraint": _CONSTRAINT, "affinity": _AFFINITY},
        ),
    },
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
        "secret": Spec("Secrets", "labelled", {"provider": Spec("Provider"), "path": Spec("Path")}),
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
    _reject_dynamic(body, ctx, path)
    out: dict[str, Any] = {}
    for name, value in body.items():
        spec = schema.get(name)
        if spec is not None:
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
        return ctx.render(bodies[0] if len(bodies) == 1 else bodies, path, strict=False)
    if kind == "strmap":
        return _string_map(value, ctx, path)
    return _scalar(ctx.render(value, path), kind, ctx, path)


def _finish(item: dict[str, Any], spec: Spec) -> dict[str, Any]:
    return spec.post(item) if spec.post else item


def _string_map(value: Any, ctx: _Context, path: str) -> dict[str, str]:
    """``meta``/``env`` as a block or as ``= {…}`` (``decodeAsAttribute``): map[string]string."""
    merged: dict[str, Any] = {}
    for body in block_bodies(value):
        if not isinstance(body, dict):
            raise ctx.fail(path, "expected a map of strings")
        merged.update(body)
    rendered = ctx.render(merged, path, strict=False)
    try:
        return {str(k): go_string(v) for k, v in rendered.items()}
    except ValueError as exc:
        raise ctx.fail(path, str(exc)) from None


def _scalar(value: Any, kind: str, ctx: _Context, path: str) -> Any:
    """Coerce like gohcl/cty: numbers from numeric strings, strings from numbers and bools."""
    try:
        if kind == "str":
            return go_string(value)
        if kind == "strlist":
            if not isinstance(value, list):
                raise ValueError(f"expected a list of strings, got {value!r}")
            return [go_string(item) for item in value]
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


def _reject_dynamic(body: dict[str, Any], ctx: _Context, path: str) -> None:
    """python-hcl2 does not expand ``dynamic`` blocks; dropping them would hide groups or ports."""
    if "dynamic" in body:
        labels = ", ".join(label for label, _ in labelled(body["dynamic"]))
        raise ctx.fail(
            f"{path}.dynamic[{labels}]",
            "dynamic blocks are not supported: write the blocks out, or load the JSON of "
            "`nomad job run -output`",
        )


def _scope(tree: Mapping[str, Any], source: Path, overrides: Mapping[str, Any] | None) -> Scope:
    """``var`` from declarations + overrides; ``local`` evaluated in order of appearance."""
    declared = declared_variables(tree, source)
    variables = layer_values(declared, [(overrides or {}, None)], source)
    scope: dict[str, dict[str, Any]] = {"var": variables, "local": {}}
    ctx = _Context(source, scope)
    for body in block_bodies(tree.get("locals", [])):
        for name, value in (body or {}).items():
            scope["local"][name] = ctx.render(value, f"locals.{name}")
    return scope


def hcl_to_api(
    tree: Mapping[str, Any], source: str | Path, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The API JSON of a PLAIN-parsed jobspec, as ``nomad job run -output`` would print it."""
    source = Path(source)
    check_jobspec(tree, source)
    jobs = labelled(tree.get("job", []))
    if len(jobs) != 1:
        raise InputError(f"expected exactly one job block, found {len(jobs)}", source=source)
    job_id, body = jobs[0]
    ctx = _Context(source, _scope(tree, source, overrides))
    path = f"job[{job_id}]"
    api = _convert_body(body, _JOB_BODY, ctx, path)
    api.setdefault("ID", job_id)
    api.setdefault("Name", job_id)
    # normalizeJob: each task directly under job becomes a group of its own, placed first.
    alone = [{"Name": task["Name"], "Tasks": [task]} for task in api.pop("Tasks", [])]
    api["TaskGroups"] = alone + api.get("TaskGroups", [])
    _reject_duplicates(api, ctx, path)
    return api


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
    tree: Mapping[str, Any], source: str | Path, overrides: Mapping[str, Any] | None = None
) -> Job:
    api = hcl_to_api(tree, source, overrides)
    try:
        return Job.model_validate(api)
    except ValidationError as exc:
        raise input_error(exc, source) from None
