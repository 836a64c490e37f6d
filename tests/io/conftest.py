"""Helpers for the reader tests: write small inputs into tmp_path, locate the real fixtures."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "real"


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    return _write


@pytest.fixture
def real() -> Path:
    if not REAL.is_dir():
        pytest.skip("shared real fixtures are not available")
    return REAL
