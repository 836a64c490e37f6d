"""The real job corpus through Nomad's registration hooks, on a client without Consul or CNI.

For every job file of the shared real fixtures, the services, bridge networks and Connect
sidecars are counted from the job as written (Nomad's API JSON: ``hcl_to_api`` or the file),
independently of the hooks; then the loaded job must carry what Nomad adds for each, and a
client like the real ``api-node-read`` sample with its Consul agent and CNI plugins taken away
must refuse every such group, saying so in Nomad's words.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from models import Job, Node
from sim import NodeTable, evaluate_job, explain_group, format_dry_run, load_jobs, load_nodes
from sim.core.errors import InputError
from sim.io import hcl_to_api
from sim.io.detect import Kind, detect

from .conftest import REAL

CONSUL = "${attr.consul.version} semver >= 1.8.0"
CNI_BRIDGE = "${attr.plugins.cni.version.bridge} semver >= 0.4.0"

# The counts the corpus of 116 public job files was described with (issue 14).
ISSUE_CORPUS = (116, 57, 16, 9)


@dataclass
class Written:
    """What a job file asks for, read from its API JSON before any hook runs."""

    consul_groups: set[str] = field(default_factory=set)
    bridge_groups: set[str] = field(default_factory=set)
    sidecars: set[tuple[str, str]] = field(default_factory=set)


def _as_written(api: dict[str, Any]) -> Written:
    found = Written()
    for group in api.get("TaskGroups") or []:
        name = group.get("Name", "")
        services = list(group.get("Services") or [])
        for task in group.get("Tasks") or []:
            services += task.get("Services") or []
        if any((s.get("Provider") or "consul") == "consul" for s in services):
            found.consul_groups.add(name)
        if any(n.get("Mode") == "bridge" for n in group.get("Networks") or []):
            found.bridge_groups.add(name)
        for service in group.get("Services") or []:
            if (service.get("Connect") or {}).get("SidecarService") is not None:
                found.sidecars.add((name, service.get("Name", "")))
    return found


def _job_files() -> list[Path]:
    folder = REAL / "jobs"
    if not folder.is_dir():
        pytest.skip("shared real fixtures are not available")
    return sorted(p for p in folder.iterdir() if p.is_file())


def _api_jobs(path: Path) -> list[dict[str, Any]]:
    found = detect(path)
    if found.kind is Kind.HCL_JOB:
        return [hcl_to_api(found.source)]
    if found.kind is Kind.JOB:
        return [found.data]
    if found.kind is Kind.JOBS:
        return list(found.data)
    return []


def _loaded(path: Path) -> list[tuple[dict[str, Any], Job]] | None:
    try:
        return list(zip(_api_jobs(path), load_jobs(path), strict=True))
    except InputError:
        return None


def _bare_client(job: Job) -> Node:
    """The real sample client, in the job's datacenter and pool, with every driver the job
    uses, and without a Consul agent or CNI plugins."""
    node = load_nodes(REAL / "nodes" / "api-node-read.sample.json").nodes[0]
    attributes = {
        k: v
        for k, v in node.attributes.items()
        if not k.startswith(("consul.", "unique.consul.", "plugins.cni."))
    }
    drivers = {t.driver for g in job.task_groups for t in g.tasks if t.driver}
    for driver in drivers:
        attributes[f"driver.{driver}"] = "1"
    datacenter = next((d for d in job.datacenters if "*" not in d and "?" not in d), "dc1")
    data = json.loads(node.model_dump_json(by_alias=True))
    data.update(
        Attributes=attributes,
        Datacenter=datacenter,
        NodePool=job.node_pool if job.node_pool not in ("all", "") else "default",
        Drivers={d: {"Detected": True, "Healthy": True} for d in drivers},
    )
    return Node.model_validate(data)


def _corpus() -> Iterator[tuple[Path, Written, Job]]:
    """Every job of the corpus that loads: its file, what it asks for, the registered job."""
    for path in _job_files():
        for api, job in _loaded(path) or []:
            yield path, _as_written(api), job


def test_corpus_jobs_carry_what_nomad_adds() -> None:
    checked = 0
    for path, written, job in _corpus():
        for group in job.task_groups:
            implied = [str(c) for c in group.constraints if c.implied_by]
            task_implied = [str(c) for t in group.tasks for c in t.constraints if c.implied_by]
            if group.name in written.consul_groups:
                assert CONSUL in implied + task_implied, (path.name, group.name)
            if group.name in written.bridge_groups:
                assert CNI_BRIDGE in implied, (path.name, group.name)
            proxies = [t for t in group.tasks if t.kind.startswith("connect-proxy:")]
            wanted = [s for g, s in written.sidecars if g == group.name]
            if group.networks:  # without one the hook skips the group (and Nomad refuses it)
                assert len(proxies) == len(wanted), (path.name, group.name)
            checked += 1
    assert checked > 0


def test_a_client_without_consul_or_cni_refuses_them_in_nomads_words() -> None:
    refused = 0
    for path, written, job in _corpus():
        needs = written.consul_groups | written.bridge_groups
        if not needs:
            continue
        table = NodeTable([_bare_client(job)])
        for feasibility in evaluate_job(table, job).groups:
            if feasibility.group.name not in needs:
                continue
            assert feasibility.metric.nodes_filtered == 1, (path.name, feasibility.group.name)
            (explained,) = explain_group(table, feasibility)
            implied = [f for f in explained.findings if f.implied_by]
            assert implied, (path.name, feasibility.group.name)
            first = explained.findings[0]
            if first.implied_by:
                text = format_dry_run(job.type, {feasibility.group.name: feasibility.metric})
                wording = first.required.removesuffix(f" (added by Nomad for {first.implied_by})")
                assert f'Constraint "{wording}": 1 nodes excluded by filter' in text
            refused += 1
    assert refused > 0


def test_corpus_counts_match_the_issue() -> None:
    files = _job_files()
    if len(files) != ISSUE_CORPUS[0]:
        pytest.skip(f"the {ISSUE_CORPUS[0]}-file corpus is not here ({len(files)} job files)")
    consul = bridge = sidecars = 0
    for path in files:
        written = [_as_written(api) for api in _api_jobs_or_none(path)]
        consul += any(w.consul_groups for w in written)
        bridge += any(w.bridge_groups for w in written)
        sidecars += any(w.sidecars for w in written)
    assert (len(files), consul, bridge, sidecars) == ISSUE_CORPUS


def _api_jobs_or_none(path: Path) -> list[dict[str, Any]]:
    try:
        return _api_jobs(path)
    except InputError:
        return []
