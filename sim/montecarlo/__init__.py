"""Many what-ifs at once: every question over many seeds of Nomad's node shuffle, as
distributions, with the work units run serially or on a Dask cluster (same report)."""

from .executor import DaskExecutor, Executor, SerialExecutor, executor_for
from .runs import capacity_seeds, check_seeds, resilience_seeds, sweep_seeds, whatif_seeds
from .seeds import parse_seeds
from .tallies import (
    CapacityTally,
    CaseTally,
    ChangeTally,
    CheckTally,
    GroupTally,
    ResilienceTally,
    SweepRow,
    WhatifTally,
    spread,
    sweep_row,
)
from .units import GroupSample, RunSample

__all__ = [
    "CapacityTally",
    "CaseTally",
    "ChangeTally",
    "CheckTally",
    "DaskExecutor",
    "Executor",
    "GroupSample",
    "GroupTally",
    "ResilienceTally",
    "RunSample",
    "SerialExecutor",
    "SweepRow",
    "WhatifTally",
    "capacity_seeds",
    "check_seeds",
    "executor_for",
    "parse_seeds",
    "resilience_seeds",
    "spread",
    "sweep_row",
    "sweep_seeds",
    "whatif_seeds",
]
