"""The real Terraform, job and node files, given as a scenario, are named for what they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.core.errors import InputError
from sim.io import load_scenario


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("terraform/terraform.tfvars", "Terraform variable values (a tfvars file), not a scenario"),
        ("terraform/variables.tf", "Terraform variable declarations, not a scenario"),
        ("terraform/aws-hashistack-asg.tf", "a Terraform configuration, not a scenario"),
        ("jobs/hashistack-webapp.nomad", "a Nomad job (HCL jobspec), not a scenario"),
        ("jobs/ceph.job-inspect.json", "a Nomad job (job JSON), not a scenario"),
        ("nodes/api-node-read.sample.json", "Nomad node JSON, not a scenario"),
        ("nodes/api-nodes-list.sample.json", "Nomad's node list (stubs without resources)"),
    ],
)
def test_real_files_given_as_a_scenario(real: Path, relative: str, expected: str):
    with pytest.raises(InputError) as caught:
        load_scenario(real / relative)
    assert caught.value.source == str(real / relative)
    assert expected in caught.value.message
    assert "invalid YAML" not in caught.value.message
