"""What the simulator does not model is said beside the answer it affects: a CSI volume
assumed available; preemption is modelled, so a group that runs out of room gets no note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.io import load_scenario
from sim.whatif import run_resolved

from .test_blocking import port_scenario

REAL_JOBS = Path("/work/shared/fixtures/real/jobs")
KADALU = REAL_JOBS / "kadalu-csi-app.nomad"
CSI_NOTE = "CSI volume 'csi-test' is not modelled: assumed available on every node"


@pytest.fixture
def node_json(tmp_path: Path) -> Path:
    nodes = load_scenario(Path(__file__).resolve().parents[2] / "scenarios/hashistack.yaml").nodes
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps([n.model_dump(mode="json", by_alias=True) for n in nodes]))
    return path


@pytest.mark.skipif(not KADALU.exists(), reason="real fixtures absent")
def test_csi_volume_note_in_check_explain_and_json(node_json: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    runner = CliRunner()
    native = ["--job", str(KADALU), "--nodes", str(node_json)]
    check = runner.invoke(app, ["check", *native])
    assert check.exit_code == 0, check.output
    assert "Not modelled, the answer assumes:\nsample-pv-check/apps: " + CSI_NOTE in check.output
    data = json.loads(runner.invoke(app, ["check", *native, "--format", "json"]).stdout)
    assert data["Jobs"][0]["Groups"][0]["Notes"] == [CSI_NOTE]
    rows = json.loads(
        runner.invoke(app, ["explain", "sample-pv-check", *native, "--format", "json"]).stdout
    )
    assert (rows[-1]["check"], rows[-1]["required"]) == ("not modelled", CSI_NOTE)
    whatif = runner.invoke(app, ["diff", str(node_json), str(node_json), "--job", str(KADALU)])
    assert "Not modelled (" in whatif.output and CSI_NOTE in whatif.output


def test_no_preemption_note_when_a_system_job_runs_out_of_room(tmp_path: Path) -> None:
    path = port_scenario(tmp_path)
    job = (tmp_path / "web.nomad").read_text().replace('"dc1"]', '"dc1"]\n  type = "system"')
    (tmp_path / "web.nomad").write_text(job.replace("count = 2", "count = 1"))
    web = run_resolved(load_scenario(path)).group("web/web")
    assert web.unplaced == 3 and web.exhausted_nodes > 0
    assert web.notes == []
    service = run_resolved(load_scenario(port_scenario(tmp_path))).group("web/web")
    assert service.unplaced and service.notes == []
