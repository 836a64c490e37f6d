"""Many what-ifs at once: every question over many seeds of Nomad's node shuffle, as
distributions, with the work units run serially or on a Dask cluster (same report).

Names are imported on first use, so the CLI's option parsing does not load the planning and
graph code a single-seed command never runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
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

_HOMES = {
    "CapacityTally": ".tallies",
    "CaseTally": ".tallies",
    "ChangeTally": ".tallies",
    "CheckTally": ".tallies",
    "DaskExecutor": ".executor",
    "Executor": ".executor",
    "GroupSample": ".units",
    "GroupTally": ".tallies",
    "ResilienceTally": ".tallies",
    "RunSample": ".units",
    "SerialExecutor": ".executor",
    "SweepRow": ".tallies",
    "WhatifTally": ".tallies",
    "capacity_seeds": ".runs",
    "check_seeds": ".runs",
    "executor_for": ".executor",
    "parse_seeds": ".seeds",
    "resilience_seeds": ".runs",
    "spread": ".tallies",
    "sweep_row": ".tallies",
    "sweep_seeds": ".runs",
    "whatif_seeds": ".runs",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

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
