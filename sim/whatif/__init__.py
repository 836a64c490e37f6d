"""What-ifs: one scenario simulated, two compared, a grid swept, the minimal fix searched.

Names are imported on first use (``sim.core.lazy``): a command loads only the modules it
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
    from .edits import Edit, add_like, apply_edits, drain, put_jobs, remove, scale, select_nodes
    from .fixes import ConstraintFix, CountFix, constraint_fixes, count_variables, minimal_counts
    from .moves import Loss, Move, losses, moves
    from .outcome import GroupResult, ScenarioRun, run_resolved, run_scenario
    from .proposals import (
        ADD_CONSTRAINT,
        ADD_NODES,
        RELAX,
        FixReport,
        Proposal,
        Unmet,
        constraint_hcl,
        propose_fixes,
    )
    from .sweep import SweepPoint, grid_points, iter_sweep, one_seed_note, parse_grid, sweep

_HOMES = {
    "ADD_CONSTRAINT": ".proposals",
    "ADD_NODES": ".proposals",
    "ConstraintFix": ".fixes",
    "CountFix": ".fixes",
    "Edit": ".edits",
    "FixReport": ".proposals",
    "GroupResult": ".outcome",
    "Loss": ".moves",
    "Move": ".moves",
    "Proposal": ".proposals",
    "RELAX": ".proposals",
    "ScenarioRun": ".outcome",
    "SweepPoint": ".sweep",
    "Unmet": ".proposals",
    "add_like": ".edits",
    "apply_edits": ".edits",
    "constraint_fixes": ".fixes",
    "constraint_hcl": ".proposals",
    "count_variables": ".fixes",
    "drain": ".edits",
    "grid_points": ".sweep",
    "iter_sweep": ".sweep",
    "losses": ".moves",
    "minimal_counts": ".fixes",
    "moves": ".moves",
    "one_seed_note": ".sweep",
    "parse_grid": ".sweep",
    "propose_fixes": ".proposals",
    "put_jobs": ".edits",
    "remove": ".edits",
    "run_resolved": ".outcome",
    "run_scenario": ".outcome",
    "scale": ".edits",
    "select_nodes": ".edits",
    "sweep": ".sweep",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "ADD_CONSTRAINT",
    "ADD_NODES",
    "RELAX",
    "ConstraintFix",
    "CountFix",
    "Edit",
    "FixReport",
    "GroupResult",
    "Loss",
    "Move",
    "Proposal",
    "ScenarioRun",
    "SweepPoint",
    "Unmet",
    "add_like",
    "apply_edits",
    "constraint_fixes",
    "constraint_hcl",
    "count_variables",
    "drain",
    "grid_points",
    "iter_sweep",
    "losses",
    "minimal_counts",
    "moves",
    "one_seed_note",
    "parse_grid",
    "propose_fixes",
    "put_jobs",
    "remove",
    "run_resolved",
    "run_scenario",
    "scale",
    "select_nodes",
    "sweep",
]
