"""Never a traceback: bad values, bad output paths, absurd grids and internal errors each end
as one line and a documented exit code, before any work is done."""

from __future__ import annotations

import importlib
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import DEFAULT, ROOT, one_error_line

app_module = importlib.import_module("sim.cli.app")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["check", "--seed", "-1"], "'--seed'"),
        (["whatif", "--seed", "-1"], "'--seed'"),
        (["generate", "out.yaml", "--nodes", "-1"], "'--nodes'"),
        (["generate", "out.yaml", "--nodes", "0"], "'--nodes'"),
        (["generate", "out.yaml", "--jobs", "-1"], "'--jobs'"),
        (["generate", "out.yaml", "--seed", "-1"], "'--seed'"),
        (["fix", "--max-count", "-1"], "'--max-count'"),
        (["fix", "--max-count", "-3"], "'--max-count'"),
        (["fix", "--max-count", "0"], "'--max-count'"),
        (["fix", "--max-count", "many"], "'--max-count'"),
        (["sweep", "--grid", "client_count=0..1", "--max-points", "0"], "'--max-points'"),
        (["check", "--format", "yaml"], "'--format'"),
        (["graph", "--resolution", "rack"], "'--resolution'"),
        (["check", "--seed", "many"], "'--seed'"),
    ],
)
def test_out_of_range_values_are_one_line(cli, args: list[str], option: str):
    line = one_error_line(cli(*args))
    assert line.startswith("error: Invalid value for " + option), line
    assert line.endswith(f"(see 'nomad-sim {args[0]} --help')")


def test_unknown_option_and_missing_argument_are_one_line(cli):
    assert one_error_line(cli("--bogus")).startswith("error: No such option: --bogus")
    assert "Missing argument" in one_error_line(cli("explain"))


@pytest.mark.parametrize(
    "entry",
    [["-c", "from sim.cli import main; main()"], ["-m", "sim.cli"]],
    ids=["main", "python-m-console-script"],
)
def test_the_installed_entry_point_gives_the_same_line(entry: list[str]):
    """Outside the test runner: the real ``main``, and the console script (``python -m
    sim.cli``), with their exit code."""
    done = subprocess.run(
        [sys.executable, *entry, "check", "--seed", "-1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: Invalid value for '--seed'")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["generate", "{tmp}"], "is a directory"),
        (["generate", "{tmp}/missing/s.yaml"], "does not exist"),
        (["graph", "missing.yaml", "-o", "{tmp}/missing/dir/g.json"], "does not exist"),
        (["graph", "missing.yaml", "-o", "{tmp}"], "is a directory"),
        (["sweep", "missing.yaml", "--grid", "n=0..1", "--plot", "{tmp}/p.txt"], "'.txt'"),
        (["sweep", "missing.yaml", "--grid", "n=0..1", "--plot", "{tmp}/no/p.png"], "not exist"),
    ],
)
def test_output_paths_are_checked_before_any_work(cli, tmp_path: Path, args, names):
    """The scenario ``missing.yaml`` is never read: the output path fails first."""
    result = cli(*(a.format(tmp=tmp_path) for a in args))
    line = one_error_line(result)
    assert names in line and "missing.yaml" not in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args", [["generate", "{out}"], ["graph", "-o", "{out}", "--format", "dot"]]
)
def test_a_device_or_pipe_is_never_replaced_by_an_output(cli, tmp_path: Path, args):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    line = one_error_line(cli(*(a.format(out=pipe) for a in args)))
    assert "not a regular file" in line
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_an_empty_grid_list_is_an_input_error(cli):
    assert "the list is empty" in one_error_line(cli("sweep", "--grid", "client_count=,,"))


def test_huge_grid_is_refused_before_any_work(cli):
    line = one_error_line(cli("sweep", "missing.yaml", "--grid", "n=0..100000000"))
    assert "100,000,001 points, more than --max-points 10,000" in line


def test_grid_bound_counts_every_axis_and_can_be_raised(cli):
    grid = ["--grid", "client_count=0..1", "--grid", "windows_client_count=0..1"]
    assert "4 points, more than --max-points 3" in one_error_line(
        cli("sweep", *grid, "--max-points", "3")
    )
    result = cli("sweep", *grid, "--max-points", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("/4") == 4


def test_repeated_grid_axis_is_an_input_error(cli):
    result = cli("sweep", "--grid", "client_count=0..1", "--grid", "client_count=2..3")
    assert "'client_count' is given twice" in one_error_line(result)


def test_fix_search_is_bounded_too(cli):
    line = one_error_line(cli("fix", "--max-count", "100000"))
    assert line.startswith("error: the fix search may run ")
    assert line.endswith("more than --max-points 10,000: lower --max-count or raise --max-points")


def _boom(*_args, **_kwargs):
    raise ValueError("boom")


def test_unexpected_exception_is_one_line_internal_error(cli, monkeypatch):
    monkeypatch.setattr(app_module, "run_resolved", _boom)
    line = one_error_line(cli("check"))
    assert line == (
        "internal error: ValueError: boom (please report it; rerun with --debug for the traceback)"
    )


def test_debug_shows_the_traceback(cli, monkeypatch):
    monkeypatch.setattr(app_module, "run_resolved", _boom)
    result = cli("--debug", "check")
    assert result.exit_code == 2
    assert result.output.startswith("Traceback (most recent call last):")
    assert "in _boom" in result.output
    assert result.output.rstrip().endswith("ValueError: boom")


def test_ctrl_c_exits_130_quietly(cli, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(app_module, "run_resolved", interrupted)
    result = cli("check")
    assert result.exit_code == 130
    assert result.output == ""


def test_an_unwritable_output_is_an_input_error_not_internal(cli, monkeypatch, tmp_path):
    def denied(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "s.yaml"))

    monkeypatch.setattr("sim.synth.write_scenario", denied)
    line = one_error_line(cli("generate", tmp_path / "s.yaml", "--nodes", "1", "--jobs", "0"))
    assert line == f"error: {tmp_path / 's.yaml'}: Permission denied"


def test_input_errors_keep_their_one_line(cli):
    line = one_error_line(cli("check", DEFAULT.with_name("absent.yaml")))
    assert line.startswith("error: ") and "absent.yaml: no such file" in line


@pytest.mark.parametrize(
    "entry",
    ["app.main()\n", "sys.argv[0] = 'nomad-sim'\nfrom sim.cli import run\nrun()\n"],
    ids=["main", "console-script"],
)
def test_ctrl_c_in_a_real_process_exits_130_without_a_traceback(entry: str):
    """SIGINT while a command works: the process's own exit code and stderr, no runner between,
    through ``main`` and through the console script (``run``, which exits the quick way)."""
    stalled = (
        "import importlib, sys, time\n"
        "app = importlib.import_module('sim.cli.app')\n"
        "def stall(*args, **kwargs):\n"
        "    print('working', flush=True)\n"
        "    time.sleep(60)\n"
        "app.run_resolved = stall\n" + entry
    )
    process = subprocess.Popen(
        [sys.executable, "-c", stalled, "check"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "working\n"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr == ""
