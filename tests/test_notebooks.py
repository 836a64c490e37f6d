"""The teaching notebooks run clean: each one executes top to bottom in a fresh kernel.

pytest's ``addopts`` does not include ``--nbmake``, so the notebooks listed in ``testpaths``
are executed here with nbclient, one test per notebook, from the notebook's own folder
(as nbmake would). Their ``assert`` cells make a library regression fail the test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code_cells), (
        f"{path.name} is committed with outputs; clear them"
    )
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel's temporary files (notebook 04's plot folder) go under tmp_path, not into
    # the system temp dir, and are removed here.
    kernel_tmp = tmp_path / "kernel-tmp"
    kernel_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(kernel_tmp)}
    try:
        client.execute(env=env)  # raises CellExecutionError with the failing cell and traceback
        made = sorted(p.name for p in kernel_tmp.glob("nomad-sim-*"))
        uses_tempfile = any("tempfile" in c.source for c in code_cells)
        assert bool(made) == uses_tempfile, made
    finally:
        shutil.rmtree(kernel_tmp)
    errors = [
        output for cell in code_cells for output in cell.outputs if output.output_type == "error"
    ]
    assert not errors
