"""Networks, ports, devices and volumes: shared by what a task asks for and what a node has."""

from typing import Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from .base import NomadModel, empty_list
from .constraints import Affinity, Constraint


def _int_from_string(value: Any) -> Any:
    # HCL lets `static = "8888"` through as a string; gohcl converts it to a number.
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


class Port(NomadModel):
    """A port request (``port "http" { static = 8080 }``); ``Value`` is the static port."""

    label: str = ""
    value: int = Field(0, validation_alias=AliasChoices("Value", "value", "static"))
    to: int = 0
    host_network: str = ""
    ignore_collision: bool = False

    _coerce = field_validator("value", "to", mode="before")(lambda cls, v: _int_from_string(v))


class NetworkResource(NomadModel):
    """A group's ``network`` block, or one host NIC in a node's NodeResources."""

    mode: str = ""
    device: str = ""
    cidr: str = ""
    ip: str = ""
    m_bits: int = 0
    reserved_ports: list[Port] = Field(default_factory=empty_list)
    dynamic_ports: list[Port] = Field(default_factory=empty_list)
    hostname: str = ""


class RequestedDevice(NomadModel):
    """``device "nvidia/gpu" { count = 2 }``; Name is ``type``, ``vendor/type`` or ``.../model``."""

    name: str
    count: int = 1
    constraints: list[Constraint] = Field(
        default_factory=empty_list,
        validation_alias=AliasChoices("Constraints", "constraints", "constraint"),
    )
    affinities: list[Affinity] = Field(
        default_factory=empty_list,
        validation_alias=AliasChoices("Affinities", "affinities", "affinity"),
    )


class VolumeRequest(NomadModel):
    """A group ``volume`` block: ``type`` is ``host`` or ``csi``."""

    name: str = ""
    type: str = "host"
    source: str = ""
    read_only: bool = False
    sticky: bool = False
    access_mode: str = ""
    attachment_mode: str = ""
    per_alloc: bool = False


class Numa(NomadModel):
    """``resources.numa``: any affinity but ``none`` asks for NUMA-aware placement."""

    affinity: str = "none"
    devices: list[str] = Field(default_factory=empty_list)

    def requested(self) -> bool:
        return self.affinity != "none"


class Resources(NomadModel):
    """A task's ``resources`` block (api/resources.go ``Resources.Canonicalize`` defaults)."""

    cpu: int = Field(100, validation_alias=AliasChoices("CPU", "cpu"), serialization_alias="CPU")
    cores: int = 0
    memory_mb: int = Field(300, validation_alias=AliasChoices("MemoryMB", "memory_mb", "memory"))
    memory_max_mb: int = Field(
        0, validation_alias=AliasChoices("MemoryMaxMB", "memory_max_mb", "memory_max")
    )
    disk_mb: int = Field(0, validation_alias=AliasChoices("DiskMB", "disk_mb", "disk"))
    secrets_mb: int = Field(0, validation_alias=AliasChoices("SecretsMB", "secrets_mb", "secrets"))
    networks: list[NetworkResource] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Networks", "networks", "network")
    )
    devices: list[RequestedDevice] = Field(
        default_factory=empty_list, validation_alias=AliasChoices("Devices", "devices", "device")
    )
    numa: Numa | None = Field(
        None, validation_alias=AliasChoices("NUMA", "numa"), serialization_alias="NUMA"
    )

    @model_validator(mode="before")
    @classmethod
    def _cores_zero_cpu(cls, data: Any) -> Any:
        # CPU defaults to 100 only when neither CPU nor Cores is set; with Cores it is 0.
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if v is not None}
        has_cpu = any(k in data for k in ("CPU", "cpu"))
        cores = next((data[k] for k in ("Cores", "cores") if k in data), 0)
        if not has_cpu and cores:
            data["cpu"] = 0
        return data
