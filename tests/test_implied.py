"""``jobImpliedConstraints``: the cases of Nomad's Test_jobImpliedConstraints_Mutate.

Transcribed from nomad/job_endpoint_hooks_test.go: each case gives the groups of a job and
the constraints Nomad expects on each group (and task) after the mutator alone.
"""

from __future__ import annotations

from typing import Any

import pytest

from models import Constraint, Job
from sim.core.implied import apply_registration_hooks, implied_constraints

VAULT = ("${attr.vault.version}", ">= 0.6.1", "semver")
CONSUL = ("${attr.consul.version}", ">= 1.8.0", "semver")
NOMAD_SD = ("${attr.nomad.service_discovery}", "true", "=")
NODE_CLASS = ("${node.class}", "high-memory", "=")
CNI = [
    (f"${{attr.plugins.cni.version.{p}}}", ">= 0.4.0", "semver")
    for p in ("bridge", "firewall", "host-local", "loopback", "portmap")
]


def _c(triple: tuple[str, str, str]) -> dict[str, str]:
    return {"l_target": triple[0], "r_target": triple[1], "operand": triple[2]}


def _triples(constraints: list[Constraint]) -> list[tuple[str, str, str]]:
    return [(c.l_target, c.r_target, c.operand) for c in constraints]


def _job(*groups: dict[str, Any]) -> Job:
    return Job.model_validate({"name": "example", "task_groups": list(groups)})


CASES: list[tuple[str, Job, list[list[tuple[str, str, str]]]]] = [
    ("no needed constraints", _job({"name": "example-group-1"}), [[]]),
    (
        "task with vault",
        _job({"name": "group1", "tasks": [{"name": "group1-task1", "vault": {}}]}),
        [[VAULT]],
    ),
    (
        "group with multiple tasks with vault",
        _job(
            {
                "name": "group1",
                "tasks": [{"name": f"group1-task{i}", "vault": {}} for i in (1, 2, 3)],
            }
        ),
        [[VAULT]],
    ),
    (
        "group with multiple vault clusters",
        _job(
            {
                "name": "group1",
                "tasks": [
                    {"name": "group1-task1", "vault": {"cluster": "infra"}},
                    {"name": "group1-task2", "vault": {"cluster": "infra"}},
                    {"name": "group1-task3", "vault": {}},
                ],
            }
        ),
        [[("${attr.vault.infra.version}", ">= 1.11.0", "semver"), VAULT]],
    ),
    (
        "multiple groups only one with vault",
        _job(
            {"name": "group1", "tasks": [{"name": "group1-task1"}]},
            {"name": "group2", "tasks": [{"name": "group2-task1", "vault": {}}]},
            {"name": "group3", "tasks": [{"name": "group3-task1"}]},
        ),
        [[], [VAULT], []],
    ),
    (
        "existing vault version constraint",
        _job(
            {
                "name": "group1",
                "tasks": [{"name": "group1-task1", "vault": {}}],
                "constraints": [_c(("${attr.vault.version}", ">= 1.0.0", "semver"))],
            }
        ),
        [[("${attr.vault.version}", ">= 1.0.0", "semver")]],
    ),
    (
        "vault with other constraints",
        _job(
            {
                "name": "group1",
                "tasks": [{"name": "group1-task1", "vault": {}}],
                "constraints": [_c(NODE_CLASS)],
            }
        ),
        [[NODE_CLASS, VAULT]],
    ),
    (
        "task with vault signal change",
        _job(
            {
                "name": "example-group-1",
                "tasks": [
                    {
                        "name": "group1-task1",
                        "vault": {"change_signal": "SIGINT", "change_mode": "signal"},
                    }
                ],
            }
        ),
        [[VAULT, ("${attr.os.signals}", "SIGINT", "set_contains")]],
    ),
    (
        "task with kill signal",
        _job(
            {
                "name": "example-group-1",
                "tasks": [{"name": "group1-task1", "kill_signal": "SIGINT"}],
            }
        ),
        [[("${attr.os.signals}", "SIGINT", "set_contains")]],
    ),
    (
        "multiple tasks with template signal change",
        _job(
            {
                "name": "example-group-1",
                "tasks": [
                    {
                        "name": "group1-task1",
                        "templates": [{"change_mode": "signal", "change_signal": "SIGINT"}],
                    },
                    {
                        "name": "group1-task2",
                        "templates": [{"change_mode": "signal", "change_signal": "SIGHUP"}],
                    },
                ],
            }
        ),
        [[("${attr.os.signals}", "SIGHUP,SIGINT", "set_contains")]],
    ),
    (
        "task group nomad discovery",
        _job(
            {
                "name": "example-group-1",
                "services": [{"name": "example-group-service-1", "provider": "nomad"}],
            }
        ),
        [[NOMAD_SD]],
    ),
    (
        "task group nomad discovery constraint found",
        _job(
            {
                "name": "example-group-1",
                "services": [{"name": "example-group-service-1", "provider": "nomad"}],
                "constraints": [_c(NOMAD_SD)],
            }
        ),
        [[NOMAD_SD]],
    ),
    (
        "task group nomad discovery other constraints",
        _job(
            {
                "name": "example-group-1",
                "services": [{"name": "example-group-service-1", "provider": "nomad"}],
                "constraints": [_c(NODE_CLASS)],
            }
        ),
        [[NODE_CLASS, NOMAD_SD]],
    ),
    (
        "task group Consul discovery",
        _job(
            {
                "name": "example-group-1",
                "services": [{"name": "example-group-service-1", "provider": "consul"}],
            }
        ),
        [[CONSUL]],
    ),
    (
        "task group Consul discovery constraint found",
        _job(
            {
                "name": "example-group-1",
                "services": [{"name": "example-group-service-1", "provider": "consul"}],
                "constraints": [_c(CONSUL)],
            }
        ),
        [[CONSUL]],
    ),
    (
        "task group Consul discovery with multiple clusters",
        _job(
            {
                "name": "example-group-1",
                "services": [
                    {"name": "example-group-service-1", "provider": "consul"},
                    {"name": "example-group-service-2", "provider": "consul", "cluster": "infra"},
                ],
            }
        ),
        [[CONSUL, ("${attr.consul.infra.version}", ">= 1.8.0", "semver")]],
    ),
    (
        "task group Consul discovery other constraints",
        _job(
            {
                "name": "example-group-1",
                "services": [{"name": "example-group-service-1", "provider": "consul"}],
                "constraints": [_c(NODE_CLASS)],
            }
        ),
        [[NODE_CLASS, CONSUL]],
    ),
    (
        "task group with empty provider",
        _job({"name": "example-group-1", "services": [{"name": "example-group-service-1"}]}),
        [[CONSUL]],
    ),
    (
        "task group with numa block",
        _job({"name": "group1", "tasks": [{"resources": {"numa": {"affinity": "require"}}}]}),
        [
            [
                ("${attr.nomad.version}", ">= 1.6.3-dev", "semver"),
                ("${attr.kernel.name}", "linux", "="),
            ]
        ],
    ),
    (
        "task group with bridge network",
        _job({"name": "group-with-bridge", "networks": [{"mode": "bridge"}]}),
        [CNI],
    ),
    (
        "task group with tproxy",
        _job(
            {
                "name": "group-with-tproxy",
                "services": [
                    {"connect": {"sidecar_service": {"proxy": {"transparent_proxy": {}}}}}
                ],
                "networks": [{"mode": "bridge"}],
            }
        ),
        [
            [
                CONSUL,
                *CNI,
                ("${attr.plugins.cni.version.consul-cni}", ">= 1.4.2", "semver"),
                ("${attr.nomad.version}", ">= 1.8.0-dev", "semver"),
            ]
        ],
    ),
    (
        "task with schedule",
        _job(
            {
                "name": "group-with-schedule",
                "tasks": [{"name": "task-with-schedule", "schedule": {}}],
            }
        ),
        [[("${attr.nomad.version}", ">= 1.8.0-dev", "semver")]],
    ),
    (
        "task with secret",
        _job(
            {
                "name": "group-with-secret",
                "tasks": [{"name": "task-with-secret", "secrets": [{"provider": "test"}]}],
            }
        ),
        [[("${attr.plugins.secrets.test.version}", "", "is_set")]],
    ),
    (
        "tasks with overlapping secrets",
        _job(
            {
                "name": "group-with-secret",
                "tasks": [
                    {"name": "task-with-secret", "secrets": [{"provider": "foo"}]},
                    {
                        "name": "task-with-secret",
                        "secrets": [{"provider": "foo"}, {"provider": "bar"}],
                    },
                ],
            }
        ),
        [
            [
                ("${attr.plugins.secrets.foo.version}", "", "is_set"),
                ("${attr.plugins.secrets.bar.version}", "", "is_set"),
            ]
        ],
    ),
]


@pytest.mark.parametrize(("job", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_implied_constraints_match_nomad(job: Job, expected: list[list[tuple]]) -> None:
    out = implied_constraints(job)
    assert [_triples(g.constraints) for g in out.task_groups] == expected


def test_task_level_service_constrains_the_task_not_the_group() -> None:
    job = _job(
        {
            "name": "example-group-1",
            "tasks": [{"name": "example-task-1", "services": [{"name": "example-task-service-1"}]}],
        }
    )
    group = implied_constraints(job).task_groups[0]
    assert group.constraints == []
    assert _triples(group.tasks[0].constraints) == [CONSUL]


def test_the_input_job_is_not_changed() -> None:
    job = _job({"name": "g", "services": [{"name": "s"}], "networks": [{"mode": "bridge"}]})
    implied_constraints(job)
    apply_registration_hooks(job)
    assert job.task_groups[0].constraints == []


def test_added_constraints_say_what_implied_them() -> None:
    job = _job(
        {
            "name": "g",
            "services": [{"name": "web"}],
            "networks": [{"mode": "bridge"}],
            "constraints": [_c(NODE_CLASS)],
        }
    )
    constraints = implied_constraints(job).task_groups[0].constraints
    assert constraints[0].implied_by == ""
    assert constraints[1].implied_by == 'Consul service "web"'
    assert {c.implied_by for c in constraints[2:]} == {"bridge network"}


def test_a_secret_provider_in_one_group_constrains_every_group() -> None:
    # The mutator loops over the providers of all groups for each group (hooks.go).
    job = _job(
        {"name": "a", "tasks": [{"name": "t", "secrets": [{"provider": "foo"}]}]},
        {"name": "b", "tasks": [{"name": "t"}]},
    )
    out = implied_constraints(job)
    expected = [("${attr.plugins.secrets.foo.version}", "", "is_set")]
    assert [_triples(g.constraints) for g in out.task_groups] == [expected, expected]


def test_full_matcher_adds_a_signal_constraint_beside_a_different_one() -> None:
    # Signals use the full matcher: another set_contains on os.signals does not stop it.
    job = _job(
        {
            "name": "g",
            "tasks": [{"name": "t", "kill_signal": "SIGINT"}],
            "constraints": [_c(("${attr.os.signals}", "SIGHUP", "set_contains"))],
        }
    )
    constraints = _triples(implied_constraints(job).task_groups[0].constraints)
    assert constraints == [
        ("${attr.os.signals}", "SIGHUP", "set_contains"),
        ("${attr.os.signals}", "SIGINT", "set_contains"),
    ]


def test_change_signals_are_upper_cased_kill_signal_is_not() -> None:
    # Template.Canonicalize and Vault.Canonicalize upper-case; KillSignal is used as written.
    job = _job(
        {
            "name": "g",
            "tasks": [
                {
                    "name": "t",
                    "kill_signal": "sigterm",
                    "templates": [{"change_mode": "signal", "change_signal": "sighup"}],
                }
            ],
        }
    )
    constraints = _triples(implied_constraints(job).task_groups[0].constraints)
    assert constraints == [("${attr.os.signals}", "SIGHUP,sigterm", "set_contains")]


def test_nomad_service_checks_need_nomad_1_4() -> None:
    job = _job(
        {
            "name": "g",
            "services": [{"name": "s", "provider": "nomad", "checks": [{"type": "http"}]}],
        }
    )
    constraints = _triples(implied_constraints(job).task_groups[0].constraints)
    assert constraints == [NOMAD_SD, ("${attr.nomad.version}", ">= 1.4.0", "semver")]


def test_consul_partition_is_appended_at_every_registration() -> None:
    # jobConsulHook appends without a matcher (job_endpoint_hook_consul.go mutateImpl).
    job = _job({"name": "g", "consul": {"partition": "foo"}, "tasks": [{"name": "t"}]})
    once = apply_registration_hooks(job)
    twice = apply_registration_hooks(once)
    partition = ("${attr.consul.partition}", "foo", "=")
    assert _triples(once.task_groups[0].constraints) == [partition]
    assert _triples(twice.task_groups[0].constraints) == [partition, partition]


def test_registration_is_idempotent_for_the_implied_constraints() -> None:
    job = _job(
        {
            "name": "g",
            "services": [{"name": "web", "connect": {"sidecar_service": {}}}],
            "networks": [{"mode": "bridge"}],
            "tasks": [{"name": "t", "driver": "docker", "kill_signal": "SIGINT"}],
        }
    )
    once = apply_registration_hooks(job)
    twice = apply_registration_hooks(once)
    assert once == twice


def test_fixes_never_suggest_removing_what_nomad_adds() -> None:
    from pathlib import Path

    from sim import load_scenario, run_resolved
    from sim.whatif import constraint_fixes

    scenarios = Path(__file__).resolve().parents[1] / "scenarios"
    connect = run_resolved(load_scenario(scenarios / "hashistack-connect.yaml"))
    assert [g.key for g in connect.unplaceable] == ["countdash/api", "countdash/dashboard"]
    assert constraint_fixes(connect) == []
    pinned = run_resolved(
        load_scenario(scenarios / "hashistack-linux-constraint.yaml", {"client_count": 0})
    )
    fixes = {(f.group, f.constraint) for f in constraint_fixes(pinned)}
    assert ("grafana/grafana", "${node.class} = hashistack-linux") in fixes
    assert not any("consul" in constraint for _, constraint in fixes)
