"""HCL2 → API JSON mapping (``jobspec2/parse.go: ParseWithConfig``, ``jobspec2/hcl_conversions.go``)
and the python-hcl2 quirks the reader corrects."""

from __future__ import annotations

import pytest

from sim.core.errors import InputError
from sim.io import detect, hcl_to_api, load_job


def api(write, body: str, overrides=None) -> dict:
    found = detect(write("job.nomad", body))
    return hcl_to_api(found.source, overrides)


def group(write, inner: str) -> dict:
    return api(
        write, f'job "j" {{\n group "g" {{\n{inner}\n task "t" {{ driver = "docker" }}\n }}\n}}'
    )["TaskGroups"][0]


def test_labels_become_names_and_defaults_apply(write):
    job = load_job(write("j.nomad", 'job "web" { group "g" { task "t" { driver = "docker" } } }'))
    assert (job.id, job.name, job.type, job.datacenters, job.node_pool) == (
        "web",
        "web",
        "service",
        ["*"],
        "default",
    )
    task = job.task_groups[0].tasks[0]
    assert (job.task_groups[0].name, task.name, task.resources.cpu, task.resources.memory_mb) == (
        "g",
        "t",
        100,
        300,
    )


def test_interpolation_stays_literal(write):
    g = group(
        write,
        'constraint {\n attribute = "${attr.unique.platform.aws.instance-type}"\n'
        ' value = "x-${node.unique.name}"\n }',
    )
    assert g["Constraints"] == [
        {
            "LTarget": "${attr.unique.platform.aws.instance-type}",
            "RTarget": "x-${node.unique.name}",
            "Operand": "=",
        }
    ]


def test_bare_traversal_is_wrapped(write):
    g = group(write, 'constraint {\n attribute = node.class\n value = "batch"\n }')
    assert g["Constraints"][0]["LTarget"] == "${node.class}"


def test_dollar_escape_is_resolved_once(write):
    g = group(write, 'constraint {\n attribute = "$${attr.kernel.name}"\n value = "a%%{b}"\n }')
    assert g["Constraints"][0]["LTarget"] == "${attr.kernel.name}"
    assert g["Constraints"][0]["RTarget"] == "a%{b}"


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('version = ">= 1.7.0"', ("", ">= 1.7.0", "version")),
        ('semver = "^1.2"', ("", "^1.2", "semver")),
        ('regexp = "^T"', ("", "^T", "regexp")),
        ('set_contains = "a,b"', ("", "a,b", "set_contains")),
        ("distinct_hosts = true", ("", "true", "distinct_hosts")),
        ("distinct_hosts = false", ("", "false", "distinct_hosts")),
        ('operator = "distinct_hosts"\n value = "true"', ("", "true", "distinct_hosts")),
        (
            'distinct_property = "${meta.rack}"\n value = "2"',
            ("${meta.rack}", "2", "distinct_property"),
        ),
        ('version = "1"\n regexp = "x"', ("", "x", "regexp")),  # later shorthand wins
        # Nomad's decodeConstraint ignores these shorthands: Operand stays "=".
        ('set_contains_any = "a"\n value = "v"', ("", "v", "=")),
        ('set_contains_all = "a"', ("", "", "=")),
        ('is_set = "x"', ("", "", "=")),
        ('is_not_set = "x"', ("", "", "=")),
    ],
)
def test_constraint_shorthands(write, block, expected):
    c = group(write, f"constraint {{\n {block}\n }}")["Constraints"][0]
    assert (c["LTarget"], c["RTarget"], c["Operand"]) == expected


def test_affinity_shorthands_and_weight(write):
    g = group(
        write, 'affinity {\n attribute = "${meta.x}"\n set_contains_any = "a,b"\n weight = -20\n }'
    )
    assert g["Affinities"] == [
        {"LTarget": "${meta.x}", "RTarget": "a,b", "Operand": "set_contains_any", "Weight": -20}
    ]


def test_ports_split_static_and_coerce_strings(write):
    g = group(write, 'network {\n port "http" { static = "8888" }\n port "db" { to = 6379 }\n }')
    assert g["Networks"] == [
        {
            "ReservedPorts": [{"Label": "http", "Value": 8888}],
            "DynamicPorts": [{"Label": "db", "To": 6379}],
        }
    ]


def test_durations_become_nanoseconds(write):
    job = api(
        write,
        'job "j" {\n update { healthy_deadline = "2m"\n stagger = "1m30s" }\n'
        ' group "g" { task "t" { kill_timeout = "300ms" } }\n}',
    )
    assert job["Update"] == {"HealthyDeadline": 120_000_000_000, "Stagger": 90_000_000_000}
    assert job["TaskGroups"][0]["Tasks"][0]["KillTimeout"] == 300_000_000


def test_bad_duration_names_field(write):
    with pytest.raises(InputError, match=r"job\[j\]\.update\.healthy_deadline: invalid duration"):
        api(write, 'job "j" {\n update { healthy_deadline = "5 minutes" }\n}')


def test_variables_defaults_overrides_and_types(write):
    body = """
    variable "dcs" { default = ["dc1", "dc2"] }
    variable "n" {
      type    = number
      default = 2
    }
    variable "image" { default = "redis" }
    locals { tag = "${var.image}:7" }
    job "j" {
      datacenters = var.dcs
      group "g" {
        count = var.n
        task "t" { config { image = local.tag } }
      }
    }
    """
    job = api(write, body)
    assert job["Datacenters"] == ["dc1", "dc2"]
    assert job["TaskGroups"][0]["Count"] == 2
    assert job["TaskGroups"][0]["Tasks"][0]["Config"] == {"image": "redis:7"}
    assert api(write, body, {"n": "5"})["TaskGroups"][0]["Count"] == 5


def test_unknown_or_missing_variables(write):
    body = 'variable "x" {}\njob "j" { group "g" { count = var.x } }'
    with pytest.raises(InputError, match='Unset variable "x"'):
        api(write, body)
    with pytest.raises(InputError, match='Undefined -var variable; A "y" variable was passed'):
        api(write, body, {"x": 1, "y": 2})
    with pytest.raises(InputError, match=r'no.*attribute named "nope"') as info:
        api(write, 'job "j" {\n group "g" {\n count = var.nope\n }\n}')
    assert info.value.line == 3


def test_task_directly_under_job_becomes_first_group(write):
    job = load_job(
        write(
            "j.nomad",
            'job "j" {\n group "g" { task "a" { driver = "exec" } }\n'
            ' task "solo" { driver = "exec" }\n}',
        )
    )
    assert [g.name for g in job.task_groups] == ["solo", "g"]
    assert job.task_groups[0].tasks[0].driver == "exec"


def test_meta_and_env_as_block_or_map(write):
    job = api(
        write,
        'job "j" {\n meta = { "a.b" = 1, c = true }\n'
        ' group "g" { task "t" { env { X = "${NOMAD_PORT_x}" } } }\n}',
    )
    assert job["Meta"] == {"a.b": "1", "c": "true"}
    assert job["TaskGroups"][0]["Tasks"][0]["Env"] == {"X": "${NOMAD_PORT_x}"}


def test_volumes_devices_spread_targets(write):
    g = group(
        write,
        """
    volume "data" {
      type      = "host"
      source    = "data"
      read_only = true
    }
    spread {
      attribute = "${meta.rack}"
      target "r1" { percent = 70 }
    }""",
    )
    assert g["Volumes"] == {
        "data": {"Name": "data", "Type": "host", "Source": "data", "ReadOnly": True}
    }
    assert g["Spreads"] == [
        {"Attribute": "${meta.rack}", "SpreadTarget": [{"Value": "r1", "Percent": 70}]}
    ]
    job = load_job(
        write(
            "d.nomad",
            """
    job "j" { group "g" { task "t" {
      driver = "docker"
      resources {
        device "nvidia/gpu" {
          count = 2
          constraint {
            attribute = "${device.attr.memory}"
            operator  = ">="
            value     = "24 GiB"
          }
        }
      }
    } } }""",
        )
    )
    device = job.task_groups[0].tasks[0].resources.devices[0]
    assert (device.name, device.count, str(device.constraints[0])) == (
        "nvidia/gpu",
        2,
        "${device.attr.memory} >= 24 GiB",
    )


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        ("count = nope(1)", r'Call to unknown function; There is no function named "nope"'),
        ("count = 1 / 0", r"Zero divisor"),
        (
            'dynamic "task" {\n labels = ["a"]\n content { driver = "x" }\n }',
            r'The argument "for_each" is required',
        ),
        ('count = "many"', r"group\[g\]\.count: expected an integer, got 'many'"),
    ],
)
def test_rejected_expressions_name_file_and_field(write, inner, message):
    with pytest.raises(InputError, match=message) as info:
        group(write, inner)
    assert str(info.value).startswith(str(info.value.source))
    assert info.value.source.endswith("job.nomad")


def test_free_form_fields_are_evaluated_and_keep_runtime_references(write):
    g = group(
        write,
        'task "u" {\n env { X = upper("a")\n H = "${attr.unique.hostname}" }\n'
        ' config { args = [format("%s-%d", "x", 2), "${NOMAD_ALLOC_ID}"] }\n }',
    )
    task = g["Tasks"][0]
    assert task["Env"] == {"X": "A", "H": "${attr.unique.hostname}"}
    assert task["Config"] == {"args": ["x-2", "${NOMAD_ALLOC_ID}"]}


def test_duplicate_groups_rejected(write):
    with pytest.raises(InputError, match=r"group\[g\]: group name is used twice"):
        api(write, 'job "j" {\n group "g" {}\n group "g" {}\n}')


def test_syntax_error_has_file_and_line(write):
    path = write("bad.nomad", 'job "j" {\n  group "g" {\n    count = = 1\n  }\n}\n')
    with pytest.raises(InputError) as info:
        load_job(path)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3: HCL syntax error")


def test_task_secret_blocks_name_their_provider(write):
    body = (
        'job "j" { group "g" { task "t" {\n driver = "docker"\n'
        ' secret "db" {\n provider = "vault"\n path = "kv/db"\n }\n} } }'
    )
    task = load_job(write("j.nomad", body)).task_groups[0].tasks[0]
    assert [(s.name, s.provider, s.path) for s in task.secrets] == [("db", "vault", "kv/db")]
