"""service, connect, vault, template and consul blocks: HCL and Nomad's job JSON read alike."""

from __future__ import annotations

import json

from models import Job
from sim.io import load_job
from sim.io.hcl_job import job_from_hcl

HCL = """
job "mesh" {
  datacenters = ["dc1"]
  group "api" {
    consul {
      partition = "team-a"
    }
    network {
      mode = "bridge"
    }
    service {
      name = "${NOMAD_JOB_NAME}-api"
      port = "9001"
      connect {
        sidecar_service {
          proxy {
            transparent_proxy {
              no_dns = true
            }
          }
        }
        sidecar_task {
          kill_signal = "SIGINT"
          resources {
            memory = 64
          }
        }
      }
    }
    service {
      name     = "api-health"
      provider = "nomad"
      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }
    task "api" {
      driver      = "docker"
      kill_signal = "SIGTERM"
      config {
        image = "hashicorpdev/counter-api:v3"
      }
      vault {
        cluster       = "default"
        change_mode   = "signal"
        change_signal = "SIGUSR1"
      }
      template {
        data          = "{{ with secret \\"kv/api\\" }}{{ .Data.key }}{{ end }}"
        destination   = "secrets/api.env"
        change_mode   = "signal"
        change_signal = "SIGHUP"
      }
      resources {
        numa {
          affinity = "prefer"
        }
      }
    }
  }
  group "gateway" {
    network {
      mode = "bridge"
      port "inbound" {
        static = 8080
      }
    }
    service {
      name = "ingress"
      port = "8080"
      connect {
        gateway {
          ingress {
            tls {
              enabled         = true
              tls_min_version = "TLSv1_2"
            }
          }
        }
      }
    }
  }
}
"""

# The same job as `nomad job run -output` prints it (api field names, nulls left out).
API = {
    "Job": {
        "ID": "mesh",
        "Name": "mesh",
        "Datacenters": ["dc1"],
        "TaskGroups": [
            {
                "Name": "api",
                "Consul": {"Partition": "team-a"},
                "Networks": [{"Mode": "bridge"}],
                "Services": [
                    {
                        "Name": "${NOMAD_JOB_NAME}-api",
                        "PortLabel": "9001",
                        "Connect": {
                            "SidecarService": {"Proxy": {"TransparentProxy": {"NoDNS": True}}},
                            "SidecarTask": {"KillSignal": "SIGINT", "Resources": {"MemoryMB": 64}},
                        },
                    },
                    {
                        "Name": "api-health",
                        "Provider": "nomad",
                        "Checks": [{"Type": "http", "Path": "/health"}],
                    },
                ],
                "Tasks": [
                    {
                        "Name": "api",
                        "Driver": "docker",
                        "KillSignal": "SIGTERM",
                        "Config": {"image": "hashicorpdev/counter-api:v3"},
                        "Vault": {
                            "Cluster": "default",
                            "ChangeMode": "signal",
                            "ChangeSignal": "SIGUSR1",
                        },
                        "Templates": [{"ChangeMode": "signal", "ChangeSignal": "SIGHUP"}],
                        "Resources": {"NUMA": {"Affinity": "prefer"}},
                    }
                ],
            },
            {
                "Name": "gateway",
                "Networks": [
                    {"Mode": "bridge", "ReservedPorts": [{"Label": "inbound", "Value": 8080}]}
                ],
                "Services": [
                    {
                        "Name": "ingress",
                        "PortLabel": "8080",
                        "Connect": {
                            "Gateway": {
                                "Ingress": {"TLS": {"Enabled": True, "TLSMinVersion": "TLSv1_2"}}
                            }
                        },
                    }
                ],
            },
        ],
    }
}


def _summary(job) -> dict:
    """What the registration hooks read, group by group."""
    out = {}
    for group in job.task_groups:
        out[group.name] = {
            "consul": group.consul.model_dump() if group.consul else None,
            "services": [s.model_dump() for s in group.services],
            "tasks": [
                {
                    "name": t.name,
                    "kill_signal": t.kill_signal,
                    "vault": t.vault.model_dump() if t.vault else None,
                    "templates": [x.model_dump() for x in t.templates],
                    "numa": t.resources.numa.model_dump() if t.resources.numa else None,
                    "resources": (t.resources.cpu, t.resources.memory_mb),
                }
                for t in group.tasks
            ],
        }
    return out


def test_hcl_reads_the_blocks_the_hooks_need(write):
    path = write("mesh.nomad", HCL)
    raw = job_from_hcl(path)
    api, health = raw.task_groups[0].services
    assert api.name == "${NOMAD_JOB_NAME}-api"  # interpolated at registration, not parsing
    assert api.connect is not None and api.connect.has_transparent_proxy()
    assert api.connect.sidecar_task is not None
    assert api.connect.sidecar_task.resources.memory_mb == 64
    assert api.connect.sidecar_task.resources.cpu == 100  # the api client's default
    assert (health.provider, len(health.checks)) == ("nomad", 1)
    task = raw.task_groups[0].tasks[0]
    assert task.kill_signal == "SIGTERM"
    assert task.vault is not None and task.vault.change_signal == "SIGUSR1"
    assert [(t.change_mode, t.change_signal) for t in task.templates] == [("signal", "SIGHUP")]
    assert task.resources.numa is not None and task.resources.numa.requested()
    gateway = raw.task_groups[1].services[0].connect
    assert gateway is not None and gateway.customized_tls()


def test_hcl_and_run_output_json_read_the_same(write):
    from_hcl = load_job(write("mesh.nomad", HCL))
    from_json = load_job(write("mesh.json", json.dumps(API)))
    assert _summary(from_hcl) == _summary(from_json)


def test_registered_job_has_what_nomad_adds(write):
    job = load_job(write("mesh.nomad", HCL))
    api, gateway = job.task_groups
    assert [str(c) for c in api.constraints] == [
        "${attr.consul.partition} = team-a",
        "${attr.vault.version} semver >= 0.6.1",
        "${attr.nomad.version} semver >= 1.6.3-dev",
        "${attr.kernel.name} = linux",
        "${attr.os.signals} set_contains SIGHUP,SIGINT,SIGTERM,SIGUSR1",
        "${attr.nomad.service_discovery} = true",
        "${attr.nomad.version} semver >= 1.4.0",
        "${attr.consul.version} semver >= 1.8.0",
        "${attr.plugins.cni.version.bridge} semver >= 0.4.0",
        "${attr.plugins.cni.version.firewall} semver >= 0.4.0",
        "${attr.plugins.cni.version.host-local} semver >= 0.4.0",
        "${attr.plugins.cni.version.loopback} semver >= 0.4.0",
        "${attr.plugins.cni.version.portmap} semver >= 0.4.0",
        "${attr.plugins.cni.version.consul-cni} semver >= 1.4.2",
    ]
    proxy = api.tasks[1]
    assert (proxy.name, proxy.kind) == ("connect-proxy-mesh-api", "connect-proxy:mesh-api")
    # sidecar_task given: its canonical 100 MHz replaces 250, memory 64 replaces 128.
    assert (proxy.resources.cpu, proxy.resources.memory_mb, proxy.kill_signal) == (
        100,
        64,
        "SIGINT",
    )
    assert [p.label for p in api.networks[0].dynamic_ports] == ["connect-proxy-mesh-api"]
    assert [t.name for t in gateway.tasks] == ["connect-ingress-ingress"]
    assert [str(c) for c in gateway.tasks[0].constraints] == [
        "${attr.consul.version} semver >= 1.8.0",
        "${attr.consul.grpc} > 0",
        "${attr.consul.version} semver >= 1.11.2",
    ]


def test_an_inspected_job_is_not_changed_twice(write):
    # `nomad job inspect` returns the job with the hooks' work done: loading it again adds
    # no second proxy task and no second constraint (except the partition, as in Nomad).
    first = load_job(write("mesh.nomad", HCL))
    inspected = json.loads(first.model_dump_json(by_alias=True))
    assert Job.model_validate(inspected) == first  # Nomad's field names round-trip
    again = load_job(write("inspect.json", json.dumps({"Job": inspected})))
    assert [t.name for t in again.task_groups[0].tasks] == ["api", "connect-proxy-mesh-api"]
    assert [str(c) for c in again.task_groups[0].constraints] == [
        *(str(c) for c in first.task_groups[0].constraints),
        "${attr.consul.partition} = team-a",
    ]
    assert again.task_groups[1] == first.task_groups[1]
