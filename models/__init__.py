"""Pure data: Nomad's nodes and jobs as pydantic models. Validation only, no scheduling logic."""

from .base import Duration, NomadModel, parse_go_duration
from .constraints import Affinity, Constraint, Spread, SpreadTarget
from .job import (
    EphemeralDisk,
    Job,
    Lifecycle,
    Resources,
    Scaling,
    Secret,
    Task,
    TaskGroup,
    UpdateStrategy,
)
from .node import (
    DeviceAttribute,
    DeviceInstance,
    DriverInfo,
    HostNetwork,
    HostVolume,
    Node,
    NodeDevice,
    NodeResources,
    ReservedResources,
)
from .resources import NetworkResource, Port, RequestedDevice, VolumeRequest
from .scenario import NodeGroup, Scenario

__all__ = [
    "Affinity",
    "Constraint",
    "DeviceAttribute",
    "DeviceInstance",
    "DriverInfo",
    "Duration",
    "EphemeralDisk",
    "HostNetwork",
    "HostVolume",
    "Job",
    "Lifecycle",
    "NetworkResource",
    "Node",
    "NodeDevice",
    "NodeGroup",
    "NodeResources",
    "NomadModel",
    "Port",
    "RequestedDevice",
    "ReservedResources",
    "Resources",
    "Scaling",
    "Scenario",
    "Secret",
    "Spread",
    "SpreadTarget",
    "Task",
    "TaskGroup",
    "UpdateStrategy",
    "VolumeRequest",
    "parse_go_duration",
]
