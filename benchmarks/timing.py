"""Repeat-and-summarise timing shared by the benchmark scripts: medians with their spread."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    median: float
    low: float
    high: float
    runs: int

    def __str__(self) -> str:
        return f"{self.median * 1000:.1f} ms ({self.low * 1000:.1f}–{self.high * 1000:.1f})"


def measure(
    work: Callable[[], object], repeats: int = 5, setup: Callable[[], object] | None = None
) -> Timing:
    """Median, min and max wall time of ``work`` over ``repeats`` runs (setup untimed)."""
    samples = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return Timing(statistics.median(samples), min(samples), max(samples), repeats)


def machine() -> str:
    """One line describing where the figures were measured."""
    import os

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
