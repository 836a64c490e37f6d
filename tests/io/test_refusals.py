"""What Nomad refuses, and every absurd size, is one InputError naming the file (issue 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sim.core import limits
from sim.core.errors import InputError
from sim.io import load_job, load_jobs, load_scenario

GROUP = 'group "g" {\n    task "t" { driver = "docker" }\n  }'


def _job(body: str, head: str = "") -> str:
    return f'job "x" {{\n  {head}\n  {body}\n}}\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _job('group "g" {\n count = -1\n task "t" { driver = "docker" }\n }'),
            r"group\[g\]\.count: Task group g validation failed: "
            r"Task group count can't be negative",
        ),
        (_job('type = "banana"\n' + GROUP), r'type: Invalid job type: "banana"'),
        (_job('group "g" {\n count = 1\n }'), r"Missing tasks for task group"),
        (
            _job(
                'group "g" {\n spread {\n attribute = "${node.datacenter}"\n'
                ' target "a" { percent = 100 }\n target "b" { percent = 100 }\n }\n'
                ' task "t" { driver = "docker" }\n }'
            ),
            r"group\[g\]\.spread\[0\]: .*Sum of spread target percentages must not be "
            r"greater than 100%; got 200%",
        ),
        (
            _job('group "g" {\n task "t" {\n driver = "docker"\n resources { cpu = -100 }\n }\n }'),
            r"task\[t\]\.resources: .*minimum CPU value is 1; got -100",
        ),
        (
            _job(GROUP, 'constraint {\n attribute = "${attr.kernel.name}"\n regexp = "(["\n }'),
            r"constraint\[0\]: Constraint 1 validation failed: Regular expression failed",
        ),
        (
            _job(
                GROUP, 'constraint {\n attribute = "${attr.a}"\n operator = "~="\n value = "1"\n}'
            ),
            r'Unknown constraint type "~="',
        ),
        (
            _job(GROUP, 'constraint {\n attribute = "${attr.a}"\n version = ">= banana"\n}'),
            r"Version constraint is invalid: malformed constraint: >= banana",
        ),
        (
            _job(GROUP, 'constraint {\n attribute = "${attr.a}"\n semver = "~> 1.x.y"\n}'),
            r"Semver constraint is invalid",
        ),
        (
            _job('group "g" {\n task "t" { driver = "docker" }\n task "u" {}\n }'),
            r"Task u validation failed: Missing task driver",
        ),
        (
            _job('group "g" {\n count = 60000\n task "t" { driver = "docker" }\n }'),
            r"total count was greater than configured job_max_count: 60000 > 50000",
        ),
        (
            _job('group "g" {\n count = 99999999999999999999999999\n task "t" {}\n }'),
            r"group\[g\]\.count: Unsuitable value type; Unsuitable value: value must be a whole "
            r"number, between -9223372036854775808 and 9223372036854775807",
        ),
        (
            'job " " {\n  ' + GROUP + "\n}\n",
            r'job " ": id: Job ID contains a space',
        ),
    ],
)
def test_jobs_nomad_refuses_are_refused_with_its_words(write, text, message):
    path = write("job.nomad", text)
    with pytest.raises(InputError, match=message) as caught:
        load_job(path)
    assert caught.value.source == str(path)


def test_several_problems_share_one_line(write):
    path = write("job.nomad", _job('type = ""\n' + 'group "g" {\n count = -2\n}'))
    with pytest.raises(InputError) as caught:
        load_job(path)
    text = str(caught.value)
    assert "\n" not in text
    assert "Missing job type" in text and "count can't be negative" in text


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            'grop "g" {\n    task "t" { driver = "docker" }\n  }',
            3,
            r'job "x" grop: Unsupported block type; Blocks of type "grop" are not expected '
            r'here\. Did you mean "group"\?',
        ),
        (
            'group "g" {\n    cuont = 2\n    task "t" { driver = "docker" }\n  }',
            4,
            r'group "g" cuont: Unsupported argument; An argument named "cuont" is not expected '
            r'here\. Did you mean "count"\?',
        ),
        (
            'group "g" {\n    task "t" {\n      driver = "docker"\n'
            '      device "nvidia/gpu" { count = 1 }\n    }\n  }',
            6,
            r'task "t" device: Unsupported block type; Blocks of type "device"',
        ),
        (
            'group {\n    task "t" { driver = "docker" }\n  }',
            3,
            r"Missing name for group; All group blocks must have 1 labels \(name\)\.",
        ),
        (
            'group "g" {\n    task "t" {\n      driver = "docker"\n'
            '      resources "big" { cpu = 100 }\n    }\n  }',
            6,
            r"Extraneous label for resources; No labels are expected for resources blocks\.",
        ),
        (
            'group "g" {\n    network = { mode = "host" }\n    task "t" { driver = "x" }\n  }',
            4,
            r'An argument named "network" is not expected here\. Did you mean to define a '
            r'block of type "network"\?',
        ),
    ],
)
def test_unknown_jobspec_names_are_refused_as_jobspec2_does(write, body, line, message):
    path = write("job.nomad", _job(body))
    with pytest.raises(InputError, match=message) as caught:
        load_job(path)
    assert (caught.value.source, caught.value.line) == (str(path), line)


def test_blocks_the_simulator_ignores_are_still_known(write):
    job = load_job(
        write(
            "job.nomad",
            """
            job "x" {
              reschedule { attempts = 1 }
              group "g" {
                restart { attempts = 2 }
                service { name = "web" check { type = "http" path = "/" } }
                task "t" {
                  driver = "docker"
                  config { image = "nginx" anything { goes = "here" } }
                  template { data = "x" destination = "local/x" }
                  artifact { source = "https://example.com/a.tgz" }
                  logs { max_files = 3 }
                  vault { policies = ["p"] }
                  scaling "cpu" { max = 2000 }
                }
              }
            }
            """,
        )
    )
    assert job.task_groups[0].tasks[0].driver == "docker"


def test_empty_job_array_is_refused(write):
    with pytest.raises(InputError, match="empty JSON array"):
        load_jobs(write("jobs.json", "[]"))


def test_json_count_beyond_go_int(write):
    job = {
        "ID": "x",
        "TaskGroups": [{"Name": "g", "Count": 10**26, "Tasks": [{"Name": "t", "Driver": "d"}]}],
    }
    with pytest.raises(InputError, match=r"group\[g\]\.count: json: cannot unmarshal number"):
        load_job(write("j.json", json.dumps(job)))


# -- bounds


@pytest.fixture
def limit():
    changed: list[str] = []

    def _set(name: str, value: int) -> None:
        limits.set_limit(name, value)
        changed.append(name)

    yield _set
    for name in changed:
        limits.set_limit(name, None)


def test_input_size_bound(write, limit):
    path = write("j.json", json.dumps({"ID": "x", "TaskGroups": []}))
    limit("input_bytes", 10)
    with pytest.raises(InputError, match=r"input file size in bytes \d+ exceeds the limit of 10"):
        load_jobs(path)


def test_devices_are_not_read():
    with pytest.raises(InputError, match="not a regular file"):
        load_jobs(Path("/dev/zero"))


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NOMAD_SIM_MAX_NODES", "7")
    assert limits.NODES.value() == 7
    monkeypatch.setenv("NOMAD_SIM_MAX_NODES", "lots")
    with pytest.raises(InputError, match="NOMAD_SIM_MAX_NODES='lots': expected a whole number"):
        limits.NODES.value()


def test_deep_json_is_refused_before_parsing(write):
    text = '{"ID": "x", "TaskGroups": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(InputError, match="JSON nesting depth 5,001 exceeds the limit of 100"):
        load_jobs(write("deep.json", text))


def test_brackets_inside_json_strings_do_not_count(write):
    job = {
        "ID": "x",
        "Meta": {"pattern": "[" * 500},
        "TaskGroups": [{"Name": "g", "Tasks": [{"Name": "t", "Driver": "d"}]}],
    }
    assert load_job(write("j.json", json.dumps(job))).meta["pattern"] == "[" * 500


SCENARIO = """
name: s
variables:
  n: 2
node_groups:
  - name: linux
    count: ${var.n}
    template:
      node_class: c
      node_resources:
        cpu: {cpu_shares: 4000}
        memory: {memory_mb: 8192}
jobs:
  - id: web
    task_groups:
      - name: g
        tasks:
          - {name: t, driver: docker}
"""


def test_billion_laughs_is_refused(write):
    lines = ["name: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(
        InputError, match=r"YAML values .* exceeds the limit of 2,000,000"
    ) as caught:
        load_scenario(write("s.yaml", "\n".join(lines)))
    assert caught.value.line is not None


@pytest.mark.parametrize("text", ["name: r\nx: &a [*a]\n", "name: r\nx: &a\n  k: *a\n"])
def test_self_referring_anchor_is_refused(write, text):
    with pytest.raises(InputError, match=r"alias \*a refers to its own anchor"):
        load_scenario(write("s.yaml", text))


def test_aliases_within_bounds_load(write):
    text = SCENARIO.replace("    template:\n", "    template: &linux\n").replace(
        "jobs:", "  - name: more\n    count: 1\n    template: *linux\njobs:"
    )
    resolved = load_scenario(write("s.yaml", text))
    assert [n.node_class for n in resolved.nodes] == ["c", "c", "c"]


@pytest.mark.parametrize(
    "text",
    ["name: x\nv: " + "[" * 3000 + "]" * 3000 + "\n", "name: x\nv:\n" + "- " * 3000 + "x\n"],
)
def test_deep_yaml_is_refused_before_libyaml_composes_it(write, text):
    with pytest.raises(InputError, match=r"YAML nesting depth .* exceeds the limit of 100"):
        load_scenario(write("s.yaml", text))


def test_repeated_yaml_key(write):
    with pytest.raises(InputError, match=r"duplicate key 'count' \(first given on line 7\)") as e:
        load_scenario(
            write("s.yaml", SCENARIO.replace("    template:", "    count: 3\n    template:"))
        )
    assert e.value.line == 8


def test_misspelt_template_key_is_an_error(write):
    path = write("s.yaml", SCENARIO.replace("node_class: c", "node_clas: c"))
    with pytest.raises(
        InputError,
        match=r"template\.node_clas: unknown field \(did you mean "
        r"'node_class'\?\)",
    ) as caught:
        load_scenario(path)
    assert (caught.value.source, caught.value.line) == (str(path), 9)


def test_misspelt_inline_job_key_is_an_error(write):
    path = write("s.yaml", SCENARIO.replace("driver: docker", "driver: docker, resourcez: {}"))
    with pytest.raises(InputError, match=r"tasks\[0\]\.resourcez: unknown field"):
        load_scenario(path)


def test_bad_count_is_blamed_on_the_tfvars_file(write):
    scenario = write("s.yaml", SCENARIO)
    tfvars = write("t.tfvars", "n = -1\n")
    with pytest.raises(
        InputError, match=r"got -1 \(used by node_groups\[0\]\.count in .*s\.yaml:7\)"
    ) as caught:
        load_scenario(scenario, var_files=[tfvars])
    assert caught.value.source == str(tfvars)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "count must be a non-negative integer, got -3"),
        ("100000000", "the scenario's node count 100,000,000 exceeds the limit of 200,000"),
        ("abc", "variable 'n': expected a number, got 'abc'"),
    ],
)
def test_bad_set_value_is_blamed_on_the_flag(write, value, message):
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        load_scenario(write("s.yaml", SCENARIO), {"n": value})
    assert caught.value.source == "--set n"


def test_node_count_bound_counts_every_group(write, limit):
    limit("nodes", 3)
    with pytest.raises(InputError, match="node count 4 exceeds the limit of 3"):
        load_scenario(write("s.yaml", SCENARIO), {"n": 4})
    assert len(load_scenario(write("s.yaml", SCENARIO), {"n": 3}).nodes) == 3


def test_deep_hcl_is_refused_before_parsing(write):
    text = 'job "x" {\n  meta = ' + "[" * 3000 + "]" * 3000 + "\n}\n"
    with pytest.raises(InputError, match="HCL nesting depth 3,001 exceeds the limit of 100"):
        load_jobs(write("deep.nomad", text))


def test_braces_in_hcl_strings_and_heredocs_do_not_count(write):
    template = "{{" * 60
    job = load_job(
        write(
            "job.nomad",
            'job "x" {\n  meta { a = "' + "{" * 200 + '" }\n'
            '  group "g" {\n    task "t" {\n      driver = "docker"\n'
            "      template {\n        data = <<EOF\n" + template + "\nEOF\n"
            '        destination = "local/x"\n      }\n    }\n  }\n}\n',
        )
    )
    assert job.meta["a"] == "{" * 200
