"""The package as a user gets it: a wheel in a fresh environment, run from elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEP_TIMEOUT = 300  # seconds for one build or install step; they take a few seconds alone


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )


def _clean_env() -> dict[str, str]:
    """The caller's environment without anything that points Python at this checkout."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}


def _copy_of_the_sources(to: Path) -> Path:
    """What the build reads, copied: the build writes build/ and *.egg-info beside its input,
    and a stale build/ in the checkout would hide files missing from the package data."""
    to.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, to / name)
    for name in ("sim", "models", "scenarios"):
        shutil.copytree(ROOT / name, to / name, ignore=shutil.ignore_patterns("__pycache__"))
    return to


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("sim", "models")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert set(config["packages"]) == on_disk | {"sim.scenarios"}
    assert config["package-dir"] == {"sim.scenarios": "scenarios"}


def test_wheel_installed_elsewhere_runs_the_default_scenario(tmp_path: Path):
    env = _clean_env()
    source = _copy_of_the_sources(tmp_path / "source")
    dist = tmp_path / "dist"
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            source,
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            dist,
        ],
        tmp_path,
        env,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("nomad_sim-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = _run(
        [python, "-m", "pip", "install", "--no-deps", "--force-reinstall", "--quiet", wheel],
        tmp_path,
        env,
    )
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([python, "-c", "import sim.io; print(sim.io.bundled_scenario())"], elsewhere, env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(env_dir)

    check = _run([env_dir / "bin" / "nomad-sim", "check"], elsewhere, env)
    assert check.returncode == 0, check.stderr
    assert [line.split() for line in check.stdout.splitlines()[2:6]] == [
        ["grafana/grafana", "service", "1", "2", "1", "placed", "-", "linux-0"],
        ["prometheus/prometheus", "service", "1", "2", "1", "placed", "-", "linux-0"],
        ["webapp/demo", "service", "1", "2", "1", "placed", "-", "linux-0"],
        [
            "traefik/traefik",
            "system",
            "2",
            "2",
            "2",
            "placed,",
            "cannot",
            "start",
            "-",
            "linux-0,",
            "windows-0",
        ],
    ]

    # The report's templates are package data: the installed command renders a page.
    page = elsewhere / "report.html"
    report = _run([env_dir / "bin" / "nomad-sim", "report", "-o", page], elsewhere, env)
    assert report.returncode == 0, report.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
