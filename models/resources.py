"""Networks, ports, devices and volumes: shared by what a task asks for and what a node has."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, field_validator

from .base import NomadModel
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
    reserved_ports: list[Port] = Field(default_factory=list)
    dynamic_ports: list[Port] = Field(default_factory=list)
    hostname: str = ""


class RequestedDevice(NomadModel):
    """``device "nvidia/gpu" { count = 2 }``; Name is ``type``, ``vendor/type`` or ``.../model``."""

    name: str
    count: int = 1
    constraints: list[Constraint] = Field(
        default_factory=list,
        validation_alias=AliasChoices("Constraints", "constraints", "constraint"),
    )
    affinities: list[Affinity] = Field(
        default_factory=list, validation_alias=AliasChoices("Affinities", "affinities", "affinity")
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
