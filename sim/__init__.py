"""nomad-sim's engine: Nomad's constraint semantics, feasibility, placement and what-ifs.

Names are imported on first use (PEP 562): ``import sim.cli`` and a ``check`` then do not pay
for the graph, planning, capture and plotting libraries they never touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core.lazy import lazy_exports

if TYPE_CHECKING:
    from .core.errors import InputError, NomadSimError
    from .core.implied import apply_registration_hooks, implied_constraints
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

_HOMES = {
    "InputError": ".core.errors",
    "NodeTable": ".core.nodetable",
    "NomadSimError": ".core.errors",
    "PlacementPlan": ".placement",
    "apply_registration_hooks": ".core.implied",
    "capacity": ".planning",
    "check_constraint": ".core.operators",
    "evaluate_job": ".feasibility",
    "exact_placement": ".placement",
    "explain_group": ".explain",
    "format_dry_run": ".explain",
    "headroom": ".planning",
    "implied_constraints": ".core.implied",
    "load_job": ".io",
    "load_jobs": ".io",
    "load_nodes": ".io",
    "load_scenario": ".io",
    "load_snapshot": ".io",
    "node_satisfies": ".core.operators",
    "resilience": ".planning",
    "resolve_target": ".core.targets",
    "run_resolved": ".whatif",
    "simulate": ".placement",
    "sweep": ".whatif",
    "validate_affinity": ".core.validation",
    "validate_constraint": ".core.validation",
    "validate_job": ".core.jobvalidate",
    "validate_spread": ".core.validation",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "InputError",
    "NodeTable",
    "NomadSimError",
    "PlacementPlan",
    "apply_registration_hooks",
    "capacity",
    "check_constraint",
    "evaluate_job",
    "exact_placement",
    "explain_group",
    "format_dry_run",
    "headroom",
    "implied_constraints",
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
