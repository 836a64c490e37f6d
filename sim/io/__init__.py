"""Readers: HCL2 jobspecs, Nomad API job and node JSON, Terraform variables, scenario YAML.

Every reader raises ``sim.errors.InputError`` naming the file (and line or field path) for
bad input, and never writes to its inputs. Sizes and nesting are bounded before parsing
(``sim.core.limits``); jobs Nomad would refuse are refused (``sim.core.jobvalidate``).

Names are imported on first use (``sim.core.lazy``): reading JSON loads neither the HCL
evaluator (and its Lark parser) nor the scenario reader (YAML, interpolation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
    from .bundled import bundled_scenario, bundled_scenarios
    from .detect import NODE_CAPTURE_RECIPE, Detected, Kind, detect, is_snapshot
    from .hcl_job import hcl_to_api
    from .loaders import load_job, load_jobs, load_nodes
    from .node_json import NodeLoad
    from .resolved import ResolvedScenario
    from .scenario import load_scenario
    from .snapshot import load_snapshot
    from .tfvars import load_tfvars, load_variables_tf

_HOMES = {
    "Detected": ".detect",
    "Kind": ".detect",
    "NODE_CAPTURE_RECIPE": ".detect",
    "NodeLoad": ".node_json",
    "ResolvedScenario": ".resolved",
    "bundled_scenario": ".bundled",
    "bundled_scenarios": ".bundled",
    "detect": ".detect",
    "hcl_to_api": ".hcl_job",
    "is_snapshot": ".detect",
    "load_job": ".loaders",
    "load_jobs": ".loaders",
    "load_nodes": ".loaders",
    "load_scenario": ".scenario",
    "load_snapshot": ".snapshot",
    "load_tfvars": ".tfvars",
    "load_variables_tf": ".tfvars",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "NODE_CAPTURE_RECIPE",
    "Detected",
    "Kind",
    "NodeLoad",
    "ResolvedScenario",
    "bundled_scenario",
    "bundled_scenarios",
    "detect",
    "hcl_to_api",
    "is_snapshot",
    "load_job",
    "load_jobs",
    "load_nodes",
    "load_scenario",
    "load_snapshot",
    "load_tfvars",
    "load_variables_tf",
]
