"""Declared dependencies are the imported ones: nothing used undeclared, nothing declared unused."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN = {
    "sim",
    "models",
    "tests",
    "scenarios",
    "scripts",
    "timing",
    "bench_feasibility",
    "bench_ingest",
    "bench_placement",
    "node_files",
}
# Declared for what they run, not for an import: the notebook kernel, the linter, the type
# checker and the wheel builder that tests/test_packaging.py uses.
TOOLS = {"ipykernel", "ruff", "mypy", "wheel", "types-pyyaml"}
# Modules of the package that only tests import (hypothesis strategies): their imports belong
# to the test extra.
TEST_ONLY = {Path("sim/synth/strategies.py")}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def _files(folders: list[str]) -> list[Path]:
    return [p.relative_to(ROOT) for f in folders for p in sorted((ROOT / f).rglob("*.py"))]


def _imported(files: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found - OWN - set(sys.stdlib_module_names)


def _distributions(modules: set[str]) -> set[str]:
    owners = importlib.metadata.packages_distributions()
    missing = sorted(m for m in modules if m not in owners)
    assert not missing, f"imported but installed by no distribution: {missing}"
    return {owners[m][0].lower() for m in modules}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_runtime_imports_are_the_runtime_dependencies() -> None:
    declared = _names(_project()["dependencies"])
    runtime_files = [p for p in _files(["sim", "models"]) if p not in TEST_ONLY]
    assert _distributions(_imported(runtime_files)) == declared


def test_test_imports_are_declared_in_the_test_extra() -> None:
    runtime = _names(_project()["dependencies"])
    test_extra = _names(_project()["optional-dependencies"]["test"])
    helpers = _files(["tests", "benchmarks", "scripts"])
    used = _distributions(_imported([*helpers, *TEST_ONLY])) - runtime
    assert used == test_extra - TOOLS
