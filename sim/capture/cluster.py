"""What a snapshot holds, read from a live cluster with GETs only.

Nodes: the paged list (``/v1/nodes``), then each node in full (``/v1/node/:id``) with
bounded parallelism. Jobs: the paged list across namespaces (``/v1/jobs?namespace=*``),
then each in full (``/v1/job/:id?namespace=``). Allocations: the paged list with their
resources (``/v1/allocations?resources=true``), terminal ones left out. Then the scheduler
configuration, node pools, namespaces and regions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol
from urllib.parse import quote

from ..io.snapshot import FORMAT_VERSION, MARKER, is_terminal
from .client import CaptureError, NomadClient

ALL_NAMESPACES = "*"  # structs.AllNamespacesSentinel


class Progress(Protocol):
    """Opens one progress phase of ``total`` steps; the context yields ``advance(n)``."""

    def __call__(
        self, label: str, total: int
    ) -> contextlib.AbstractContextManager[Callable[[int], None]]: ...


@contextlib.contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


def capture_cluster(
    client: NomadClient,
    *,
    parallel: int = 8,
    per_page: int = 1000,
    progress: Progress = no_progress,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The whole cluster as one snapshot document (Nomad's answers, unchanged)."""
    namespace = client.connection.namespace or ALL_NAMESPACES
    with ThreadPoolExecutor(max_workers=max(parallel, 1)) as pool:
        node_stubs = _listed(client.pages("/v1/nodes", per_page=per_page), "nodes")
        nodes = _read_all(
            pool, progress, client, "nodes", [(_path("node", s), None) for s in node_stubs]
        )
        job_stubs = _listed(
            client.pages("/v1/jobs", {"namespace": namespace}, per_page=per_page), "jobs"
        )
        jobs = _read_all(
            pool,
            progress,
            client,
            "jobs",
            [(_path("job", s), {"namespace": s.get("Namespace") or "default"}) for s in job_stubs],
        )
    allocations = [
        alloc
        for alloc in client.pages(
            "/v1/allocations",
            {"resources": "true", "task_states": "false", "namespace": namespace},
            per_page=per_page,
        )
        if not is_terminal(alloc)
    ]
    config = client.json("/v1/operator/scheduler/configuration")
    regions = client.json("/v1/regions")
    agent = _agent(client)
    when = now or dt.datetime.now(dt.UTC)
    return {
        MARKER: FORMAT_VERSION,
        "CapturedAt": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Address": client.connection.address,
        "Region": client.connection.region or agent.get("Region", ""),
        "Namespace": namespace,
        "Agent": agent,
        "Regions": regions,
        "SchedulerConfiguration": (config or {}).get("SchedulerConfig") or {},
        "NodePools": list(client.pages("/v1/node/pools", per_page=per_page)),
        "Namespaces": client.json("/v1/namespaces"),
        "Nodes": nodes,
        "Jobs": jobs,
        "Allocations": allocations,
    }


def _listed(items: Iterable[Any], label: str) -> list[dict[str, Any]]:
    stubs = list(items)
    for i, stub in enumerate(stubs):
        if not isinstance(stub, dict) or not stub.get("ID"):
            raise CaptureError(f"{label} list item {i} has no ID")
    return stubs


def _path(kind: str, stub: dict[str, Any]) -> str:
    return f"/v1/{kind}/{quote(stub['ID'], safe='')}"


def _read_all(
    pool: ThreadPoolExecutor,
    progress: Progress,
    client: NomadClient,
    label: str,
    requests: list[tuple[str, dict[str, str] | None]],
) -> list[Any]:
    """Every object in full, at most ``pool`` requests at once, in the list's order."""
    with progress(label, len(requests)) as advance:

        def read(request: tuple[str, dict[str, str] | None]) -> Any:
            found = client.json(*request)
            advance(1)
            return found

        return list(pool.map(read, requests))


def _agent(client: NomadClient) -> dict[str, Any]:
    """The answering agent's region, datacenter and version, when the token may read it
    (``agent:read``); the snapshot does not need it."""
    try:
        self_ = client.json("/v1/agent/self")
    except CaptureError:
        return {}
    config = (self_ or {}).get("config") or {}
    version = config.get("Version") or {}
    return {
        "Region": config.get("Region", ""),
        "Datacenter": config.get("Datacenter", ""),
        "Version": version.get("Version", "") if isinstance(version, dict) else str(version),
    }
