"""A stand-in Nomad HTTP API on 127.0.0.1 that serves a fixed cluster, for demos and tests.

It answers the read endpoints ``nomad-sim snapshot`` uses, the way Nomad does
(see ../shared/fixtures/real/api/README.md): lists paged by ``per_page``/``next_token`` with
the next page's first key in ``X-Nomad-NextToken``, ``namespace=*`` across namespaces,
gzip when asked, plain-text error bodies. Faults can be injected per path prefix: a status
once or always, or a delay.

    python scripts/nomad_replay.py --nodes 2000 --jobs 20 --port 4646
    python scripts/nomad_replay.py --scenario scenarios/multi-dc-pools.yaml

serves a generated cluster (``sim.synth``), or a scenario's nodes and jobs, whose jobs
already run where the simulator places them, until interrupted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SCHEDULER_CONFIG = {
    "SchedulerAlgorithm": "binpack",
    "MemoryOversubscriptionEnabled": False,
    "PreemptionConfig": {
        "SystemSchedulerEnabled": True,
        "SysBatchSchedulerEnabled": False,
        "BatchSchedulerEnabled": False,
        "ServiceSchedulerEnabled": False,
    },
    "RejectJobRegistration": False,
    "PauseEvalBroker": False,
    "CreateIndex": 5,
    "ModifyIndex": 5,
}
BUILTIN_POOLS = [
    {"Name": "all", "Description": "Node pool with all nodes in the cluster."},
    {"Name": "default", "Description": "Default node pool."},
]
NODE_STUB_FIELDS = (
    "ID", "Name", "Datacenter", "NodeClass", "NodePool", "Status", "SchedulingEligibility",
    "Drain", "Drivers", "CreateIndex", "ModifyIndex",
)  # fmt: skip


@dataclass
class Cluster:
    """What the stand-in serves: Nomad API objects, as GET /v1/node/:id etc. return them."""

    nodes: list[dict[str, Any]]
    jobs: list[dict[str, Any]]
    allocations: list[dict[str, Any]] = field(default_factory=list)
    scheduler: dict[str, Any] = field(default_factory=lambda: dict(SCHEDULER_CONFIG))
    node_pools: list[dict[str, Any]] = field(default_factory=list)
    namespaces: list[dict[str, Any]] = field(default_factory=list)
    regions: list[str] = field(default_factory=lambda: ["global"])


@dataclass
class Fault:
    status: int = 0
    body: str = ""
    times: int = -1  # -1: always
    delay: float = 0.0


class Replay:
    """The request handler: routes a GET to the cluster's data, applying injected faults."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.nodes = {n["ID"]: n for n in cluster.nodes}
        self.jobs = {(_ns(j), j["ID"]): j for j in cluster.jobs}
        self.faults: dict[str, Fault] = {}
        self.requests: list[str] = []
        self.methods: set[str] = set()
        self.tokens: set[str] = set()
        self.basic_auth: set[tuple[str, str]] = set()
        self.gzipped = 0

    def fail(self, prefix: str, status: int, body: str = "", times: int = -1) -> None:
        self.faults[prefix] = Fault(status, body, times)

    def slow(self, prefix: str, delay: float) -> None:
        self.faults[prefix] = Fault(delay=delay)

    def __call__(self, request: Request) -> Response:
        self.methods.add(request.method)
        self.requests.append(request.full_path)
        self.tokens.add(request.headers.get("X-Nomad-Token", ""))
        if request.authorization is not None:
            auth = request.authorization
            self.basic_auth.add((auth.username or "", auth.password or ""))
        if request.method != "GET":
            return _text(405, "Invalid method")
        for prefix, fault in self.faults.items():
            if request.path.startswith(prefix) and fault.times != 0:
                fault.times -= fault.times > 0
                if fault.delay:
                    time.sleep(fault.delay)
                else:
                    return _text(fault.status, fault.body)
        try:
            payload, next_token = self.route(request)
        except LookupError as exc:
            return _text(404, str(exc.args[0]) if exc.args else "")
        except ValueError as exc:
            return _text(400, str(exc))
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Nomad-Index": "100"}
        if next_token:
            headers["X-Nomad-NextToken"] = next_token
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
            self.gzipped += 1
        return Response(body, 200, headers)

    def route(self, request: Request) -> tuple[Any, str]:
        path, args = request.path, request.args
        namespace = args.get("namespace", "default")
        c = self.cluster
        if path == "/v1/nodes":
            stubs = [{k: n.get(k) for k in NODE_STUB_FIELDS} for n in c.nodes]
            return _page(stubs, args, lambda n: n["ID"])
        if m := re.fullmatch(r"/v1/node/pool/([^/]+)", path):
            return _one(c.node_pools, lambda p: p["Name"] == m.group(1), "node pool not found")
        if path == "/v1/node/pools":
            return _page(BUILTIN_POOLS + c.node_pools, args, lambda p: p["Name"])
        if m := re.fullmatch(r"/v1/node/([^/]+)", path):
            return _found(self.nodes.get(m.group(1)), "node not found")
        if path == "/v1/jobs":
            stubs = [
                {"ID": j["ID"], "Name": j.get("Name", j["ID"]), "Namespace": _ns(j),
                 "Type": j.get("Type", "service"), "Status": j.get("Status", "running")}
                for j in c.jobs if namespace in ("*", _ns(j))
            ]  # fmt: skip
            return _page(stubs, args, lambda j: f"{j['Namespace']}.{j['ID']}")
        if m := re.fullmatch(r"/v1/job/(.+)", path):
            return _found(self.jobs.get((namespace, m.group(1))), "job not found")
        if path == "/v1/allocations":
            allocs = [a for a in c.allocations if namespace in ("*", _ns(a))]
            if args.get("resources") != "true":
                allocs = [{k: v for k, v in a.items() if k != "AllocatedResources"} for a in allocs]
            return _page(allocs, args, lambda a: f"{a.get('CreateIndex', 0)}.{a['ID']}")
        if path == "/v1/operator/scheduler/configuration":
            return {"SchedulerConfig": c.scheduler, "Index": 5, "KnownLeader": True}, ""
        if path == "/v1/namespaces":
            default = [{"Name": "default", "Description": "Default shared namespace"}]
            return c.namespaces or default, ""
        if path == "/v1/regions":
            return c.regions, ""
        if path == "/v1/agent/self":
            return {"config": {"Region": c.regions[0], "Datacenter": "dc1",
                               "Version": {"Version": "1.9.3"}}}, ""  # fmt: skip
        raise LookupError("")


def _ns(item: dict[str, Any]) -> str:
    return item.get("Namespace") or "default"


def _text(status: int, body: str) -> Response:
    return Response(body, status, {"Content-Type": "text/plain; charset=utf-8"})


def _found(item: dict[str, Any] | None, missing: str) -> tuple[Any, str]:
    if item is None:
        raise LookupError(missing)
    return item, ""


def _one(items: list[dict[str, Any]], match, missing: str) -> tuple[Any, str]:
    for item in items:
        if match(item):
            return item, ""
    raise LookupError(missing)


def _page(items: list[dict[str, Any]], args, key) -> tuple[list[dict[str, Any]], str]:
    """``paginator.Paginator``: sorted by key, from ``next_token`` on, ``per_page`` at most;
    the token is the key of the next page's first item."""
    raw = args.get("per_page", "0")
    try:
        per_page = int(raw)
    except ValueError:
        raise ValueError("Expect a number for `per_page` query string parameter") from None
    ordered = sorted(items, key=key)
    token = args.get("next_token", "")
    if token:
        ordered = [item for item in ordered if key(item) >= token]
    if per_page <= 0 or len(ordered) <= per_page:
        return ordered, ""
    return ordered[:per_page], key(ordered[per_page])


def synthetic_cluster(
    nodes: int, jobs: int, seed: int = 0, running: bool = True, profile=None
) -> Cluster:
    """A generated cluster; with ``running``, its jobs run where the simulator places them.
    ``profile`` is a ``sim.synth.JobProfile``."""
    from sim.synth import generate_jobs, generate_nodes

    node_models = generate_nodes(nodes, seed)
    return cluster_of(node_models, generate_jobs(jobs, seed, node_models, profile), seed, running)


def scenario_cluster(path: str, seed: int = 0) -> Cluster:
    """A scenario file's nodes and jobs, running where the simulator places them."""
    from sim import load_scenario

    resolved = load_scenario(path)
    algorithm = resolved.scenario.scheduler.algorithm
    return cluster_of(resolved.nodes, resolved.jobs, seed, True, algorithm)


def cluster_of(node_models, job_models, seed: int, running: bool, algorithm="binpack") -> Cluster:
    from sim import simulate

    node_json = [n.model_dump(by_alias=True, mode="json") for n in node_models]
    job_json = [
        {**j.model_dump(by_alias=True, mode="json"), "Status": "running"} for j in job_models
    ]
    allocations = []
    if running:
        plan = simulate(
            node_models, job_models, seed=seed, algorithm=algorithm, score_metadata=False
        )
        for i, placed in enumerate(plan.allocations()):
            node = node_models[placed.node_index]
            allocations.append(_alloc_stub(i, placed, node))
    pools = sorted({n.node_pool for n in node_models} - {"default", "all"})
    return Cluster(
        node_json,
        job_json,
        allocations,
        scheduler={**SCHEDULER_CONFIG, "SchedulerAlgorithm": algorithm},
        node_pools=[{"Name": p, "Description": "", "SchedulerConfiguration": None} for p in pools],
    )


def _alloc_stub(i: int, placed, node) -> dict[str, Any]:
    """An AllocListStub with ``AllocatedResources``, as ``?resources=true`` returns it."""
    d = f"{i:032x}"
    return {
        "ID": f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}",
        "Name": placed.name,
        "Namespace": "default",
        "JobID": placed.job_id,
        "TaskGroup": placed.group,
        "NodeID": node.id,
        "NodeName": node.name,
        "ClientStatus": "running",
        "DesiredStatus": "run",
        "CreateIndex": 1000 + i,
        "AllocatedResources": {
            "Tasks": {
                "main": {
                    "Cpu": {
                        "CpuShares": int(placed.cpu),
                        "ReservedCores": list(placed.offer.cores),
                    },
                    "Memory": {"MemoryMB": placed.memory_mb},
                }
            },
            "Shared": {
                "DiskMB": placed.disk_mb,
                "Ports": [{"Label": label, "Value": port} for label, port in placed.offer.ports],
            },
        },
    }


def serve(server: HTTPServer, replay: Replay) -> None:
    server.expect_request(re.compile(r"^/.*")).respond_with_handler(replay)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=4646)
    parser.add_argument(
        "--miss-fraction",
        type=float,
        default=None,
        help="Share of constraints drawn to match no node (sim.synth.JobProfile).",
    )
    parser.add_argument("--scenario", help="Serve this scenario's nodes and jobs instead.")
    args = parser.parse_args()
    from sim.synth import JobProfile

    profile = (
        JobProfile()
        if args.miss_fraction is None
        else JobProfile(miss_fraction=args.miss_fraction, device_fraction=0.0)
    )
    if args.scenario:
        cluster = scenario_cluster(args.scenario, args.seed)
    else:
        cluster = synthetic_cluster(args.nodes, args.jobs, args.seed, profile=profile)
    replay = Replay(cluster)
    server = HTTPServer(host="127.0.0.1", port=args.port, threaded=True)
    serve(server, replay)
    server.start()
    c = replay.cluster
    print(
        f"serving {len(c.nodes)} nodes, {len(c.jobs)} jobs, {len(c.allocations)} allocations "
        f"on http://127.0.0.1:{args.port} (Ctrl-C stops)",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
