"""What every reader hands the engine: concrete nodes, jobs and allocations, ready to simulate.

Its own module so that code taking a resolved cluster (the engine, the what-ifs, the CLI
given Nomad's own files) does not import the scenario reader (YAML, interpolation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models import Job, Node
    from models.scenario import Allocation, Scenario


@dataclass
class ResolvedScenario:
    """A scenario with every variable applied: concrete nodes and jobs, ready to simulate."""

    scenario: Scenario
    variables: dict[str, Any]
    nodes: list[Node]
    node_group_of: list[str]
    jobs: list[Job]
    allocations: list[Allocation]
    source: Path
    warnings: list[str] = field(default_factory=list)
