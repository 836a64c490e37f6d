"""The scenario file: a cluster described as node groups (template × count), jobs, variables.

Scenario files are the project's own format, so they are snake_case only and strict
(unknown keys are errors: a typo must not silently change a capacity plan). Node templates
and inline jobs stay plain mappings here; ``sim.io.scenario`` substitutes ``${var.*}`` in
them and validates them as ``Node`` / ``Job``, with error paths into the file.
"""

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .base import empty_dict, empty_list
from .job import Resources


class ScenarioModel(BaseModel):
    # Validators built on first use, as for ``NomadModel``: Nomad's own files need none.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class Variable(ScenarioModel):
    """A scenario input, overridable with ``--set NAME=VALUE`` or ``--var-file``."""

    default: Any = Field(None, description="Value used when nothing overrides it; null = required.")
    description: str = ""


class Preemption(ScenarioModel):
    """Nomad's ``PreemptionConfig`` per scheduler type (defaults: system only)."""

    system: bool = True
    sysbatch: bool = False
    batch: bool = False
    service: bool = False


class PoolSchedulerConfig(ScenarioModel):
    """A node pool's own scheduler configuration; unset fields keep the cluster's."""

    algorithm: Literal["binpack", "spread"] | None = None
    memory_oversubscription: bool | None = None


class SchedulerConfig(ScenarioModel):
    """The cluster's scheduler configuration (``nomad operator scheduler get-config``)."""

    algorithm: Literal["binpack", "spread"] = "binpack"
    memory_oversubscription: bool = False
    preemption: Preemption = Field(default_factory=Preemption)
    node_limit_for_feasibility_checks: int = Field(
        0, ge=0, description="Nodes a scored Select looks at (0: Nomad's default, 100)."
    )
    node_pools: dict[str, PoolSchedulerConfig] = Field(
        default_factory=empty_dict, description="Per node pool: its own scheduler configuration."
    )


def count_error(group: str, value: Any) -> str:
    return f"node group {group!r}: count must be a non-negative integer, got {value!r}"


class NodeGroup(ScenarioModel):
    """``count`` copies of one node: named ``<name>-<i>``, with deterministic IDs."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    count: int | str = Field(
        1, description='An integer, or a variable reference: "${var.client_count}".'
    )
    template: dict[str, Any] | None = Field(
        None,
        description="Node fields as models.Node accepts them (datacenter, node_class, node_pool, "
        "attributes, meta, drivers, node_resources, reserved_resources, host_volumes, ...).",
    )
    from_: str | None = Field(
        None,
        alias="from",
        description="Path (relative to the scenario) of a node JSON "
        "(`nomad node status -json <id>`) used as the template.",
    )
    overrides: dict[str, Any] = Field(
        default_factory=empty_dict, description="Node fields deep-merged over the `from` node."
    )

    @field_validator("count", mode="before")
    @classmethod
    def _count_shape(cls, value: Any, info: ValidationInfo) -> Any:
        # Variable references are resolved by the loader; literals are checked here.
        literal = isinstance(value, int) and not isinstance(value, bool)
        if isinstance(value, str) or (literal and value >= 0):
            return value
        raise ValueError(count_error(info.data.get("name", "?"), value))

    @model_validator(mode="after")
    def _one_source(self) -> "NodeGroup":
        if (self.template is None) == (self.from_ is None):
            raise ValueError("give exactly one of `template` or `from`")
        if self.overrides and self.from_ is None:
            raise ValueError("`overrides` applies to a `from` node; edit `template` instead")
        return self


class JobFile(ScenarioModel):
    """A job read from a file: HCL jobspec or job JSON, relative to the scenario."""

    file: str
    variables: dict[str, Any] = Field(
        default_factory=empty_dict, description="Values for the jobspec's own `variable` blocks."
    )


def _job_entry_kind(value: Any) -> str:
    if isinstance(value, JobFile) or (isinstance(value, dict) and "file" in value):
        return "{file}"
    return "{inline}"


JobEntry = Annotated[
    Annotated[JobFile, Tag("{file}")] | Annotated[dict[str, Any], Tag("{inline}")],
    Discriminator(_job_entry_kind),
]
"""``{file: path}`` → JobFile; any other mapping is an inline job, validated as models.Job later."""


class Allocation(ScenarioModel):
    """Allocations already running on a node, which consume its capacity."""

    job: str
    group: str = ""
    node: str = Field(description="Node name, e.g. linux-0.")
    count: int = Field(1, ge=1)
    resources: Resources | None = Field(
        None, description="Per allocation; required when the job is not in the scenario."
    )
    node_id: str = Field("", description="Node ID, when node names are not unique (snapshots).")
    ports: list[int] = Field(default_factory=empty_list, description="Host ports it holds.")
    devices: dict[str, int] | None = Field(
        None,
        description="Device instances it holds, by name as a device request names them "
        "(e.g. nvidia/gpu/T4: 1); default: its group's device asks when the job is in the "
        "scenario.",
    )
    mbits: int | None = Field(
        None,
        ge=0,
        description="Network bandwidth it holds on its node's first network device; default: "
        "its group's task network asks when the job is in the scenario.",
    )
    id: str = Field("", description="Allocation ID (snapshots).")
    priority: int | None = Field(
        None,
        ge=1,
        le=100,
        description="Priority of the job version it runs, for preemption (default: its "
        "scenario job's, else 50); a scenario job's evaluation updates it to the job's.",
    )
    counts_toward_job: bool = Field(
        False,
        description="One of the job's own running allocations: Nomad's reconciler keeps it, so "
        "only the rest of the group's count is placed (snapshots of a live cluster).",
    )


class Scenario(ScenarioModel):
    """A what-if scenario: variables, scheduler settings, node groups, jobs, allocations."""

    name: str
    description: str = ""
    extends: str | None = Field(
        None,
        description="Path of a base scenario whose top-level keys apply unless this file "
        "sets them (a variant that only swaps the jobs sets `jobs`).",
    )
    variables: dict[str, Variable] = Field(default_factory=empty_dict)
    scheduler: SchedulerConfig = Field(default_factory=SchedulerConfig)
    node_groups: list[NodeGroup] = Field(default_factory=empty_list)
    jobs: list[JobEntry] = Field(
        default_factory=empty_list,
        description="Each item is {file: path} or an inline job as models.Job accepts it.",
    )
    allocations: list[Allocation] = Field(default_factory=empty_list)

    @field_validator("variables", mode="before")
    @classmethod
    def _bare_defaults(cls, value: Any) -> Any:
        # `client_count: 1` is shorthand for `client_count: {default: 1}`.
        if not isinstance(value, dict):
            return value
        return {
            k: v
            if isinstance(v, dict) and v.keys() <= {"default", "description"}
            else {"default": v}
            for k, v in value.items()
        }

    @field_validator("node_groups")
    @classmethod
    def _unique_groups(cls, groups: list[NodeGroup]) -> list[NodeGroup]:
        names = [g.name for g in groups]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"node group names must be unique: {', '.join(repeated)}")
        return groups
