"""Variables, locals, dynamic blocks, object-valued attributes, strict blocks and the vault /
secret pass-down of jobspec2 (types.variables.go, types.config.go, hcl_conversions.go,
parse_job.go), through ``load_job`` / ``hcl_to_api``."""

from __future__ import annotations

import pytest

from sim import load_job
from sim.core.errors import InputError
from sim.io import hcl_to_api

GROUP = 'group "g" {\n  task "t" {\n    driver = "docker"\n  }\n}\n'


def _api(write, text: str, overrides=None) -> dict:
    return hcl_to_api(write("job.nomad", text), overrides)


TYPED = """
variable "dcs" {
  type    = list(string)
  default = ["dc1"]
}
variable "count" {
  type = number
  default = 1
  validation {
    condition     = var.count > 0 && var.count < 10
    error_message = "count must be between 1 and 9."
  }
}
variable "env" {
  type    = map(string)
  default = { A = 1 }
}
job "j" {
  datacenters = var.dcs
  group "g" {
    count = var.count
    task "t" {
      driver = "docker"
      env    = var.env
    }
  }
}
"""


def test_typed_variables_convert_their_defaults(write) -> None:
    api = _api(write, TYPED)
    assert api["Datacenters"] == ["dc1"]
    assert api["TaskGroups"][0]["Count"] == 1
    assert api["TaskGroups"][0]["Tasks"][0]["Env"] == {"A": "1"}


def test_var_values_for_collections_are_parsed_as_hcl(write) -> None:
    """``-var 'dcs=["dc1","dc2"]'``: a list variable's value is an HCL expression."""
    api = _api(write, TYPED, {"dcs": '["dc1", "dc2"]', "count": "3", "env": '{B = "x"}'})
    assert api["Datacenters"] == ["dc1", "dc2"]
    assert api["TaskGroups"][0]["Count"] == 3
    assert api["TaskGroups"][0]["Tasks"][0]["Env"] == {"B": "x"}


def test_typed_overrides_from_a_scenario_are_converted(write) -> None:
    api = _api(write, TYPED, {"dcs": ["a", "b"], "count": 2})
    assert (api["Datacenters"], api["TaskGroups"][0]["Count"]) == (["a", "b"], 2)


def test_validation_block_refuses_a_value(write) -> None:
    with pytest.raises(InputError, match="Invalid value for cmd variable; count must be between"):
        _api(write, TYPED, {"count": "12"})


def test_type_mismatch_is_refused(write) -> None:
    with pytest.raises(InputError, match="not compatible with the variable's type constraint"):
        _api(write, TYPED, {"count": "many"})
    bad_default = 'variable "n" {\n  type = number\n  default = "x"\n}\njob "j" {\n' + GROUP + "}"
    with pytest.raises(InputError, match="Invalid default value for variable") as info:
        _api(write, bad_default)
    assert info.value.line == 3


def test_validation_may_only_refer_to_its_variable(write) -> None:
    text = (
        'variable "a" {\n  default = 1\n  validation {\n    condition = var.b > 0\n'
        '    error_message = "x"\n  }\n}\njob "j" {\n' + GROUP + "}"
    )
    with pytest.raises(InputError, match="can only refer to the variable itself"):
        _api(write, text)


def test_variables_block_defaults_cannot_use_expressions(write) -> None:
    with pytest.raises(InputError, match="Variables not allowed"):
        _api(write, 'variables {\n  a = var.b\n}\njob "j" {\n' + GROUP + "}")
    with pytest.raises(InputError, match="Function calls not allowed"):
        _api(write, 'variables {\n  a = upper("x")\n}\njob "j" {\n' + GROUP + "}")


def test_locals_depend_on_each_other_in_any_order(write) -> None:
    text = (
        "locals {\n  c = local.b * 2\n  b = local.a + 1\n  a = 1\n}\n"
        'job "j" {\n group "g" {\n count = local.c\n task "t" { driver = "docker" }\n }\n}'
    )
    assert _api(write, text)["TaskGroups"][0]["Count"] == 4


def test_local_cycles_are_refused(write) -> None:
    text = 'locals {\n  a = local.b\n  b = local.a\n}\njob "j" {\n' + GROUP + "}"
    with pytest.raises(InputError, match="does not have an attribute named"):
        _api(write, text)


def test_duplicate_locals_are_refused(write) -> None:
    text = 'locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\njob "j" {\n' + GROUP + "}"
    with pytest.raises(InputError, match="Duplicate value in locals"):
        _api(write, text)


def test_file_in_a_local_reads_next_to_the_jobspec(write) -> None:
    write("count.txt", "5\n")
    text = (
        "locals {\n  n = tonumber_alias\n}\n".replace(
            "tonumber_alias", 'trimspace(file("count.txt"))'
        )
        + 'job "j" {\n group "g" {\n count = local.n\n task "t" { driver = "docker" }\n }\n}'
    )
    assert _api(write, text)["TaskGroups"][0]["Count"] == 5


def test_dynamic_blocks_with_iterator_and_nesting(write) -> None:
    text = """
job "j" {
  group "g" {
    network {
      dynamic "port" {
        for_each = { http = 0, admin = 9000 }
        iterator = p
        labels   = [p.key]
        content {
          static = p.value
        }
      }
    }
    dynamic "task" {
      for_each = ["a", "b"]
      labels   = ["t-${task.value}"]
      content {
        driver = "docker"
        dynamic "constraint" {
          for_each = [task.key]
          content {
            attribute = "${meta.slot}"
            value     = constraint.value
          }
        }
      }
    }
  }
}
"""
    group = _api(write, text)["TaskGroups"][0]
    network = group["Networks"][0]
    assert [p["Label"] for p in network["DynamicPorts"]] == ["http"]
    assert [(p["Label"], p["Value"]) for p in network["ReservedPorts"]] == [("admin", 9000)]
    assert [t["Name"] for t in group["Tasks"]] == ["t-a", "t-b"]
    assert group["Tasks"][1]["Constraints"][0]["RTarget"] == "1"
    assert group["Tasks"][1]["Constraints"][0]["LTarget"] == "${meta.slot}"


def test_object_valued_env_and_meta(write) -> None:
    text = """
variable "env" {
  default = { LOG = "debug", N = 2 }
}
job "j" {
  meta = { for k in ["a", "b"] : k => upper(k) }
  group "g" {
    task "t" {
      driver = "docker"
      env    = merge(var.env, { EXTRA = true })
    }
  }
}
"""
    api = _api(write, text)
    assert api["Meta"] == {"a": "A", "b": "B"}
    assert api["TaskGroups"][0]["Tasks"][0]["Env"] == {"LOG": "debug", "N": "2", "EXTRA": "true"}


def test_device_directly_in_task_is_refused_with_line(write) -> None:
    text = (
        'job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n'
        '      device "nvidia/gpu" {\n        count = 1\n      }\n    }\n  }\n}\n'
    )
    with pytest.raises(InputError, match='Unsupported block type; Blocks of type "device"') as info:
        load_job(write("gpu.nomad", text))
    assert info.value.line == 5


def test_unsupported_argument_is_refused_with_line(write) -> None:
    text = 'job "j" {\n  group "g" {\n    cout = 2\n' + GROUP + "  }\n}\n"
    with pytest.raises(InputError, match='Unsupported argument; An argument named "cout"') as info:
        load_job(write("typo.nomad", text))
    assert info.value.line == 3
    assert 'Did you mean "count"?' in str(info.value)


def test_vault_and_secrets_are_passed_down(write) -> None:
    """Group vault to tasks without one; job secrets appended; group secrets with a task's own
    secrets give the task's list twice (``decodeTaskGroup`` appends ``t.Secrets`` to itself)."""
    text = """
job "j" {
  vault {
    cluster = "job"
  }
  secret "jobwide" {
    provider = "vault"
    path     = "kv/job"
  }
  group "g" {
    vault {
      cluster = "group"
    }
    secret "groupwide" {
      provider = "vault"
      path     = "kv/group"
    }
    task "plain" {
      driver = "docker"
    }
    task "own" {
      driver = "docker"
      vault {
        cluster = "task"
      }
      secret "mine" {
        provider = "vault"
        path     = "kv/mine"
      }
    }
  }
}
"""
    plain, own = _api(write, text)["TaskGroups"][0]["Tasks"]
    assert plain["Vault"]["Cluster"] == "group"
    assert [s["Name"] for s in plain["Secrets"]] == ["groupwide", "jobwide"]
    assert own["Vault"]["Cluster"] == "task"
    assert [s["Name"] for s in own["Secrets"]] == ["mine", "mine", "jobwide"]


def test_job_level_vault_reaches_tasks_without_one(write) -> None:
    text = 'job "j" {\n  vault {\n    cluster = "job"\n  }\n' + GROUP + "}"
    assert _api(write, text)["TaskGroups"][0]["Tasks"][0]["Vault"]["Cluster"] == "job"


def test_heredoc_with_interpolation(write) -> None:
    text = (
        'variable "who" {\n  default = "nomad"\n}\njob "j" {\n  meta = {\n    doc = <<-EOT\n'
        "      hello ${var.who}\n      at ${node.unique.name}\n    EOT\n  }\n" + GROUP + "}"
    )
    assert _api(write, text)["Meta"]["doc"] == "hello nomad\nat ${node.unique.name}\n"


def test_every_struct_the_schema_names_is_declared() -> None:
    from sim.io.jobspec_schema import FREE, STRUCTS

    named = {
        kind for body in STRUCTS.values() for kind in body.values() if kind not in (None, FREE)
    }
    assert named <= STRUCTS.keys()


def test_mesh_gateway_block_is_accepted(write) -> None:
    text = (
        'job "j" {\n  group "g" {\n    network {\n      mode = "bridge"\n    }\n'
        '    service {\n      name = "mesh"\n      connect {\n        gateway {\n'
        "          mesh {}\n        }\n      }\n    }\n  }\n}\n"
    )
    group = _api(write, text)["TaskGroups"][0]
    assert group["Services"][0]["Connect"]["Gateway"]["Mesh"] == {}


def test_var_files_are_typed_checked_and_overridden_by_var_values(write) -> None:
    path = write("job.nomad", TYPED)
    var_file = write("prod.vars.hcl", 'dcs = ["east", "west"]\ncount = 4\n')
    api = hcl_to_api(path, {"count": "5"}, var_files=[var_file])
    assert (api["Datacenters"], api["TaskGroups"][0]["Count"]) == (["east", "west"], 5)
    with pytest.raises(InputError, match='Undefined variable; A "nope" variable') as info:
        hcl_to_api(path, var_files=[write("bad.vars.hcl", "count = 2\nnope = 1\n")])
    assert (info.value.source.endswith("bad.vars.hcl"), info.value.line) == (True, 2)
    with pytest.raises(InputError, match=r"Variable declaration in a \.var file"):
        hcl_to_api(path, var_files=[write("decl.vars.hcl", 'variable "x" {}\n')])
    with pytest.raises(InputError, match="Invalid value for variable"):
        hcl_to_api(path, var_files=[write("typed.vars.hcl", 'count = "many"\n')])


def test_env_values_are_parsed_as_hcl_for_collections_and_converted(tmp_path) -> None:
    """``NOMAD_VAR_*``: a list variable's value is an HCL expression, a number is converted,
    and a value of the wrong type is refused naming the variable."""
    path = tmp_path / "web.nomad.hcl"
    path.write_text(
        'variable "dcs" {\n  type = list(string)\n  default = ["dc1"]\n}\n'
        'variable "n" {\n  type = number\n  default = 1\n}\n'
        'job "web" {\n  datacenters = var.dcs\n  group "g" {\n    count = var.n\n'
        '    task "t" {\n      driver = "docker"\n    }\n  }\n}\n'
    )
    job = load_job(path, env={"NOMAD_VAR_dcs": '["a", "b"]', "NOMAD_VAR_n": "3"})
    assert (job.datacenters, job.task_groups[0].count) == (["a", "b"], 3)
    with pytest.raises(InputError, match="The value for n is not compatible"):
        load_job(path, env={"NOMAD_VAR_n": "abc"})
