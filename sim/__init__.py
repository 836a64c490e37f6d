"""nomad-sim's engine: Nomad's constraint semantics, feasibility, placement and what-ifs."""

from .core.errors import InputError, NomadSimError
from .core.jobvalidate import validate_job
from .core.nodetable import NodeTable
from .core.operators import check_constraint, node_satisfies
from .core.targets import resolve_target
from .core.validation import validate_affinity, validate_constraint, validate_spread
from .explain import explain_group, format_dry_run
from .feasibility import evaluate_job
from .io import load_job, load_jobs, load_nodes, load_scenario, load_snapshot
from .placement import PlacementPlan, exact_placement, simulate
from .planning import capacity, headroom, resilience
from .whatif import run_resolved, sweep

__all__ = [
    "InputError",
    "NodeTable",
    "NomadSimError",
    "PlacementPlan",
    "capacity",
    "check_constraint",
    "evaluate_job",
    "exact_placement",
    "explain_group",
    "format_dry_run",
    "headroom",
    "load_job",
    "load_jobs",
    "load_nodes",
    "load_scenario",
    "load_snapshot",
    "node_satisfies",
    "resilience",
    "resolve_target",
    "run_resolved",
    "simulate",
    "sweep",
    "validate_affinity",
    "validate_constraint",
    "validate_job",
    "validate_spread",
]
