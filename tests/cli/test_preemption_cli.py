"""Preemption end to end on scenarios/priorities.yaml: check, JSON, whatif --priority."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sim.cli import app

from .helpers import SCENARIOS, one_error_line

PRIORITIES = str(SCENARIOS / "priorities.yaml")
runner = CliRunner()


def test_check_names_the_preempted_allocations_as_nomad_job_plan():
    result = runner.invoke(app, ["check", PRIORITIES])
    assert result.exit_code == 3, result.output  # the evicted reports cannot be placed again
    out = result.output
    assert "Preemptions, as `nomad job plan` prints them:" in out
    block = out[out.index('Job "payments":') :]
    assert block.splitlines()[1:4] == [
        "Preemptions:",
        "",
        "Alloc ID                   Job ID   Task Group",
    ]
    assert "reports.render on linux-0  reports  render" in block
    assert "reports.render on linux-2  reports  render" in block
    assert "cache" not in block  # priority 45 outranks reports (20): lowest priority first
    rows = [line for line in out.splitlines() if line.startswith("reports/render ")]
    assert " preempted " in rows[0]  # one of three still runs
    assert rows[1].startswith("reports/render (after preemption)") and " blocked " in rows[1]


def test_json_lists_preempted_allocations_and_the_evicted_jobs_evaluation():
    result = runner.invoke(app, ["check", PRIORITIES, "--format", "json"])
    doc = json.loads(result.output)
    jobs = {(j["ID"], j["TriggeredBy"]): j for j in doc["Jobs"]}
    preempted = jobs[("payments", "job-register")]["PreemptedAllocs"]
    assert sorted(p["NodeName"] for p in preempted) == ["linux-0", "linux-2"]
    assert {p["JobID"] for p in preempted} == {"reports"}
    assert {p["Priority"] for p in preempted} == {20}
    assert {p["PreemptedBy"] for p in preempted} == {"payments.api[0]", "payments.api[1]"}
    again = jobs[("reports", "preemption")]
    assert again["Groups"][0]["Count"] == 2
    assert again["BlockedEval"] is not None


def test_whatif_priority_within_ten_of_the_victims_preempts_nothing():
    result = runner.invoke(app, ["whatif", PRIORITIES, "--priority", "payments=25"])
    assert result.exit_code == 3, result.output
    out = result.output
    assert "Preemptions" not in out
    assert "payments/api" in out and "blocked 0/2" in out
    assert "placed 3/3 on linux-0, linux-1, linux-2" in out.split("reports/render ")[1]


def test_whatif_priority_out_of_range_is_one_line():
    result = runner.invoke(app, ["whatif", PRIORITIES, "--priority", "payments=101"])
    assert "priority must be between 1 and 100" in one_error_line(result)


GPU = str(SCENARIOS / "priorities-gpu.yaml")


def test_gpu_and_bandwidth_preemption_through_check():
    """scenarios/priorities-gpu.yaml: each inference allocation evicts the ingest allocation
    of its node for the bandwidth and a training allocation for the GPU; the evicted jobs'
    evaluations are blocked on the same dimensions."""
    result = runner.invoke(app, ["check", GPU, "--format", "json"])
    assert result.exit_code == 3, result.output
    doc = json.loads(result.output)
    jobs = {(j["ID"], j["TriggeredBy"]): j for j in doc["Jobs"]}
    preempted = jobs[("inference", "job-register")]["PreemptedAllocs"]
    assert sorted((p["NodeName"], p["JobID"], p["Priority"]) for p in preempted) == [
        ("gpu-0", "ingest", 40),
        ("gpu-0", "training", 30),
        ("gpu-1", "ingest", 40),
        ("gpu-1", "training", 30),
    ]
    text = runner.invoke(app, ["check", GPU]).output
    rows = {line.split("  ")[0]: line for line in text.splitlines() if "/" in line}
    assert "network: bandwidth exceeded" in rows["ingest/ingest (after preemption)"]
    assert "devices: no devices match request" in rows["training/trainer (after preemption)"]


def test_whatif_priority_protects_the_gpu_holders():
    """At 75, training is within 10 of inference (80): inference evicts nothing and is
    blocked, and training keeps its four allocations."""
    result = runner.invoke(app, ["whatif", GPU, "--priority", "training=75"])
    assert result.exit_code == 3, result.output
    rows: dict[str, str] = {}
    for line in result.output.splitlines():  # the first table: before and after per group
        rows.setdefault(line.split("  ")[0], line)
    assert "blocked 0/2" in rows["inference/serve"]
    assert "placed 4/4 on gpu-0, gpu-1" in rows["training/trainer"]
    assert "Preemptions (after" not in result.output
