"""Fixtures of the CLI tests: the app under typer's runner, Nomad-native input files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sim.cli import app
from sim.io import load_scenario

from .helpers import DEFAULT


@pytest.fixture
def cli() -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args], prog_name="nomad-sim")

    return invoke


@pytest.fixture
def node_json(tmp_path: Path) -> Path:
    """The default scenario's two nodes as Nomad's node JSON (``nomad node status -json``)."""
    nodes = load_scenario(DEFAULT).nodes
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps([n.model_dump(mode="json", by_alias=True) for n in nodes]))
    return path
