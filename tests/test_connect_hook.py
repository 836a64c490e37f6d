"""The connect registration hook, after nomad/job_endpoint_hook_connect_test.go.

Each test restates one of Nomad's cases (mock jobs from nomad/mock/connect.go) with the
project's models; the assertions are the fields that reach placement: task names, kinds,
drivers, resources, constraints, lifecycle and injected ports.
"""

from __future__ import annotations

from typing import Any

import pytest

from models import Job, Resources
from models.services import ServiceCheck, SidecarTask
from sim.core.connect import connect_hook, guess_driver, merge_sidecar_task, sidecar_task
from sim.core.errors import InputError
from sim.core.expose import exposable, expose_check_hook
from sim.core.implied import apply_registration_hooks

CONSUL = ("${attr.consul.version}", ">= 1.8.0", "semver")
GRPC = ("${attr.consul.grpc}", "0", ">")


def _triples(constraints: list) -> list[tuple[str, str, str]]:
    return [(c.l_target, c.r_target, c.operand) for c in constraints]


def _job(group: dict[str, Any], **job: Any) -> Job:
    return Job.model_validate({"id": "my-job", "name": "my-job", **job, "task_groups": [group]})


def _hooked(job: Job) -> Job:
    out = job.model_copy(deep=True)
    connect_hook(out)
    return out


@pytest.mark.parametrize(
    ("drivers", "expected"),
    [
        ([], "docker"),
        (["exec", "raw_exec", "rkt"], "docker"),
        (["docker"], "docker"),
        (["podman"], "podman"),
        (["podman", "docker", "exec"], "docker"),
        (["exec", "podman", "raw_exec"], "podman"),
    ],
    ids=["none", "neither", "docker only", "podman only", "mix with docker", "mix without docker"],
)
def test_guess_task_driver(drivers: list[str], expected: str) -> None:
    group = _job({"name": "g", "tasks": [{"driver": d} for d in drivers]}).task_groups[0]
    assert guess_driver(group) == expected


def test_new_sidecar_task() -> None:
    redis = sidecar_task("redis", "podman")
    assert (redis.name, redis.kind, redis.driver) == (
        "connect-proxy-redis",
        "connect-proxy:redis",
        "podman",
    )
    assert (redis.resources.cpu, redis.resources.memory_mb) == (250, 128)
    assert redis.lifecycle is not None
    assert (redis.lifecycle.hook, redis.lifecycle.sidecar) == ("prestart", True)
    assert _triples(redis.constraints) == [CONSUL, GRPC]
    assert sidecar_task("db", "docker").name == "connect-proxy-db"


def _sidecar_group() -> dict[str, Any]:
    return {
        "networks": [{"mode": "bridge"}],
        "services": [
            {
                "name": "${NOMAD_META_backend_name}",
                "port_label": "8080",
                "connect": {"sidecar_service": {}},
            },
            {
                "name": "${NOMAD_META_admin_name}",
                "port_label": "9090",
                "connect": {"sidecar_service": {}},
            },
        ],
    }


def test_group_connect_hook_injects_a_sidecar_per_service() -> None:
    job = _job(_sidecar_group(), meta={"backend_name": "backend", "admin_name": "admin"})
    group = _hooked(job).task_groups[0]
    assert [s.name for s in group.services] == ["backend", "admin"]
    assert [(t.name, t.driver) for t in group.tasks] == [
        ("connect-proxy-backend", "docker"),
        ("connect-proxy-admin", "docker"),
    ]
    ports = [(p.label, p.to) for p in group.networks[0].dynamic_ports]
    assert ports == [("connect-proxy-backend", -1), ("connect-proxy-admin", -1)]


def test_group_connect_hook_is_idempotent() -> None:
    job = _job(_sidecar_group(), meta={"backend_name": "backend", "admin_name": "admin"})
    once = _hooked(job)
    assert _hooked(once) == once


def _gateway_group(mode: str, kind: str, **extra: Any) -> dict[str, Any]:
    gateways = {
        "ingress": {"ingress": {}},
        "terminating": {"terminating": {"services": [{"name": "service1"}]}},
        "mesh": {"mesh": {}},
    }
    return {
        "networks": [{"mode": mode}],
        "services": [
            {
                "name": "${NOMAD_META_gateway_name}",
                "port_label": "public_port" if kind == "mesh" else "9999",
                "connect": {"gateway": gateways[kind], **extra},
            }
        ],
    }


def test_ingress_gateway_bridge_network_with_custom_tls() -> None:
    group = _gateway_group("bridge", "ingress")
    group["services"][0]["connect"]["gateway"]["ingress"]["tls"] = {
        "enabled": True,
        "tls_min_version": "TLSv1_2",
    }
    out = _hooked(_job(group, meta={"gateway_name": "my-gateway"})).task_groups[0]
    assert out.services[0].name == "my-gateway"
    (task,) = out.tasks
    assert (task.name, task.kind, task.driver) == (
        "connect-ingress-my-gateway",
        "connect-ingress:my-gateway",
        "docker",
    )
    assert "network_mode" not in task.config
    assert (task.resources.cpu, task.resources.memory_mb) == (250, 128)
    assert task.lifecycle is None
    assert _triples(task.constraints) == [
        CONSUL,
        GRPC,
        ("${attr.consul.version}", ">= 1.11.2", "semver"),
    ]
    assert out.networks[0].dynamic_ports == []


def test_ingress_gateway_host_network() -> None:
    out = _hooked(_job(_gateway_group("host", "ingress"), meta={"gateway_name": "my-gateway"}))
    (task,) = out.task_groups[0].tasks
    assert task.config["network_mode"] == "host"
    assert _triples(task.constraints) == [CONSUL, GRPC]


def test_ingress_gateway_guesses_podman() -> None:
    # Nomad's case uses network mode "Host": not "host", so no host network_mode.
    group = _gateway_group("Host", "ingress")
    group["tasks"] = [{"name": "mytask", "driver": "podman"}]
    out = _hooked(_job(group, meta={"gateway_name": "my-gateway"})).task_groups[0]
    assert [(t.name, t.driver) for t in out.tasks] == [
        ("mytask", "podman"),
        ("connect-ingress-my-gateway", "podman"),
    ]
    assert "network_mode" not in out.tasks[1].config


def test_ingress_gateway_custom_task() -> None:
    custom = SidecarTask(
        driver="raw_exec",
        config={"command": "/bin/sidecar", "args": ["a", "b"]},
        resources=Resources(cpu=400, memory_mb=0),  # memory: inherit 128
        kill_signal="SIGHUP",
    )
    group = _gateway_group("bridge", "ingress")
    group["services"][0]["connect"]["sidecar_task"] = custom.model_dump()
    once = _hooked(_job(group, meta={"gateway_name": "my-gateway"}))
    (task,) = once.task_groups[0].tasks
    assert (task.name, task.driver, task.kill_signal) == (
        "connect-ingress-my-gateway",
        "raw_exec",
        "SIGHUP",
    )
    assert task.config == {"command": "/bin/sidecar", "args": ["a", "b"]}
    assert (task.resources.cpu, task.resources.memory_mb) == (400, 128)
    assert _triples(task.constraints) == [CONSUL, GRPC]
    assert _hooked(once) == once


def test_terminating_gateway_gets_a_port() -> None:
    group = _gateway_group("bridge", "terminating")
    del group["services"][0]["port_label"]
    out = _hooked(_job(group, meta={"gateway_name": "my-gateway"})).task_groups[0]
    assert [t.name for t in out.tasks] == ["connect-terminating-my-gateway"]
    assert out.services[0].port_label == "connect-terminating-my-gateway"
    ports = [(p.label, p.to) for p in out.networks[0].dynamic_ports]
    assert ports == [("connect-terminating-my-gateway", -1)]


def test_mesh_gateway_gets_a_lan_port() -> None:
    once = _hooked(_job(_gateway_group("bridge", "mesh"), meta={"gateway_name": "my-gateway"}))
    group = once.task_groups[0]
    assert [t.name for t in group.tasks] == ["connect-mesh-my-gateway"]
    assert group.services[0].port_label == "public_port"
    ports = [(p.label, p.to) for p in group.networks[0].dynamic_ports]
    assert ports == [("connect-mesh-my-gateway-lan", -1)]
    assert _hooked(once) == once


def test_mesh_gateway_without_port_is_refused() -> None:
    group = _gateway_group("bridge", "mesh")
    del group["services"][0]["port_label"]
    with pytest.raises(InputError, match=r"service\.port must be set for mesh gateway service"):
        _hooked(_job(group, meta={"gateway_name": "g"}))


def test_connect_interpolation_through_all_mutators() -> None:
    # TestJobEndpointConnect_ConnectInterpolation: ${JOB} is replaced before the proxy task.
    job = _job(
        {
            "name": "web",
            "networks": [{"mode": "bridge"}],
            "services": [
                {"name": "${JOB}-api", "port_label": "9999", "connect": {"sidecar_service": {}}}
            ],
            "tasks": [{"name": "web", "driver": "exec"}],
        }
    )
    tasks = apply_registration_hooks(job).task_groups[0].tasks
    assert len(tasks) == 2
    assert tasks[1].name == "connect-proxy-my-job-api"


def _native_group(task_name: str, tasks: list[str]) -> dict[str, Any]:
    return {
        "name": "group",
        "networks": [{"mode": "host"}],
        "services": [{"name": "redis", "task_name": task_name, "connect": {"native": True}}],
        "tasks": [{"name": name} for name in tasks],
    }


def test_native_service_names_its_task() -> None:
    group = _hooked(_job(_native_group("", ["task1"]))).task_groups[0]
    assert group.tasks[0].kind == "connect-native:redis"
    assert group.services[0].task_name == "task1"
    named = _hooked(_job(_native_group("task2", ["task1", "task2"]))).task_groups[0]
    assert [t.kind for t in named.tasks] == ["", "connect-native:redis"]


@pytest.mark.parametrize(
    ("task_name", "tasks", "message"),
    [
        (
            "",
            ["task1", "task2"],
            "task for Consul Connect Native service group->redis is ambiguous",
        ),
        ("task3", ["task1", "task2"], "task task3 named by Consul Connect Native service"),
    ],
)
def test_native_service_task_errors(task_name: str, tasks: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        _hooked(_job(_native_group(task_name, tasks)))


def test_group_without_network_is_skipped() -> None:
    # Mutate skips it; Nomad's validator then refuses the job.
    job = _job({"name": "g", "services": [{"name": "s", "connect": {"sidecar_service": {}}}]})
    assert _hooked(job).task_groups[0].tasks == []


def test_existing_task_with_the_proxy_name_gets_a_stable_suffix() -> None:
    group = _sidecar_group()
    group["tasks"] = [{"name": "connect-proxy-backend", "driver": "docker"}]
    job = _job(group, meta={"backend_name": "backend", "admin_name": "admin"})
    names = [t.name for t in _hooked(job).task_groups[0].tasks]
    assert names[0] == "connect-proxy-backend"
    assert names[1].startswith("connect-proxy-backend-") and len(names[1]) == 28
    assert names == [t.name for t in _hooked(job).task_groups[0].tasks]


def test_sidecar_task_block_defaults_to_the_api_resources() -> None:
    # A sidecar_task block is canonicalized by the api client with 100 MHz / 300 MB first
    # (api/consul.go SidecarTask.Canonicalize), so it replaces the proxy's 250 / 128.
    task = sidecar_task("web", "docker")
    merge_sidecar_task(SidecarTask.model_validate({"resources": {"cpu": 50}}), task)
    assert (task.resources.cpu, task.resources.memory_mb) == (50, 300)


# -- the expose-check hook (nomad/job_endpoint_hook_expose_check_test.go)


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    [
        ("grpc", "/health", True),
        ("gRPC", "/health", True),
        ("http", "/health", True),
        ("HTTP", "/health", True),
        ("tcp", "/health", False),
        ("http", "health", False),
    ],
)
def test_check_is_exposable(kind: str, path: str, expected: bool) -> None:
    assert exposable(ServiceCheck(type=kind, path=path)) is expected


def _exposed(check: dict[str, Any], service_port: str, networks: list[dict]) -> Job:
    return _job(
        {
            "name": "group1",
            "networks": networks,
            "services": [
                {
                    "name": "service1",
                    "port_label": service_port,
                    "checks": [{"name": "check1", "expose": True, **check}],
                    "connect": {"sidecar_service": {}},
                }
            ],
        }
    )


def _expose(job: Job) -> Job:
    out = job.model_copy(deep=True)
    expose_check_hook(out)
    return out


HEALTH = {"type": "http", "path": "/health"}


def test_expose_with_a_labelled_check_port_adds_no_port() -> None:
    job = _exposed({**HEALTH, "port_label": "hcPort"}, "4000", [{"mode": "bridge"}])
    assert _expose(job).task_groups[0].networks[0].dynamic_ports == []


def test_expose_resolves_the_service_port_by_label() -> None:
    networks = [{"mode": "bridge", "reserved_ports": [{"label": "sPort", "value": 4000}]}]
    job = _exposed({**HEALTH, "port_label": "hcPort"}, "sPort", networks)
    assert _expose(job).task_groups[0].services[0].checks[0].port_label == "hcPort"


def test_expose_missing_service_port_is_refused() -> None:
    job = _exposed({**HEALTH, "port_label": "hcPort"}, "sPort", [{"mode": "bridge"}])
    with pytest.raises(
        InputError,
        match="unable to determine local service port for service check group1->service1->check1",
    ):
        _expose(job)


def test_expose_empty_check_port_gets_a_generated_stable_port() -> None:
    job = _exposed(HEALTH, "9999", [{"mode": "bridge"}])
    once = _expose(job)
    (port,) = once.task_groups[0].networks[0].dynamic_ports
    assert port.label.startswith("svc_service1_ck_") and port.to == -1
    assert once.task_groups[0].services[0].checks[0].port_label == port.label
    assert _expose(job) == once
    assert _expose(once) == once


def test_expose_port_label_is_unique_per_check_index() -> None:
    job = _exposed(HEALTH, "9999", [{"mode": "bridge"}])
    checks = job.task_groups[0].services[0].checks
    checks.append(checks[0].model_copy())
    ports = _expose(job).task_groups[0].networks[0].dynamic_ports
    assert len({p.label for p in ports}) == 2


@pytest.mark.parametrize(
    ("networks", "message"),
    [
        ([], 'group "group1" has 0 networks'),
        ([{"mode": "bridge"}, {"mode": "bridge"}], 'group "group1" has 2 networks'),
        ([{"mode": "host"}], 'uses network mode "host"; must be "bridge" or "cni/\\*"'),
    ],
)
def test_expose_needs_one_bridge_or_cni_network(networks: list[dict], message: str) -> None:
    with pytest.raises(InputError, match=f"connect expose check: .*{message}"):
        _expose(_exposed(HEALTH, "9999", networks))


def test_expose_in_a_cni_network() -> None:
    ports = _expose(_exposed(HEALTH, "9999", [{"mode": "cni/mynet"}])).task_groups[0]
    assert len(ports.networks[0].dynamic_ports) == 1


def test_expose_typical_mutate() -> None:
    # TestJobExposeCheckHook_Mutate "typical": labelled check ports, so no port is added;
    # the tcp check and the host-mode group without services are left alone.
    job = Job.model_validate(
        {
            "task_groups": [
                {"name": "group0", "networks": [{"mode": "host"}]},
                {
                    "name": "group1",
                    "networks": [{"mode": "bridge"}],
                    "services": [
                        {
                            "name": "service1",
                            "port_label": "8000",
                            "checks": [
                                {"name": "check1", "type": "tcp", "port_label": "8100"},
                                {
                                    "name": "check2",
                                    "type": "http",
                                    "port_label": "health",
                                    "path": "/health",
                                    "expose": True,
                                },
                                {
                                    "name": "check3",
                                    "type": "grpc",
                                    "port_label": "health",
                                    "path": "/v2/health",
                                    "expose": True,
                                },
                            ],
                            "connect": {"sidecar_service": {"proxy": {}}},
                        },
                        {
                            "name": "service2",
                            "port_label": "3000",
                            "checks": [
                                {
                                    "name": "check1",
                                    "type": "grpc",
                                    "path": "/ok",
                                    "port_label": "health",
                                    "expose": True,
                                }
                            ],
                            "connect": {"sidecar_service": {"proxy": {}}},
                        },
                    ],
                },
            ]
        }
    )
    assert _expose(job) == job
