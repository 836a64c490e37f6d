"""``propose_fixes``: what an operator would change, each proposal true in the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import Constraint
from sim.core.errors import InputError
from sim.io import load_scenario
from sim.whatif import ADD_CONSTRAINT, ADD_NODES, RELAX, propose_fixes, run_resolved
from sim.whatif.proposals import OS_ATTRIBUTE

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT = SCENARIOS / "hashistack.yaml"
LINUX_HCL = 'constraint {\n  attribute = "${attr.kernel.name}"\n  value     = "linux"\n}'


def _reload(path: Path, sets: dict[str, object]):
    return lambda values: load_scenario(path, {**sets, **values})


def _fixes(path: Path, sets: dict[str, object] | None = None, **options):
    sets = sets or {}
    return propose_fixes(load_scenario(path, sets), reload=_reload(path, sets), **options)


def _pinned_to_linux(resolved, job_id: str):
    """The job with the Linux constraint the proposal's HCL adds, applied independently."""
    linux = Constraint(l_target=OS_ATTRIBUTE, r_target="linux", operand="=")
    jobs = []
    for job in resolved.jobs:
        if job.id == job_id:
            groups = [
                g.model_copy(update={"constraints": [*g.constraints, linux]})
                for g in job.task_groups
            ]
            job = job.model_copy(update={"task_groups": groups})
        jobs.append(job)
    resolved.jobs = jobs
    return resolved


def test_default_proposes_the_os_constraint_not_deleting_the_windows_clients() -> None:
    report = _fixes(DEFAULT)
    assert [g.key for g in report.problems] == ["traefik/traefik"]
    first = report.proposals[0]
    assert first.kind == ADD_CONSTRAINT and first.hcl == LINUX_HCL
    assert first.change == 'add to group "traefik" of job "traefik"'
    assert not any("windows_client_count" in p.variables for p in report.proposals)
    assert report.settled
    # Verified independently: the constraint alone leaves traefik on Linux only, startable.
    after = run_resolved(_pinned_to_linux(load_scenario(DEFAULT), "traefik"))
    traefik = after.group("traefik/traefik")
    assert traefik.unplaced == 0 and not traefik.risks and traefik.nodes == ["linux-0"]


def test_bug17_pins_each_job_and_brings_a_linux_client_back() -> None:
    report = _fixes(DEFAULT, {"client_count": "0"})
    assert {g.key for g in report.problems} == {
        "grafana/grafana",
        "prometheus/prometheus",
        "webapp/demo",
        "traefik/traefik",
    }
    for problem in report.problems:
        proposal = next(p for p in report.proposals if p.group == problem.key)
        assert proposal.kind == ADD_CONSTRAINT and proposal.hcl == LINUX_HCL
        assert proposal.variables == {"client_count": 1}
        assert "client_count 0 → 1" in proposal.change
    grown = _pinned_to_linux(load_scenario(DEFAULT, {"client_count": 1}), "grafana")
    grafana = run_resolved(grown).group("grafana/grafana")
    assert grafana.unplaced == 0 and not grafana.risks


def test_gpu_pool_says_no_count_helps_and_names_the_80_gib_request() -> None:
    report = _fixes(SCENARIOS / "gpu-pool.yaml")
    assert [u.group for u in report.unmet] == ["llm-finetune/finetune"]
    lacks = report.unmet[0].requests
    assert set(lacks) == {"general", "gpu-t4", "gpu-a100"}
    a100 = lacks["gpu-a100"]
    assert a100.startswith('devices: needs task "finetune": 4× nvidia/gpu where')
    assert "${device.attr.memory} >= 80 GiB" in a100 and "40960 MiB" in a100
    assert "pool 'gpu'" in lacks["general"]
    assert not any(p.kind == ADD_NODES for p in report.proposals)
    relax = [p for p in report.proposals if p.kind == RELAX]
    assert [p.change for p in relax] == [
        'remove task "finetune" device "nvidia/gpu" constraint "${device.attr.memory} >= 80 GiB"'
    ]
    assert "placed 1/1 on gpu-a100-" in relax[0].verified


def test_added_nodes_are_the_fewest_that_work() -> None:
    path = SCENARIOS / "multi-dc-pools.yaml"
    sets = {"prod_per_rack": "1", "batch_dc3": "0"}
    report = _fixes(path, sets)
    api = next(p for p in report.proposals if p.group == "api/api")
    assert api.kind == ADD_NODES and api.variables == {"prod_per_rack": 3}
    for value, places in ((2, False), (3, True)):
        run = run_resolved(load_scenario(path, {**sets, "prod_per_rack": value}))
        assert (run.group("api/api").unplaced == 0) is places


def test_nothing_to_fix_when_everything_places_and_starts() -> None:
    report = _fixes(SCENARIOS / "multi-dc-pools.yaml")
    assert report.problems == [] and report.proposals == [] and report.settled


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_count": 0}, "--max-count must be at least 1"),
        ({"max_count": -3}, "--max-count must be at least 1"),
        ({"max_count": 100_000}, "more than --max-points 10,000"),
    ],
)
def test_bounds_are_refused(options: dict[str, int], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("+", r"\+")):
        _fixes(DEFAULT, **options)


def test_copies_are_made_of_a_ready_node_of_the_group() -> None:
    """Without count variables (a snapshot, Nomad's own files) nodes are added as copies; a
    drained node would copy its drain, so a ready node of the group is the template."""
    from sim.whatif.edits import drain, scale

    resolved = load_scenario(SCENARIOS / "hashistack-linux-constraint.yaml", {"client_count": 2})
    resolved = scale(drain(resolved, "linux-0"), "grafana", 40)
    report = propose_fixes(resolved, max_count=3)
    grafana = next(p for p in report.proposals if p.group == "grafana/grafana")
    assert grafana.kind == ADD_NODES
    assert grafana.change == "add 1 node to node group linux (like linux-1)"
    assert grafana.verified.startswith("grafana/grafana placed 40/40 on ")
