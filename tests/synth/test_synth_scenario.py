"""Scenario files written from a synthetic cluster round-trip through YAML and the loader."""

from __future__ import annotations

import stat
from collections import Counter
from pathlib import Path

import pytest
import yaml

from models import Job, Node
from sim.nodeclass import computed_class_key
from sim.synth import generate_jobs, generate_nodes, write_scenario

NODES, JOBS, SEED = 400, 30, 13


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(tmp_path_factory.mktemp("synth") / "synthetic.yaml", NODES, JOBS, SEED)


def test_written_whole_and_readable(scenario_file: Path) -> None:
    assert [p.name for p in scenario_file.parent.iterdir()] == ["synthetic.yaml"]
    assert scenario_file.stat().st_mode & stat.S_IROTH


def test_yaml_round_trip_rebuilds_the_cluster(scenario_file: Path) -> None:
    data = yaml.safe_load(scenario_file.read_text())
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


def test_groups_are_fewer_than_nodes(scenario_file: Path) -> None:
    groups = yaml.safe_load(scenario_file.read_text())["node_groups"]
    assert len(groups) < NODES / 2


def test_validates_against_the_scenario_model(scenario_file: Path) -> None:
    scenario_model = pytest.importorskip("models.scenario")
    scenario = scenario_model.Scenario.model_validate(yaml.safe_load(scenario_file.read_text()))
    assert len(scenario.jobs) == JOBS


def test_loads_through_the_scenario_loader(scenario_file: Path) -> None:
    loader = pytest.importorskip("sim.io.scenario")
    resolved = loader.load_scenario(scenario_file)
    assert len(resolved.nodes) == NODES
    assert resolved.jobs == generate_jobs(JOBS, SEED, generate_nodes(NODES, SEED))
