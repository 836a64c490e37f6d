"""A Nomad job: Job → TaskGroup → Task, with the defaults the server fills in on register.

Reads ``nomad job inspect`` (canonical) and ``nomad job run -output`` (``null`` everywhere)
alike: nulls are dropped and the defaults of ``api/jobs.go: Job.Canonicalize`` apply.
"""

from typing import Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from .base import Duration, NomadModel, StringMap, empty_dict, empty_list
from .constraints import Affinity, Constraint, Spread
from .resources import NetworkResource, Resources, VolumeRequest
from .services import ConsulBlock, Service, Template, Vault

_SECOND = 1_000_000_000


def _plural(name: str) -> AliasChoices:
    """``Constraints`` in JSON, ``constraints`` or the HCL block word ``constraint`` in YAML."""
    pascal = {"constraint": "Constraints", "affinity": "Affinities", "spread": "Spreads"}[name]
    snake = pascal.lower()
    return AliasChoices(pascal, snake, name)


class Lifecycle(NomadModel):
    hook: str = ""
    sidecar: bool = False


class Secret(NomadModel):
    """A task ``secret "name" { provider = ... }`` block; placement needs the provider."""

    name: str = ""
    provider: str = ""
    path: str = ""


class Task(NomadModel):
    name: str = ""
    driver: str = ""
    config: dict[str, Any] = Field(default_factory=empty_dict)
    constraints: list[Constraint] = Field(
        default_factory=empty_list, validation_alias=_plural("constraint")
    )
    affinities: list[Affinity] = Field(
        default_factory=empty_list, validation_alias=_plural("affinity")
    )
    resources: Resources = Field(default_factory=Resources)
    lifecycle: Lifecycle | None = None
    meta: StringMap = Field(default_factory=empty_dict)
    secrets: list[Secret] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Secrets", "secrets", "secret")
    )
    kind: str = ""
    kill_signal: str = ""
    services: list[Service] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Services", "services", "service")
    )
    templates: list[Template] = Field(
        default_factory=empty_list,
        validation_alias=AliasChoices("Templates", "templates", "template"),
    )
    vault: Vault | None = None
    consul: ConsulBlock | None = None
    schedule: dict[str, Any] | None = None

    @field_validator("resources")
    @classmethod
    def _task_disk_dropped(cls, resources: Resources) -> Resources:
        """A task's ``disk`` never reaches the server: the API-to-struct conversion does not
        copy ``DiskMB`` (command/agent/job_endpoint.go: ``ApiResourcesToStructs``), so the job
        registers and the group's ``ephemeral_disk`` alone sizes the allocation."""
        return resources.model_copy(update={"disk_mb": 0}) if resources.disk_mb else resources


class EphemeralDisk(NomadModel):
    size_mb: int = Field(300, validation_alias=AliasChoices("SizeMB", "size_mb", "size"))
    sticky: bool = False
    migrate: bool = False


class UpdateStrategy(NomadModel):
    """``update`` block; defaults are ``DefaultUpdateStrategy`` (structs.go)."""

    stagger: Duration = 30 * _SECOND
    max_parallel: int = 1
    health_check: str = "checks"
    min_healthy_time: Duration = 10 * _SECOND
    healthy_deadline: Duration = 300 * _SECOND
    progress_deadline: Duration = 600 * _SECOND
    canary: int = 0
    auto_revert: bool = False
    auto_promote: bool = False


class MigrateStrategy(NomadModel):
    """``migrate`` block: how many of the group's allocations move at once."""

    max_parallel: int = 1


class Scaling(NomadModel):
    min: int | None = None
    max: int | None = None
    enabled: bool = True


class TaskGroup(NomadModel):
    name: str = ""
    count: int = 1
    constraints: list[Constraint] = Field(
        default_factory=empty_list, validation_alias=_plural("constraint")
    )
    affinities: list[Affinity] = Field(
        default_factory=empty_list, validation_alias=_plural("affinity")
    )
    spreads: list[Spread] = Field(default_factory=empty_list, validation_alias=_plural("spread"))
    tasks: list[Task] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Tasks", "tasks", "task")
    )
    volumes: dict[str, VolumeRequest] = Field(
        default_factory=empty_dict, validation_alias=AliasChoices("Volumes", "volumes", "volume")
    )
    networks: list[NetworkResource] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Networks", "networks", "network")
    )
    ephemeral_disk: EphemeralDisk = Field(default_factory=EphemeralDisk)
    update: UpdateStrategy | None = None
    migrate: MigrateStrategy | None = None
    scaling: Scaling | None = None
    meta: StringMap = Field(default_factory=empty_dict)
    services: list[Service] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Services", "services", "service")
    )
    consul: ConsulBlock | None = None

    @model_validator(mode="before")
    @classmethod
    def _count_from_scaling(cls, data: Any) -> Any:
        # An unset count takes scaling.min when a scaling block sets it, else 1.
        if not isinstance(data, dict) or "Count" in data or "count" in data:
            return data
        scaling = data.get("Scaling") or data.get("scaling") or {}
        minimum = scaling.get("Min", scaling.get("min")) if isinstance(scaling, dict) else None
        return {**data, "count": minimum} if minimum is not None else data

    @model_validator(mode="after")
    def _volume_names(self) -> "TaskGroup":
        for label, volume in self.volumes.items():
            if not volume.name:
                volume.name = label
        return self


class Job(NomadModel):
    """A job with ``Job.Canonicalize``'s defaults: service, datacenters ``*``, pool default."""

    id: str = ""
    name: str = ""
    region: str = "global"
    namespace: str = "default"
    type: str = "service"
    priority: int = 50
    datacenters: list[str] = Field(default_factory=lambda: ["*"])
    node_pool: str = "default"
    constraints: list[Constraint] = Field(
        default_factory=empty_list, validation_alias=_plural("constraint")
    )
    affinities: list[Affinity] = Field(
        default_factory=empty_list, validation_alias=_plural("affinity")
    )
    spreads: list[Spread] = Field(default_factory=empty_list, validation_alias=_plural("spread"))
    task_groups: list[TaskGroup] = Field(
        default_factory=empty_list,
        validation_alias=AliasChoices("TaskGroups", "task_groups", "groups"),
    )
    update: UpdateStrategy | None = None
    meta: StringMap = Field(default_factory=empty_dict)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # `-output` JSON may carry NodePool "" and Datacenters []: the server fills both.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("NodePool", "node_pool"):
            if data.get(key) == "":
                data[key] = "default"
        for key in ("Datacenters", "datacenters"):
            if data.get(key) == []:
                data[key] = ["*"]
        return data

    @model_validator(mode="after")
    def _canonicalize(self) -> "Job":
        if not self.id:
            self.id = self.name
        if not self.name:
            self.name = self.id
        for group in self.task_groups:
            group.update = _merge_update(self, group)
        return self


def _merge_update(job: Job, group: TaskGroup) -> UpdateStrategy | None:
    """The job's ``update`` under each group's own (``Job.Canonicalize``); batch has none."""
    if job.type not in ("service", "system"):
        return group.update
    base = job.update or UpdateStrategy()
    if group.update is None:
        return base.model_copy()
    overrides = {name: getattr(group.update, name) for name in group.update.model_fields_set}
    return base.model_copy(update=overrides)
