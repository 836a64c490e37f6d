"""A Nomad client node as ``nomad node status -json <id>`` and ``GET /v1/node/:id`` emit it."""

from typing import Any

from pydantic import AliasChoices, Field, model_validator

from .base import NomadModel, StringMap, empty_dict, empty_list
from .resources import NetworkResource


class DriverInfo(NomadModel):
    detected: bool = False
    healthy: bool = False
    health_description: str = ""
    attributes: StringMap = Field(default_factory=empty_dict)


class NodeCpu(NomadModel):
    cpu_shares: int = 0
    total_cpu_cores: int = 0
    reservable_cpu_cores: list[int] = Field(default_factory=empty_list)


class NodeMemory(NomadModel):
    memory_mb: int = 0


class NodeDisk(NomadModel):
    disk_mb: int = 0


class DeviceInstance(NomadModel):
    id: str = ""
    healthy: bool = True


class DeviceAttribute(NomadModel):
    """A typed device attribute (plugins/shared/structs ``Attribute``): int/float/str/bool."""

    int_value: int | None = Field(None, validation_alias=AliasChoices("Int", "int"))
    float_value: float | None = Field(None, validation_alias=AliasChoices("Float", "float"))
    string_value: str | None = Field(None, validation_alias=AliasChoices("String", "string"))
    bool_value: bool | None = Field(None, validation_alias=AliasChoices("Bool", "bool"))
    unit: str = ""

    @property
    def value(self) -> int | float | str | bool | None:
        for candidate in (self.int_value, self.float_value, self.string_value, self.bool_value):
            if candidate is not None:
                return candidate
        return None

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        # Scenario files may write `memory: 11264` instead of `{Int: 11264, Unit: MiB}`.
        if isinstance(data, bool):
            return {"bool": data}
        if isinstance(data, int):
            return {"int": data}
        if isinstance(data, float):
            return {"float": data}
        if isinstance(data, str):
            return {"string": data}
        return data


class NodeDevice(NomadModel):
    """A group of identical devices on a node (``NodeDeviceResource``)."""

    vendor: str = ""
    type: str = ""
    name: str = ""
    instances: list[DeviceInstance] = Field(default_factory=empty_list)
    attributes: dict[str, DeviceAttribute] = Field(default_factory=empty_dict)


class NetworkAddress(NomadModel):
    family: str = ""
    alias: str = ""
    address: str = ""
    reserved_ports: str = ""
    gateway: str = ""


class NodeNetwork(NomadModel):
    mode: str = ""
    device: str = ""
    mac_address: str = ""
    addresses: list[NetworkAddress] = Field(default_factory=empty_list)


class NodeResources(NomadModel):
    cpu: NodeCpu = Field(default_factory=NodeCpu)
    memory: NodeMemory = Field(default_factory=NodeMemory)
    disk: NodeDisk = Field(default_factory=NodeDisk)
    networks: list[NetworkResource] = Field(default_factory=empty_list)
    node_networks: list[NodeNetwork] = Field(default_factory=empty_list)
    devices: list[NodeDevice] = Field(default_factory=empty_list)
    min_dynamic_port: int = 20000
    max_dynamic_port: int = 32000


class ReservedCpu(NomadModel):
    cpu_shares: int = 0
    reserved_cpu_cores: list[int] = Field(default_factory=empty_list)


class ReservedNetworks(NomadModel):
    reserved_host_ports: str = ""


class ReservedResources(NomadModel):
    cpu: ReservedCpu = Field(default_factory=ReservedCpu)
    memory: NodeMemory = Field(default_factory=NodeMemory)
    disk: NodeDisk = Field(default_factory=NodeDisk)
    networks: ReservedNetworks = Field(default_factory=ReservedNetworks)


class HostVolume(NomadModel):
    name: str = ""
    path: str = ""
    read_only: bool = False
    id: str = ""


class HostNetwork(NomadModel):
    name: str = ""
    cidr: str = ""
    interface: str = ""
    reserved_ports: str = ""


def _legacy_resources(data: dict[str, Any]) -> dict[str, Any]:
    """Pre-0.9 nodes carry ``Resources``/``Reserved`` {CPU, MemoryMB, DiskMB} instead."""
    if "NodeResources" in data or "node_resources" in data or not data.get("Resources"):
        return data
    old, reserved = data["Resources"], data.get("Reserved") or {}
    out = dict(data)
    out["NodeResources"] = {
        "Cpu": {"CpuShares": old.get("CPU", 0)},
        "Memory": {"MemoryMB": old.get("MemoryMB", 0)},
        "Disk": {"DiskMB": old.get("DiskMB", 0)},
    }
    out.setdefault(
        "ReservedResources",
        {
            "Cpu": {"CpuShares": reserved.get("CPU", 0)},
            "Memory": {"MemoryMB": reserved.get("MemoryMB", 0)},
            "Disk": {"DiskMB": reserved.get("DiskMB", 0)},
        },
    )
    return out


class Node(NomadModel):
    """One client node. Only the fields the scheduler reads are kept; the rest is ignored."""

    id: str = ""
    name: str = ""
    datacenter: str = "dc1"
    node_class: str = Field("", validation_alias=AliasChoices("NodeClass", "node_class", "class"))
    node_pool: str = Field(
        "default", validation_alias=AliasChoices("NodePool", "node_pool", "pool")
    )
    status: str = "ready"
    scheduling_eligibility: str = "eligible"
    drain: bool = False
    drain_strategy: dict[str, Any] | None = None
    attributes: StringMap = Field(default_factory=empty_dict)
    meta: StringMap = Field(default_factory=empty_dict)
    drivers: dict[str, DriverInfo | None] = Field(default_factory=empty_dict)
    node_resources: NodeResources = Field(default_factory=NodeResources)
    reserved_resources: ReservedResources = Field(default_factory=ReservedResources)
    host_volumes: dict[str, HostVolume] = Field(default_factory=empty_dict)
    host_networks: dict[str, HostNetwork] = Field(default_factory=empty_dict)
    node_max_allocs: int = 0

    @model_validator(mode="before")
    @classmethod
    def _canonicalize(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = _legacy_resources(data)
        # Node.Canonicalize: a node that sets no pool is in "default".
        for key in ("NodePool", "node_pool", "pool"):
            if data.get(key) == "":
                data = {**data, key: "default"}
        return data

    def ready(self) -> bool:
        """``Node.Ready()``: status ready, no drain strategy, scheduling eligible."""
        return (
            self.status == "ready"
            and self.drain_strategy is None
            and not self.drain
            and self.scheduling_eligibility == "eligible"
        )
