"""Nomad's semantics, one node and one rule at a time: the bottom layer every other imports.

Constraint targets and operators, version and semver matching, globs, computed node classes,
the node table and the keys nodes are grouped by, AllocMetric and Nomad's wording of it, job
validation (constraints and whole
jobs, as ``nomad job run`` refuses them), the registration hooks that add Nomad's implied
constraints and Connect proxy tasks to a job, the input size limits, the error family and the
one writer of output files (whole or not at all) and of figures.
Nothing here imports any other part of `sim`.
"""
