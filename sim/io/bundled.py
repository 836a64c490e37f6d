"""The scenarios shipped with the package: the repository's ``scenarios/`` folder, installed
as the package ``sim.scenarios`` (pyproject's ``package-dir``), so an installed wheel finds them
from any working directory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..core.errors import InputError

DEFAULT_SCENARIO_NAME = "hashistack.yaml"


def bundled_scenarios() -> Path:
    """The folder of bundled scenarios on disk (job files sit beside them, so a real path)."""
    try:
        root = resources.files("sim.scenarios")
    except ModuleNotFoundError:
        # A source checkout used without installing it: the folder beside the ``sim`` package.
        return Path(__file__).resolve().parents[2] / "scenarios"
    if not isinstance(root, Path):
        raise InputError("bundled scenarios are not on disk; install unzipped", str(root))
    return root


def bundled_scenario(name: str = DEFAULT_SCENARIO_NAME) -> Path:
    """One bundled scenario file; a clear error when it is not there."""
    path = bundled_scenarios() / name
    if not path.is_file():
        raise InputError("no such bundled scenario", path)
    return path
