"""A file given where the scenario belongs that is plainly something else (tfvars, Terraform,
a jobspec, job or node JSON) gets one line saying what it is and what to do instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.io import load_scenario

from .helpers import DEFAULT, JOBS, one_error_line

TFVARS = "client_count = 2\nwindows_client_count = 0\n"


def test_a_tfvars_file_as_the_scenario_says_use_var_file(cli, tmp_path: Path):
    tfvars = tmp_path / "terraform.tfvars"
    tfvars.write_text(TFVARS)
    line = one_error_line(cli("check", tfvars))
    assert line == (
        f"error: {tfvars}: Terraform variable values (a tfvars file), not a scenario: give a "
        "scenario and pass this file with --var-file, e.g. `nomad-sim check SCENARIO "
        "--var-file terraform.tfvars`"
    )
    assert "YAML" not in line
    # ... and used as advised, it works on the bundled scenario.
    used = cli("nodes", DEFAULT, "--var-file", tfvars, "--format", "json")
    assert used.exit_code == 0, used.output
    assert [(r["node_group"], r["nodes"]) for r in json.loads(used.stdout)] == [("linux", 2)]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("terraform.tfvars.json", json.dumps({"client_count": 2})),
        ("prod.vars", TFVARS),  # no telling name: recognised once YAML fails
    ],
)
def test_tfvars_in_json_or_under_another_name(cli, tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    assert "Terraform variable values (a tfvars file)" in one_error_line(cli("check", path))


def test_terraform_files_are_named_as_such(cli, tmp_path: Path):
    declarations = tmp_path / "variables.tf"
    declarations.write_text('variable "client_count" {\n  default = 1\n}\n')
    line = one_error_line(cli("check", declarations))
    assert "Terraform variable declarations, not a scenario" in line
    config = tmp_path / "asg.tf"
    config.write_text('resource "aws_autoscaling_group" "linux" {\n  desired_capacity = 1\n}\n')
    assert "a Terraform configuration, not a scenario" in one_error_line(cli("check", config))


def test_a_jobspec_as_the_scenario_says_where_jobs_go(cli):
    line = one_error_line(cli("check", JOBS / "grafana.nomad"))
    assert "a Nomad job (HCL jobspec), not a scenario" in line
    assert "`- file: grafana.nomad`" in line and "`--job grafana.nomad --nodes nodes.json`" in line


def test_job_json_as_the_scenario(cli, tmp_path: Path):
    job = load_scenario(DEFAULT).jobs[0]
    path = tmp_path / "job.json"
    path.write_text(json.dumps({"Job": job.model_dump(mode="json", by_alias=True)}))
    assert "a Nomad job (job JSON), not a scenario" in one_error_line(cli("whatif", path))


def test_node_json_as_the_scenario_says_use_nodes(cli, node_json: Path):
    line = one_error_line(cli("check", node_json))
    assert "Nomad node JSON, not a scenario" in line
    assert "`--nodes nodes.json --job JOBFILE`" in line


def test_bad_yaml_that_is_nothing_else_keeps_the_yaml_error(cli, tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nnode_groups: [\n")
    assert "invalid YAML" in one_error_line(cli("check", broken))
