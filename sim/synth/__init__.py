"""Seeded synthetic clusters and jobs: realistic inputs for tests, benchmarks and notebooks."""

from .jobs import JobProfile, generate_jobs
from .nodes import NodeProfile, generate_nodes
from .scenario import write_scenario

__all__ = ["JobProfile", "NodeProfile", "generate_jobs", "generate_nodes", "write_scenario"]
