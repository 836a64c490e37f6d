"""The bipartite task-group × node (class) graph and the analyses it answers.

>>> from sim.graph import capacity_bound, hashistack_graph
>>> capacity_bound(hashistack_graph()).joint
5

Drawing lives in :mod:`sim.graph.draw` so importing the graph does not import matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lazy_exports

if TYPE_CHECKING:
    from .analyses import (
        CapacityBound,
        Criticality,
        capacity_bound,
        cluster_scopes,
        criticality,
        distinct_hosts_matching,
        feasible_by_scope,
        fragile_groups,
        group_vertices,
        unplaceable_groups,
    )
    from .build import group_class_graph, group_node_graph
    from .capacity import allocations_fit, distinct_hosts_scope, group_ask
    from .examples import hashistack_graph, hashistack_jobs, hashistack_nodes
    from .export import FORMATS, export_graph, to_dot

_HOMES = {
    "CapacityBound": ".analyses",
    "Criticality": ".analyses",
    "FORMATS": ".export",
    "allocations_fit": ".capacity",
    "capacity_bound": ".analyses",
    "cluster_scopes": ".analyses",
    "criticality": ".analyses",
    "distinct_hosts_matching": ".analyses",
    "distinct_hosts_scope": ".capacity",
    "export_graph": ".export",
    "feasible_by_scope": ".analyses",
    "fragile_groups": ".analyses",
    "group_ask": ".capacity",
    "group_class_graph": ".build",
    "group_node_graph": ".build",
    "group_vertices": ".analyses",
    "hashistack_graph": ".examples",
    "hashistack_jobs": ".examples",
    "hashistack_nodes": ".examples",
    "to_dot": ".export",
    "unplaceable_groups": ".analyses",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "FORMATS",
    "CapacityBound",
    "Criticality",
    "allocations_fit",
    "capacity_bound",
    "cluster_scopes",
    "criticality",
    "distinct_hosts_matching",
    "distinct_hosts_scope",
    "export_graph",
    "feasible_by_scope",
    "fragile_groups",
    "group_ask",
    "group_class_graph",
    "group_node_graph",
    "group_vertices",
    "hashistack_graph",
    "hashistack_jobs",
    "hashistack_nodes",
    "to_dot",
    "unplaceable_groups",
]
