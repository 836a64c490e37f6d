"""Scenario files written from a synthetic cluster round-trip through YAML and the loader."""

from __future__ import annotations

import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import Job, Node
from sim.core.implied import apply_registration_hooks
from sim.core.nodeclass import computed_class_key
from sim.synth import generate_jobs, generate_nodes, write_scenario

NODES, JOBS, SEED = 400, 30, 13


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(tmp_path_factory.mktemp("synth") / "synthetic.yaml", NODES, JOBS, SEED)


@pytest.fixture(scope="module")
def scenario_data(scenario_file: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(scenario_file.read_text(), Loader=loader)


def test_written_whole_and_readable(scenario_file: Path) -> None:
    assert [p.name for p in scenario_file.parent.iterdir()] == ["synthetic.yaml"]
    assert scenario_file.stat().st_mode & stat.S_IROTH


def test_yaml_round_trip_rebuilds_the_cluster(scenario_data: dict[str, Any]) -> None:
    data = scenario_data
    groups = data["node_groups"]
    assert sum(g["count"] for g in groups) == NODES
    assert len({g["name"] for g in groups}) == len(groups)
    nodes = generate_nodes(NODES, SEED)
    rebuilt = Counter()
    for g in groups:
        template = Node.model_validate(g["template"])
        assert not any(k.startswith("unique.") for k in template.attributes)
        rebuilt[computed_class_key(template)] += g["count"]
    assert rebuilt == Counter(computed_class_key(n) for n in nodes)
    jobs = [Job.model_validate(j) for j in data["jobs"]]
    assert jobs == generate_jobs(JOBS, SEED, nodes)


def test_groups_are_fewer_than_nodes(scenario_data: dict[str, Any]) -> None:
    groups = scenario_data["node_groups"]
    assert len(groups) < NODES / 2


def test_validates_against_the_scenario_model(scenario_data: dict[str, Any]) -> None:
    scenario_model = pytest.importorskip("models.scenario")
    scenario = scenario_model.Scenario.model_validate(scenario_data)
    assert len(scenario.jobs) == JOBS


def test_loads_through_the_scenario_loader(scenario_file: Path) -> None:
    loader = pytest.importorskip("sim.io.scenario")
    resolved = loader.load_scenario(scenario_file)
    assert len(resolved.nodes) == NODES
    # The loader returns the jobs as Nomad registers them (implied constraints added).
    generated = generate_jobs(JOBS, SEED, generate_nodes(NODES, SEED))
    assert resolved.jobs == [apply_registration_hooks(job) for job in generated]
