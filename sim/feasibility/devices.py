"""DeviceChecker: enough healthy device instances matching each request (feasible.go).

Requests of all tasks are matched in order, each consuming instances greedily from the first
node device group that matches by ID, has enough healthy instances and satisfies the
request's constraints. Nomad walks a Go map there (random order); this model walks the node's
device list in order, which only differs when two device groups could both serve a request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import Node, NodeDevice, RequestedDevice

from ..core.device_constraints import device_satisfies, resolve_device_target
from ..core.gofmt import go_quote
from ..core.nodetable import NodeTable
from .checker import Finding, per_node_verdicts
from .reasons import MISSING_DEVICES, ReasonTable


def request_id(name: str) -> tuple[str, str, str]:
    """(vendor, type, model) of ``gpu``, ``nvidia/gpu`` or ``nvidia/gpu/Tesla T4``."""
    parts = name.split("/", 2)
    if len(parts) == 1:
        return "", parts[0], ""
    if len(parts) == 2:
        return parts[0], parts[1], ""
    return parts[0], parts[1], parts[2]


def device_matches(device: NodeDevice, request: RequestedDevice) -> bool:
    """ID match (empty request parts match anything) and every device constraint holds."""
    vendor, kind, model = request_id(request.name)
    if (vendor and vendor != device.vendor) or (kind and kind != device.type):
        return False
    if model and model != device.name:
        return False
    return all(device_satisfies(device, c) for c in request.constraints)


def healthy_instances(device: NodeDevice) -> int:
    return sum(1 for i in device.instances if i.healthy)


def has_devices(node: Node, requests: list[RequestedDevice]) -> bool:
    """``DeviceChecker.hasDevices``."""
    if not requests:
        return True
    available = {i: healthy_instances(d) for i, d in enumerate(node.node_resources.devices)}
    available = {i: n for i, n in available.items() if n}
    for request in requests:
        for index, unused in available.items():
            device = node.node_resources.devices[index]
            if unused >= request.count and device_matches(device, request):
                available[index] = unused - request.count
                break
        else:
            return False
    return True


def describe_devices(node: Node, targets: tuple[str, ...] = ()) -> str:
    """The node's device groups; with ``targets``, the values those device targets read."""
    devices = node.node_resources.devices
    if not devices:
        return "no devices"
    parts = []
    for d in devices:
        values = []
        for target in targets:
            value, present = resolve_device_target(target, d)
            if present and value is not None:
                values.append(f"{target} = {value.value}{' ' + value.unit if value.unit else ''}")
        shown = f" ({', '.join(values)})" if values else ""
        parts.append(f"{d.vendor}/{d.type}/{d.name} ×{healthy_instances(d)} healthy{shown}")
    return ", ".join(parts)


@dataclass
class DeviceChecker:
    requests: list[RequestedDevice]
    family: str = "device"
    # The task of each request, parallel to ``requests``, for the why-not wording.
    tasks: tuple[str, ...] = ()

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        return per_node_verdicts(
            table, rows, lambda node: has_devices(node, self.requests), reasons.id(MISSING_DEVICES)
        )

    def findings(self, node: Node) -> list[Finding]:
        if has_devices(node, self.requests):
            return []
        owners = self.tasks or ("",) * len(self.requests)
        wanted = "; ".join(
            (f"task {go_quote(task)}: " if task else "")
            + f"{r.count}× {r.name}"
            + (f" where {', '.join(map(str, r.constraints))}" if r.constraints else "")
            for task, r in zip(owners, self.requests, strict=True)
        )
        targets = tuple(
            dict.fromkeys(
                t
                for r in self.requests
                for c in r.constraints
                for t in (c.l_target, c.r_target)
                if t.startswith("${device.attr.")
            )
        )
        return [Finding("devices", wanted, describe_devices(node, targets))]
