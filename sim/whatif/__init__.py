"""What-ifs: one scenario simulated, two compared, a grid swept, the minimal fix searched."""

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
