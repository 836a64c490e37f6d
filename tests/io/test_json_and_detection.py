"""Job and node API JSON, content detection, and bad input → InputError naming the file."""

from __future__ import annotations

import json

import pytest

from sim.core.errors import InputError
from sim.io import load_job, load_jobs, load_nodes, load_tfvars, load_variables_tf

NODE = {
    "ID": "n1",
    "Name": "a",
    "Status": "ready",
    "Attributes": {"kernel.name": "linux", "os.name": "ubuntu"},
    "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 8192}},
    "Drivers": {"docker": {"Detected": True, "Healthy": True}},
}
JOB = {"ID": "j", "TaskGroups": [{"Name": "g", "Tasks": [{"Name": "t", "Driver": "docker"}]}]}


def dump(write, name, data):
    return write(name, json.dumps(data))


@pytest.mark.parametrize("data", [{"Job": JOB}, JOB, {**JOB, "Type": None, "Count": None}])
def test_job_shapes(write, data):
    job = load_job(dump(write, "j.json", data))
    assert (job.id, job.task_groups[0].tasks[0].resources.cpu) == ("j", 100)


def test_job_array(write):
    assert [j.id for j in load_jobs(dump(write, "j.json", [JOB, {**JOB, "ID": "k"}]))] == ["j", "k"]
    with pytest.raises(InputError, match="expected one job, found 2"):
        load_job(dump(write, "j.json", [JOB, JOB]))


def test_hcl_json_syntax_rejected(write):
    with pytest.raises(InputError, match="HCL's JSON syntax"):
        load_job(dump(write, "j.json", {"job": {"x": {}}}))


def test_job_list_stubs_rejected(write):
    with pytest.raises(InputError, match=r"job stubs.*nomad job inspect -json <id>"):
        load_jobs(dump(write, "jobs.json", [{"ID": "x", "JobSummary": {}, "Status": "running"}]))


def test_nodes_one_or_many(write):
    assert load_nodes(dump(write, "n.json", NODE)).nodes[0].id == "n1"
    loaded = load_nodes(dump(write, "n.json", [NODE, {**NODE, "ID": "n2"}]))
    assert [n.id for n in loaded.nodes] == ["n1", "n2"] and loaded.warnings == []


def test_node_error_names_file_and_field(write):
    bad = {**NODE, "ID": "n4", "NodeResources": {"Cpu": {"CpuShares": "lots"}}}
    path = dump(write, "nodes.json", [NODE, {**NODE, "ID": "n2"}, {**NODE, "ID": "n3"}, bad])
    with pytest.raises(InputError) as info:
        load_nodes(path)
    assert str(info.value) == (
        f"{path}: node[3] (Name 'a', ID 'n4'): NodeResources.Cpu.CpuShares: "
        "expected an integer, got 'lots'"
    )


def test_duplicate_node_ids_rejected(write):
    with pytest.raises(InputError, match=r"node\[1\]\.ID 'n1' repeats node\[0\]"):
        load_nodes(dump(write, "n.json", [NODE, NODE]))


def test_wrong_kind(write):
    with pytest.raises(InputError, match="expected node JSON, but this is job JSON"):
        load_nodes(dump(write, "j.json", JOB))
    with pytest.raises(InputError, match="expected a job, but this is node JSON"):
        load_job(dump(write, "n.json", NODE))


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("bad.json", '{\n  "Job": {\n    "ID": "x",\n  }\n}', 4, "invalid JSON"),
        ("bad.json", "[1, 2]", None, "array of objects"),
        ("bad.json", '{"Hello": 1}', None, "unrecognised JSON"),
        ("bad.nomad", 'job "x" {\n', None, "HCL syntax error"),
        ("pack.nomad", 'job [[ template "job_name" . ]] {\n}', 1, "HCL syntax error"),
        ("t.nomad.tpl", 'job "x" {}', None, "render it first"),
    ],
)
def test_malformed_input(write, name, text, line, message):
    path = write(name, text)
    with pytest.raises(InputError, match=message) as info:
        load_job(path)
    assert info.value.source == str(path)
    if line is not None:
        assert info.value.line == line


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file") as info:
        load_job(tmp_path / "nope.nomad")
    assert str(info.value).startswith(str(tmp_path / "nope.nomad"))
    with pytest.raises(InputError, match="is a directory"):
        load_nodes(tmp_path)


def test_binary_file(tmp_path):
    path = tmp_path / "x.nomad"
    path.write_bytes(b"\xff\xfe\x00job")
    with pytest.raises(InputError, match="not UTF-8"):
        load_job(path)


def test_tfvars_and_variables_tf(write):
    assert load_tfvars(write("terraform.tfvars", 'client_count = 0\nname = "$${x}"\n')) == {
        "client_count": 0,
        "name": "${x}",
    }
    assert load_tfvars(dump(write, "a.tfvars.json", {"client_count": 2})) == {"client_count": 2}
    with pytest.raises(InputError, match="tfvars values must be literals"):
        load_tfvars(write("x.tfvars", "a = var.b\n"))
    variables = write(
        "variables.tf",
        'variable "n" {\n  type = number\n  default = "3"\n}\nvariable "req" {}\n',
    )
    assert load_variables_tf(variables) == {"n": 3}
