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
from collections.abc import Callable, Iterator
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
        node_stubs = list(client.pages("/v1/nodes", per_page=per_page))
        nodes = _each(
            pool,
            progress,
            "nodes",
            node_stubs,
            lambda s: f"/v1/node/{quote(s['ID'], safe='')}",
            client,
            lambda s: None,
        )
        job_stubs = list(client.pages("/v1/jobs", {"namespace": namespace}, per_page=per_page))
        jobs = _each(
            pool,
            progress,
            "jobs",
            job_stubs,
            lambda s: f"/v1/job/{quote(s['ID'], safe='')}",
            client,
            lambda s: {"namespace": s.get("Namespace") or "default"},
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


def _each(
    pool: ThreadPoolExecutor,
    progress: Progress,
    label: str,
    stubs: list[dict[str, Any]],
    path_of: Callable[[dict[str, Any]], str],
    client: NomadClient,
    params_of: Callable[[dict[str, Any]], dict[str, str] | None],
) -> list[Any]:
    """Read every stub's full object, at most ``pool`` at once, in the list's order."""
    for i, stub in enumerate(stubs):
        if not isinstance(stub, dict) or not stub.get("ID"):
            raise CaptureError(f"{label} list item {i} has no ID")
    with progress(label, len(stubs)) as advance:

        def read(stub: dict[str, Any]) -> Any:
            found = client.json(path_of(stub), params_of(stub))
            advance(1)
            return found

        return list(pool.map(read, stubs))


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
