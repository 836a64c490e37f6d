"""``nomad-sim report``: one HTML file written, the what-if options of whatif, clear errors."""

from __future__ import annotations

from pathlib import Path

from .helpers import DEFAULT, JOBS, one_error_line


def test_report_writes_the_page_and_exits_0_whatever_it_finds(cli, tmp_path: Path):
    out = tmp_path / "review.html"
    result = cli("report", "--set", "client_count=0", "--output", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out}"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "what-if: client_count=0" in page
    assert 'id="whatif-table"' in page and 'id="moves-table"' in page


def test_report_with_a_cluster_edit_and_chosen_analyses(cli, tmp_path: Path):
    out = tmp_path / "drain.html"
    result = cli(
        "report",
        DEFAULT,
        "--drain",
        "linux-0",
        "--capacity",
        "grafana",
        "--domain",
        "datacenter",
        "--grid",
        "client_count=1..2",
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "what-if: drain linux-0" in page
    # The drain applies at every sweep point: with one Linux client drained, nothing is left
    # for the Linux jobs; a second one takes them (traefik still reaches the Windows node).
    assert "<tr><td>1</td><td>0/4</td>" in page and "<tr><td>2</td><td>3/4</td>" in page
    assert "N-1 over datacenter" in page
    assert page.count('<tr><td>grafana/grafana</td><td class="num">') == 1  # capacity row
    assert 'id="sweep-table"' in page


def test_report_on_nomad_files_has_no_sweep(cli, node_json: Path, tmp_path: Path):
    out = tmp_path / "native.html"
    result = cli("report", "--job", JOBS / "grafana.nomad", "--nodes", node_json, "-o", out)
    assert result.exit_code == 0, result.output
    assert "no sweep: the input has no scenario variables" in out.read_text(encoding="utf-8")


def test_report_refuses_a_missing_folder(cli, tmp_path: Path):
    line = one_error_line(cli("report", "-o", tmp_path / "nowhere" / "r.html"))
    assert "does not exist" in line


def test_report_refuses_three_grid_axes(cli, tmp_path: Path):
    line = one_error_line(
        cli(
            "report",
            "--grid",
            "a=1,2",
            "--grid",
            "b=1,2",
            "--grid",
            "c=1,2",
            "-o",
            tmp_path / "r.html",
        )
    )
    assert "at most 2 variables" in line
    assert not (tmp_path / "r.html").exists()


def test_report_grid_needs_a_scenario(cli, node_json: Path, tmp_path: Path):
    line = one_error_line(
        cli(
            "report",
            "--job",
            JOBS / "grafana.nomad",
            "--nodes",
            node_json,
            "--grid",
            "client_count=0..1",
            "-o",
            tmp_path / "r.html",
        )
    )
    assert "give a scenario" in line


def test_report_unknown_capacity_target_is_one_line(cli, tmp_path: Path):
    line = one_error_line(cli("report", "--capacity", "nope", "-o", tmp_path / "r.html"))
    assert "no job 'nope'" in line
    assert not (tmp_path / "r.html").exists()


def test_report_on_a_snapshot_counts_what_runs(cli, tmp_path: Path):
    from tests.io.test_snapshot import alloc, job, node, snapshot

    allocs = [alloc(i, "web", 0) for i in range(2)]
    for i, a in enumerate(allocs):  # distinct static ports, as a real cluster has them
        a["AllocatedResources"]["Shared"]["Ports"] = [{"Label": "http", "Value": 8080 + i}]
    path = snapshot(tmp_path, [node(i) for i in range(3)], [job("web", 2)], allocs)
    out = tmp_path / "snapshot.html"
    result = cli("report", path, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "no sweep: the input has no scenario variables" in page
    assert '<tr><td>web/web</td><td class="num">2</td>' in page  # capacity: 2 running
    line = one_error_line(cli("report", path, "--set", "x=1", "-o", out))
    assert "a snapshot has no variables" in line
