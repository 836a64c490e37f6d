"""Helpers of the CLI tests: where the bundled inputs are, what a one-line failure looks like."""

from __future__ import annotations

from pathlib import Path

from typer.testing import Result

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DEFAULT = SCENARIOS / "hashistack.yaml"
JOBS = SCENARIOS / "jobs"


def one_error_line(result: Result) -> str:
    """The single line a failed command prints, after asserting it is alone and no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]
