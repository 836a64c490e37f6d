"""Every real fixture either loads into the models or fails with a specific, file-naming error."""

from __future__ import annotations

import hashlib

import pytest

from sim.core.errors import InputError
from sim.io import load_job, load_nodes, load_tfvars, load_variables_tf
from sim.io.detect import NODE_CAPTURE_RECIPE

JOBS = {
    "ceph.job-inspect.json": ("ceph", 1),
    "example-short.run-output.json": ("example", 1),
    "example.nomad.hcl": ("example", 1),
    "hashistack-traefik.nomad": ("traefik", 1),
    "hashistack-webapp.nomad": ("webapp", 1),
    "kadalu-csi-app.nomad": ("sample-pv-check", 1),
    "lost_simple.nomad": ("lost_simple", 1),
    "multiple_spread.nomad": ("r1", 1),
    "on-demand-batch.nomad": ("batch", 1),
    "system_job_all_pools.nomad": ("system_job", 1),
    "tensorrt-demo.nomad": ("tensorrt", 2),
    "windows-heap-test.nomad": ("windows-heap-test", 1),
}


def test_every_job_fixture_is_covered(real):
    assert sorted(p.name for p in (real / "jobs").iterdir()) == sorted(JOBS)


@pytest.mark.parametrize("name", sorted(JOBS))
def test_job_fixture_loads(real, name):
    path = real / "jobs" / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    job = load_job(path)
    assert (job.id, len(job.task_groups)) == JOBS[name]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never modified


def test_job_fixture_details(real):
    windows = load_job(real / "jobs" / "windows-heap-test.nomad")
    assert [str(c) for c in windows.constraints] == [
        "${attr.kernel.name} = windows",
        "${node.class} = hashistack-windows",
    ]
    assert windows.task_groups[0].count == 80
    assert windows.task_groups[0].update.healthy_deadline == 120_000_000_000
    lost = load_job(real / "jobs" / "lost_simple.nomad")
    assert lost.task_groups[0].constraints[1].operand == "distinct_hosts"
    kadalu = load_job(real / "jobs" / "kadalu-csi-app.nomad")
    assert kadalu.datacenters == ["dc1"]
    assert kadalu.task_groups[0].volumes["test"].source == "csi-test"
    trt = load_job(real / "jobs" / "tensorrt-demo.nomad")
    front = trt.task_groups[1].tasks[0].resources.networks[0]
    assert [(p.label, p.value) for p in front.reserved_ports] == [("http", 8888)]


def test_run_output_defaults_applied(real):
    job = load_job(real / "jobs" / "example-short.run-output.json")
    group = job.task_groups[0]
    assert (job.type, job.priority, job.region, job.namespace, job.node_pool) == (
        "service",
        50,
        "global",
        "default",
        "default",
    )
    assert (group.count, group.ephemeral_disk.size_mb) == (1, 300)
    assert group.networks[0].dynamic_ports[0].to == 6379


def test_inspect_output_is_canonical(real):
    job = load_job(real / "jobs" / "ceph.job-inspect.json")
    assert job.node_pool == "default"  # predates NodePool: the server default applies
    assert str(job.task_groups[0].constraints[0]) == "${attr.kernel.name} = linux"


def test_full_node_fixture(real):
    loaded = load_nodes(real / "nodes" / "api-node-read.sample.json")
    assert loaded.warnings == []
    node = loaded.nodes[0]
    assert node.attributes["kernel.name"] == "linux"
    assert node.node_resources.cpu.cpu_shares > 0


def test_node_stub_fixture_warns(real):
    loaded = load_nodes(real / "nodes" / "api-nodes-list.sample.json")
    assert len(loaded.nodes) == 1
    (warning,) = loaded.warnings
    assert "no Attributes" in warning and "NodeResources" in warning and "${attr.*}" in warning
    assert NODE_CAPTURE_RECIPE in warning


def test_terraform_fixtures(real):
    values = load_tfvars(real / "terraform" / "terraform.tfvars")
    assert (values["client_count"], values["windows_client_count"]) == (1, 1)
    assert values["availability_zones"] == ["us-west-2a", "us-west-2b", "us-west-2c"]
    defaults = load_variables_tf(real / "terraform" / "variables.tf")
    assert (defaults["client_count"], defaults["windows_client_count"]) == (1, 0)
    assert "owner_name" not in defaults  # required: no default


@pytest.mark.parametrize("loader", [load_job, load_tfvars, load_nodes])
def test_terraform_configuration_is_rejected_clearly(real, loader):
    path = real / "terraform" / "aws-hashistack-asg.tf"
    with pytest.raises(InputError, match="Terraform configuration") as info:
        loader(path)
    assert str(info.value).startswith(str(path))
