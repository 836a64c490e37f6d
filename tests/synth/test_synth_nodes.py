"""Synthetic node populations: deterministic, prefix-stable, and shaped like real clusters."""

from __future__ import annotations

from collections import Counter

import pytest

from models import Node
from sim.core.nodeclass import computed_class_key
from sim.synth import NodeProfile, generate_nodes


@pytest.fixture(scope="module")
def population() -> list[Node]:
    return generate_nodes(5000, seed=11)


def test_same_seed_same_nodes_other_seed_other_nodes() -> None:
    assert generate_nodes(300, 1) == generate_nodes(300, 1)
    assert generate_nodes(300, 1) != generate_nodes(300, 2)


def test_smaller_population_is_a_prefix_of_a_larger_one() -> None:
    assert generate_nodes(40, 5) == generate_nodes(400, 5)[:40]


def test_ids_names_and_addresses_are_unique(population: list[Node]) -> None:
    for values in (
        [n.id for n in population],
        [n.name for n in population],
        [n.attributes["unique.hostname"] for n in population],
        [n.attributes["unique.network.ip-address"] for n in population],
    ):
        assert len(set(values)) == len(population)


def test_nodes_survive_validation(population: list[Node]) -> None:
    for node in population[:200]:
        assert Node.model_validate(node.model_dump()) == node


def test_os_mix_follows_the_profile(population: list[Node]) -> None:
    share = Counter(n.attributes["kernel.name"] for n in population)
    assert share["linux"] / len(population) == pytest.approx(0.85, abs=0.03)
    assert share["windows"] / len(population) == pytest.approx(0.12, abs=0.03)
    assert share["darwin"] / len(population) == pytest.approx(0.03, abs=0.02)
    only_linux = generate_nodes(200, 3, NodeProfile(os_mix={"linux": 1.0}))
    assert {n.attributes["kernel.name"] for n in only_linux} == {"linux"}


def test_os_attributes_are_consistent(population: list[Node]) -> None:
    for node in population:
        kernel = node.attributes["kernel.name"]
        if kernel == "windows":
            assert node.attributes["os.name"].startswith("Microsoft Windows Server")
            assert node.attributes["kernel.version"].startswith("10.0.")
        if kernel != "linux":
            assert not node.drivers["exec"].detected
        if "driver.docker" in node.attributes:
            assert node.attributes["driver.docker.os_type"] == (
                "windows" if kernel == "windows" else "linux"
            )


def test_computed_classes_stay_few(population: list[Node]) -> None:
    classes = {computed_class_key(n) for n in population}
    assert 20 <= len(classes) <= 300


def test_health_and_readiness_vary_a_little(population: list[Node]) -> None:
    n = len(population)
    sick = sum(any(d.detected and not d.healthy for d in x.drivers.values()) for x in population)
    assert 0.01 < sick / n < 0.15
    not_ready = Counter(node.status for node in population)
    assert 0.002 < 1 - not_ready["ready"] / n < 0.03
    assert any(node.drain and node.drain_strategy for node in population)
    assert any(x.scheduling_eligibility == "ineligible" and not x.drain for x in population)
    assert 0.95 < sum(node.ready() for node in population) / n < 0.995


def test_gpus_look_like_nvidia_devices(population: list[Node]) -> None:
    gpu_nodes = [n for n in population if n.node_resources.devices]
    assert 0.02 < len(gpu_nodes) / len(population) < 0.1
    instances = []
    for node in gpu_nodes:
        (device,) = node.node_resources.devices
        assert (device.vendor, device.type) == ("nvidia", "gpu")
        assert 1 <= len(device.instances) <= 8
        assert device.attributes["memory"].unit == "MiB"
        assert isinstance(device.attributes["memory"].value, int)
        assert isinstance(device.attributes["driver_version"].value, str)
        instances += device.instances
    assert len({i.id for i in instances}) == len(instances)
    assert not all(i.healthy for i in instances)
    assert not generate_nodes(300, 1, NodeProfile(gpu_fraction=0.0))[0].node_resources.devices


def test_versions_include_a_few_prereleases(population: list[Node]) -> None:
    versions = Counter(n.attributes["nomad.version"] for n in population)
    prerelease = sum(c for v, c in versions.items() if "-" in v)
    assert 0 < prerelease / len(population) < 0.1
    assert {v[:3] for v in versions} >= {"1.6", "1.9"}


def test_pools_classes_and_datacenters_vary(population: list[Node]) -> None:
    assert {"default", "gpu"} <= {n.node_pool for n in population}
    assert "" in {n.node_class for n in population}
    assert len({n.node_class for n in population}) >= 4
    assert len({n.datacenter for n in population}) >= 3
    assert len({n.meta["rack"] for n in population}) >= 10
