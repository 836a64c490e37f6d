"""Readers: HCL2 jobspecs, Nomad API job and node JSON, Terraform variables, scenario YAML.

Every reader raises ``sim.errors.InputError`` naming the file (and line or field path) for
bad input, and never writes to its inputs. Sizes and nesting are bounded before parsing
(``sim.core.limits``); jobs Nomad would refuse are refused (``sim.core.jobvalidate``).
"""

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports
from .bundled import bundled_scenario, bundled_scenarios
from .detect import NODE_CAPTURE_RECIPE, Detected, Kind, detect, is_snapshot
from .loaders import load_job, load_jobs, load_nodes
from .node_json import NodeLoad
from .scenario import ResolvedScenario, load_scenario
from .snapshot import load_snapshot
from .tfvars import load_tfvars, load_variables_tf

if TYPE_CHECKING:
    from .hcl_job import hcl_to_api

# The HCL evaluator (and its Lark parser) loads on first use: JSON inputs never need it.
__getattr__, __dir__ = lazy_exports(__name__, {"hcl_to_api": ".hcl_job"}, globals())

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
