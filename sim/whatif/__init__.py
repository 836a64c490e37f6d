"""What-ifs: one scenario simulated, two compared, a grid swept, the minimal fix searched."""

from .fixes import ConstraintFix, CountFix, constraint_fixes, count_variables, minimal_counts
from .outcome import GroupResult, ScenarioRun, run_resolved, run_scenario
from .sweep import SweepPoint, grid_points, iter_sweep, parse_grid, sweep

__all__ = [
    "ConstraintFix",
    "CountFix",
    "GroupResult",
    "ScenarioRun",
    "SweepPoint",
    "constraint_fixes",
    "count_variables",
    "grid_points",
    "iter_sweep",
    "minimal_counts",
    "parse_grid",
    "run_resolved",
    "run_scenario",
    "sweep",
]
