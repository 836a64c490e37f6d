"""Nomad's jobspec2 parse tests (jobspec2/parse_test.go, hashicorp/nomad aa026cc) for variables,
locals, functions, dynamic blocks, env/meta and undefined variables, through ``sim.load_job``.

``load_job`` also runs Nomad's ``Job.Validate``, which the parse tests do not: where a test's
job has no group, a minimal one (``group "g" { task "t" { driver = "docker" } }``) is added and
the assertions stay the test's own. ``ParseConfig.ArgVars`` are ``load_job``'s overrides;
``VarFiles`` its ``var_files``, ``Envs`` its ``env``. ``AllowFS`` is on, as in Nomad's CLI
(command/helpers.go).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_job
from sim.core.errors import InputError
from sim.io import hcl_to_api

GROUP = 'group "g" {\n  task "t" {\n    driver = "docker"\n  }\n}\n'


def _job(tmp_path: Path, text: str, overrides: dict[str, str] | None = None, name="input.hcl"):
    path = tmp_path / name
    path.write_text(text)
    return load_job(path, overrides)


def test_vars_and_functions(tmp_path: Path) -> None:
    """TestParse_VarsAndFunctions."""
    hcl = f"""
variables {{
  region_var = "default"
}}
job "example" {{
  datacenters = [for s in ["dc1", "dc2"] : upper(s)]
  region      = var.region_var
  {GROUP}
}}
"""
    job = _job(tmp_path, hcl, {"region_var": "aug"})
    assert job.datacenters == ["DC1", "DC2"]
    assert job.region == "aug"


VARIABLES_DEFAULTS = f"""
variables {{
  region_var = "default_region"
}}

variable "dc_var" {{
  default = "default_dc"
}}

job "example" {{
  datacenters = [var.dc_var]
  region      = var.region_var
  {GROUP}
}}
"""


def test_variables_defaults(tmp_path: Path) -> None:
    """TestParse_VariablesDefaultsAndSet: defaults."""
    job = _job(tmp_path, VARIABLES_DEFAULTS)
    assert job.datacenters == ["default_dc"]
    assert job.region == "default_region"


def test_variables_set_via_var_args(tmp_path: Path) -> None:
    """TestParse_VariablesDefaultsAndSet: set via -var args."""
    job = _job(tmp_path, VARIABLES_DEFAULTS, {"dc_var": "set_dc", "region_var": "set_region"})
    assert job.datacenters == ["set_dc"]
    assert job.region == "set_region"


def test_variables_set_via_envvars(tmp_path: Path) -> None:
    """TestParse_VariablesDefaultsAndSet: set via envvars (other variables are ignored)."""
    path = tmp_path / "input.hcl"
    path.write_text(VARIABLES_DEFAULTS)
    env = {
        "NOMAD_VAR_dc_var": "set_dc",
        "NOMAD_VAR_region_var": "set_region",
        "GOPATH": "/Users/jrasell/go",
        "NOMAD_VAR_count ": " 13",
        "NOMAD_VAR_": "13",
    }
    job = load_job(path, env=env)
    assert job.datacenters == ["set_dc"]
    assert job.region == "set_region"


def test_env_then_var_files_then_var_args(tmp_path: Path) -> None:
    """TestParseWithConfigEx's precedence: -var overrides a var file, which overrides env."""
    var_file = tmp_path / "vars.hcl"
    var_file.write_text('dc_var = "file_dc"')
    path = tmp_path / "input.hcl"
    path.write_text(VARIABLES_DEFAULTS)
    env = {"NOMAD_VAR_dc_var": "env_dc", "NOMAD_VAR_region_var": "seattle"}
    job = load_job(path, {"region_var": "philly"}, var_files=[var_file], env=env)
    assert job.datacenters == ["file_dc"]
    assert job.region == "philly"
    assert load_job(path, var_files=[var_file], env=env).region == "seattle"


def test_variables_set_via_var_files(tmp_path: Path) -> None:
    """TestParse_VariablesDefaultsAndSet: set via var-files."""
    var_file = tmp_path / "vars.hcl"
    var_file.write_text('dc_var = "set_dc"\n\tregion_var = "set_region"')
    path = tmp_path / "input.hcl"
    path.write_text(VARIABLES_DEFAULTS)
    job = load_job(path, var_files=[var_file])
    assert job.datacenters == ["set_dc"]
    assert job.region == "set_region"


def test_var_file_does_not_exist(tmp_path: Path) -> None:
    """TestParse_VariablesDefaultsAndSet: var-file does not exist."""
    path = tmp_path / "input.hcl"
    path.write_text(VARIABLES_DEFAULTS)
    with pytest.raises(InputError):
        load_job(path, var_files=[tmp_path / "does-not-exist.hcl"])


def test_invalid_vars_file(tmp_path: Path) -> None:
    """TestParse_InvalidHCL: invalid vars file."""
    var_file = tmp_path / "vars.hcl"
    var_file.write_text("invalid{hcl")
    path = tmp_path / "input.hcl"
    path.write_text(VARIABLES_DEFAULTS)
    with pytest.raises(InputError) as info:
        load_job(path, var_files=[var_file])
    assert info.value.source.endswith("vars.hcl")


def test_unknown_variables_are_left_intact(tmp_path: Path) -> None:
    """TestParse_UnknownVariables."""
    hcl = f"""
variables {{
  region_var = "default"
}}
job "example" {{
  datacenters = [for s in ["dc1", "dc2"] : upper(s)]
  region      = var.region_var
  meta {{
    known_var   = "${{var.region_var}}"
    unknown_var = "${{UNKNOWN}}"
  }}
  {GROUP}
}}
"""
    job = _job(tmp_path, hcl, {"region_var": "aug"})
    assert job.meta == {"known_var": "aug", "unknown_var": "${UNKNOWN}"}


def test_unset_variables(tmp_path: Path) -> None:
    """TestParse_UnsetVariables."""
    hcl = f"""
variable "region_var" {{}}
job "example" {{
  datacenters = [for s in ["dc1", "dc2"] : upper(s)]
  region      = var.region_var
  {GROUP}
}}
"""
    with pytest.raises(InputError, match="Unset variable"):
        _job(tmp_path, hcl)


LOCALS = f"""
variables {{
  region_var = "default_region"
}}

locals {{
  # literal local
  dc = "local_dc"
  # local that depends on a variable
  region = "${{var.region_var}}.example"
}}

job "example" {{
  datacenters = [local.dc]
  region      = local.region
  {GROUP}
}}
"""


def test_locals_defaults(tmp_path: Path) -> None:
    """TestParse_Locals: defaults."""
    job = _job(tmp_path, LOCALS)
    assert job.datacenters == ["local_dc"]
    assert job.region == "default_region.example"


def test_locals_set_via_var_arguments(tmp_path: Path) -> None:
    """TestParse_Locals: set via -var arguments."""
    job = _job(tmp_path, LOCALS, {"region_var": "set_region"})
    assert job.datacenters == ["local_dc"]
    assert job.region == "set_region.example"


def test_file_operators_enabled(tmp_path: Path) -> None:
    """TestParse_FileOperators: enabled; the path is relative to the jobspec's directory."""
    content = "line one\nline \u00fcber two\n"
    (tmp_path / "parse_test.go").write_text(content)
    job = _job(tmp_path, f'job "example" {{\n  region = file("parse_test.go")\n  {GROUP}}}\n')
    assert job.region == content


def test_parse_dynamic(tmp_path: Path) -> None:
    """TestParseDynamic."""
    hcl = """
job "example" {

  dynamic "group" {
    for_each = [
      { name = "groupA", idx = 1 },
      { name = "groupB", idx = 2 },
      { name = "groupC", idx = 3 },
    ]
    labels   = [group.value.name]

    content {
      count = group.value.idx

      service {
        port = group.value.name
      }

      task "simple" {
        driver  = "raw_exec"
        config {
          command = group.value.name
        }
        meta {
          VERSION = group.value.idx
        }
        env {
          ID = format("id:%s", group.value.idx)
        }
        resources {
          cpu = group.value.idx
        }
      }
    }
  }
}
"""
    job = _job(tmp_path, hcl)
    groups = job.task_groups
    env = [g["Tasks"][0]["Env"] for g in hcl_to_api(tmp_path / "input.hcl")["TaskGroups"]]
    assert [g.name for g in groups] == ["groupA", "groupB", "groupC"]
    assert groups[0].tasks[0].resources.cpu == 1
    assert groups[0].services[0].port_label == "groupA"
    assert groups[0].tasks[0].config["command"] == "groupA"
    assert groups[0].tasks[0].meta["VERSION"] == "1"
    assert env[0]["ID"] == "id:1"
    assert env[1]["ID"] == "id:2"
    assert groups[2].tasks[0].meta["VERSION"] == "3"


def test_invalid_body(tmp_path: Path) -> None:
    """TestParse_InvalidHCL: invalid body."""
    with pytest.raises(InputError):
        _job(tmp_path, "invalid{hcl")


LOOKUPS = """
variable "env" {
  description = "target environment for the job"
}

locals {
  environments = {
    prod    = { count = 20, dcs = ["prod-dc1", "prod-dc2"] },
    staging = { count = 3, dcs = ["dc1"] },
  }

  env = lookup(local.environments, var.env, { count = 0, dcs = [] })
}

job "job-webserver" {
  datacenters = local.env.dcs
  group "group-webserver" {
    count = local.env.count

    task "server" {
      driver = "docker"

      config {
        image = "hashicorp/http-echo"
        args  = ["-text", "Hello from ${var.env}"]
      }
    }
  }
}
"""


@pytest.mark.parametrize(
    ("env", "datacenters", "count"),
    [("prod", ["prod-dc1", "prod-dc2"], 20), ("staging", ["dc1"], 3), ("unknown", [], 0)],
)
def test_job_with_functions_and_lookups(tmp_path: Path, env, datacenters, count) -> None:
    """TestParseJob_JobWithFunctionsAndLookups. An empty datacenters list becomes ``["*"]`` at
    registration (``Job.Canonicalize``), which ``load_job`` applies; the parsed value is []."""
    path = tmp_path / "example.hcl"
    path.write_text(LOOKUPS)
    api = hcl_to_api(path, {"env": env})
    assert api["Datacenters"] == datacenters
    group = api["TaskGroups"][0]
    assert (group["Name"], group["Count"]) == ("group-webserver", count)
    task = group["Tasks"][0]
    assert (task["Name"], task["Driver"]) == ("server", "docker")
    assert task["Config"] == {
        "image": "hashicorp/http-echo",
        "args": ["-text", f"Hello from {env}"],
    }
    if count:
        assert load_job(path, {"env": env}).task_groups[0].count == count


TASK = """
job "example" {
  group "group" {
    task "task" {
      driver = "docker"
      config {}

      %s
    }
  }
}"""


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("", {}),
        ('env {\n  key = "value"\n} ', {"key": "value"}),
        (
            'env = {\n  "key.dot"                = "val1"\n  key_unquoted_without_dot = "val2"\n} ',
            {"key.dot": "val1", "key_unquoted_without_dot": "val2"},
        ),
        (
            'env = {\n  "key.dot" : "val1"\n  key_unquoted_without_dot : "val2"\n} ',
            {"key.dot": "val1", "key_unquoted_without_dot": "val2"},
        ),
        ("env = {}", {}),
        ('env = {for k in ["a", "b"]: k => "val-${k}" }', {"a": "val-a", "b": "val-b"}),
    ],
    ids=["none", "block", "attribute", "attribute_colons", "attribute_empty", "expression"],
)
def test_task_envs(tmp_path: Path, snippet: str, expected: dict[str, str]) -> None:
    """TestParse_TaskEnvs (the job model does not keep ``env``: the API JSON is read)."""
    path = tmp_path / "input.hcl"
    path.write_text(TASK % snippet)
    load_job(path)
    assert hcl_to_api(path)["TaskGroups"][0]["Tasks"][0].get("Env", {}) == expected


def test_task_envs_multiple(tmp_path: Path) -> None:
    """TestParse_TaskEnvs_Multiple."""
    with pytest.raises(InputError, match="Duplicate env block"):
        _job(tmp_path, TASK % 'env = {"a": "b"}\n      env {\n        c = "d"\n      }')


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "env = { key = local.undefined_local }",
            'does not have an attribute named "undefined_local"',
        ),
        ('env {\n  for k in ["a", "b"]: k => k\n}', "HCL syntax error"),
        ('env = [ "a" ]', "Unsuitable value: map of string required"),
    ],
    ids=["attr: invalid expression", "block: invalid block expression", "attr: not make sense"],
)
def test_task_envs_invalid(tmp_path: Path, snippet: str, message: str) -> None:
    """Test_TaskEnvs_Invalid (the block case is a syntax error here: python-hcl2 refuses it
    before any decoding, so Nomad's "Invalid block definition" wording is not reproduced)."""
    with pytest.raises(InputError, match=message) as info:
        _job(tmp_path, TASK % snippet)
    assert info.value.line is not None or "task[task].env" in str(info.value)


META = """ job "example" {
  group "group" {
    task "task" {
      driver = "config"
      config {}

      meta {
        source = "task"
      }
    }

    meta {
      source = "group"

    }
  }

  meta {
    source = "job"
  }
}
"""


def test_meta_alternatives(tmp_path: Path) -> None:
    """TestParse_Meta_Alternatives."""
    as_block = _job(tmp_path, META, name="block.hcl")
    as_attr_text = META.replace("meta {", "meta = {")
    assert as_attr_text.count("meta = {") == 3
    as_attr = _job(tmp_path, as_attr_text, name="attr.hcl")
    assert as_block == as_attr
    assert as_block.meta == {"source": "job"}
    assert as_block.task_groups[0].meta == {"source": "group"}
    assert as_block.task_groups[0].tasks[0].meta == {"source": "task"}


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "foo-${BAR}",
        "foo-${attr.network.dev-us-east1-relay-vpc.external-ip.0}",
        '${env["BLAH"]}',
        '${mixed-indexing.0[3]["FOO"].5}',
        'with spaces ${   root.  field[  "FOO"].5  }',
    ],
)
def test_undefined_variables(tmp_path: Path, value: str) -> None:
    """TestParse_UndefinedVariables."""
    hcl = 'job "example" {\n  region = "' + value.replace('"', '\\"') + '"\n' + GROUP + "}"
    if '"' in value and "${" in value:  # quotes inside an interpolation are not escaped
        hcl = 'job "example" {\n  region = "' + value + '"\n' + GROUP + "}"
    assert _job(tmp_path, hcl).region == value


def test_undefined_variables_unquoted(tmp_path: Path) -> None:
    """TestParse_UndefinedVariables: unquoted."""
    job = _job(tmp_path, 'job "example" {\n  region = meta.mytest\n' + GROUP + "}")
    assert job.region == "${meta.mytest}"


def _validated(message: str) -> str:
    return f"""
variable "build_id" {{
  type    = string
  default = "12345"
  validation {{
    condition     = var.build_id != ""
    error_message = "{message}"
  }}
}}

job "example" {{
  datacenters = ["dc1"]
  {GROUP}
}}
"""


@pytest.mark.parametrize("message", ["ビルド番号を確認してください", "build id is required"])
def test_variable_validation_error_message_accepted(tmp_path: Path, message: str) -> None:
    """TestParse_VariableValidationErrorMessage: non-English, no trailing period."""
    assert _job(tmp_path, _validated(message)).datacenters == ["dc1"]


@pytest.mark.parametrize("message", ["", "   "])
def test_variable_validation_error_message_rejected(tmp_path: Path, message: str) -> None:
    """TestParse_VariableValidationErrorMessage: empty and blank messages."""
    with pytest.raises(InputError, match="Invalid validation error message"):
        _job(tmp_path, _validated(message))
