"""A folder of public Nomad job files (``NOMAD_SIM_JOB_CORPUS``), each read as ``nomad job
run`` would: it loads, or it is refused with one clear line naming the file. Anything else (a
traceback, an error without the file) is a reader bug. Skipped when the folder is not given.

``python -m tests.io.test_jobspec_corpus DIR`` prints the counts and every refusal.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from sim import load_jobs
from sim.core.errors import InputError


def corpus_folder() -> Path | None:
    folder = os.environ.get("NOMAD_SIM_JOB_CORPUS")
    return Path(folder) if folder and Path(folder).is_dir() else None


def read_all(folder: Path) -> dict[str, list[tuple[Path, str]]]:
    """Files by outcome: ``loaded``, ``refused`` (an InputError naming the file), ``wrong``."""
    outcome: dict[str, list[tuple[Path, str]]] = {"loaded": [], "refused": [], "wrong": []}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            load_jobs(path)
        except InputError as exc:
            text = str(exc)
            kind = "refused" if text.startswith(str(path)) and "\n" not in text else "wrong"
            outcome[kind].append((path, text))
        except Exception as exc:
            outcome["wrong"].append((path, f"{type(exc).__name__}: {exc}"))
        else:
            outcome["loaded"].append((path, ""))
    return outcome


def test_every_corpus_file_loads_or_is_refused_clearly() -> None:
    folder = corpus_folder()
    if folder is None:
        pytest.skip("set NOMAD_SIM_JOB_CORPUS to a folder of public job files")
    outcome = read_all(folder)
    assert outcome["loaded"], "no job in the corpus loaded"
    assert outcome["wrong"] == []


if __name__ == "__main__":
    result = read_all(Path(sys.argv[1]))
    for path, message in result["refused"] + result["wrong"]:
        print(message if message.startswith(str(path)) else f"{path}: {message}")
    print(Counter({kind: len(items) for kind, items in result.items()}))
