"""What-ifs: one scenario simulated, two compared, a grid swept, the minimal fix searched."""

from .edits import Edit, add_like, apply_edits, drain, put_jobs, remove, scale, select_nodes
from .fixes import ConstraintFix, CountFix, constraint_fixes, count_variables, minimal_counts
from .moves import Loss, Move, losses, moves
from .outcome import GroupResult, ScenarioRun, run_resolved, run_scenario
from .sweep import SweepPoint, grid_points, iter_sweep, one_seed_note, parse_grid, sweep

__all__ = [
    "ConstraintFix",
    "CountFix",
    "Edit",
    "GroupResult",
    "Loss",
    "Move",
    "ScenarioRun",
    "SweepPoint",
    "add_like",
    "apply_edits",
    "constraint_fixes",
    "count_variables",
    "drain",
    "grid_points",
    "iter_sweep",
    "losses",
    "minimal_counts",
    "moves",
    "one_seed_note",
    "parse_grid",
    "put_jobs",
    "remove",
    "run_resolved",
    "run_scenario",
    "scale",
    "select_nodes",
    "sweep",
]
