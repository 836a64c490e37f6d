"""BLOCKED BY comes from the failed Select's AllocMetric, the one Nomad's text prints: when
the nodes that passed the filters were exhausted, the exhausted dimension is the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.core.gofmt import go_quote
from sim.io import load_scenario
from sim.synth import generate_jobs, generate_nodes
from sim.whatif import run_resolved, run_scenario

NODE = """
    template:
      datacenter: dc1
      node_class: {cls}
      attributes: {{kernel.name: linux, os.name: {os}, driver.docker: "1"}}
      drivers: {{docker: {{detected: true, healthy: true}}}}
      node_resources:
        cpu: {{cpu_shares: 4000}}
        memory: {{memory_mb: 8000}}
        disk: {{disk_mb: 10000}}
        networks: [{{mode: host, device: eth0, cidr: 10.0.0.1/32, ip: 10.0.0.1, m_bits: 1000}}]
"""

JOB = """job "web" {
  datacenters = ["dc1"]
  group "web" {
    count = 2
    constraint {
      attribute = "${attr.os.name}"
      value     = "ubuntu"
    }
    network {
      port "http" { static = 8080 }
    }
    task "web" {
      driver = "docker"
      config { image = "nginx" }
      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
"""


def port_scenario(folder: Path) -> Path:
    """Three ubuntu nodes whose port 8080 is held already, three debian nodes of three
    classes (each first of its class, so Nomad names the constraint three times)."""
    groups = ["  - name: ubuntu\n    count: 3" + NODE.format(cls="web", os="ubuntu")]
    groups += [
        f"  - name: debian{i}\n    count: 1" + NODE.format(cls=f"batch{i}", os="debian")
        for i in range(3)
    ]
    allocations = "".join(
        f"  - {{job: legacy, group: legacy, node: ubuntu-{i}, ports: [8080], "
        "resources: {cpu: 100, memory_mb: 128}}\n"
        for i in range(3)
    )
    (folder / "web.nomad").write_text(JOB)
    path = folder / "ports.yaml"
    path.write_text(
        "name: ports\nnode_groups:\n"
        + "".join(groups)
        + "jobs:\n  - file: web.nomad\nallocations:\n"
        + allocations
    )
    return path


def test_exhausted_feasible_nodes_name_the_dimension_not_the_filter(tmp_path: Path) -> None:
    run = run_resolved(load_scenario(port_scenario(tmp_path)))
    web = run.group("web/web")
    assert web.feasible_nodes == 3 and web.placed == 0
    # Nomad's text names both: the filter on the debian nodes, the port on the ubuntu ones.
    assert 'Constraint "${attr.os.name} = ubuntu": 3 nodes excluded by filter' in web.failure
    dimension = "network: reserved port collision http=8080"
    assert f'Dimension "{dimension}" exhausted on 3 nodes' in web.failure
    # What stopped it is the port: the filter only narrowed the field to the ubuntu nodes.
    assert web.blocking == f"{dimension} exhausted (3 nodes)"


def test_nothing_feasible_names_the_filter(tmp_path: Path) -> None:
    path = port_scenario(tmp_path)
    (tmp_path / "web.nomad").write_text(JOB.replace('"ubuntu"', '"arch"'))
    web = run_resolved(load_scenario(path)).group("web/web")
    assert web.feasible_nodes == 0
    assert web.blocking.startswith("${attr.os.name} = arch (")


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_blocked_by_agrees_with_nomads_text_on_generated_clusters(seed: int) -> None:
    """For every group that fails: an exhausted dimension or a filter Nomad's text prints,
    and an exhaustion whenever the metric says nodes were exhausted."""
    run = run_scenario(generate_nodes(60, seed), generate_jobs(25, seed), seed=seed)
    failed = [g for g in run.groups if g.unplaced and g.failure]
    assert failed, "the generated cluster should leave some group unplaced"
    for g in failed:
        reason = g.blocking.rsplit(" (", 1)[0]
        if "Resources exhausted on" in g.failure:
            assert reason.endswith(" exhausted") or reason.startswith("distinct_"), g
            dimension = go_quote(reason.removesuffix(" exhausted"))
            assert f"Dimension {dimension}" in g.failure or (
                f"Constraint {go_quote(reason)}" in g.failure
            ), g
        elif reason != "no nodes eligible":
            assert f"Constraint {go_quote(reason)}" in g.failure, g


def test_bundled_scenario_filter_and_exhaustion_agree() -> None:
    """grafana scaled to 40 fills the only Linux client's disk: prometheus is filtered off
    the Windows client by its class constraint, but what stops it is the full disk."""
    from sim.whatif import apply_edits
    from sim.whatif.edits import edits_from

    scenarios = Path(__file__).resolve().parents[2] / "scenarios"
    resolved = load_scenario(scenarios / "hashistack-linux-constraint.yaml")
    run = run_resolved(apply_edits(resolved, edits_from(scales=["grafana=40"])))
    prometheus = run.group("prometheus/prometheus")
    assert 'Constraint "${node.class} = hashistack-linux": 1 nodes excluded' in prometheus.failure
    assert 'Dimension "disk" exhausted on 1 nodes' in prometheus.failure
    assert prometheus.blocking == "disk exhausted (1 nodes)"
