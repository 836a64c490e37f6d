"""The cluster a command reads, as its common options name it, resolved in one place."""

from __future__ import annotations

from pathlib import Path

import msgspec

from ..core.errors import InputError
from ..io import ResolvedScenario
from .inputs import parse_sets, resolve, scenario_path
from .render import OutputFormat


class Cluster(msgspec.Struct, frozen=True):
    """SCENARIO or ``--job``/``--nodes``, ``--set``, ``--var-file``, ``--format``, ``--seed``."""

    scenario: Path | None = None
    jobs: tuple[Path, ...] = ()
    nodes: Path | None = None
    sets: tuple[str, ...] = ()
    var_files: tuple[Path, ...] = ()
    fmt: OutputFormat = OutputFormat.table
    seed: int = 0

    @classmethod
    def from_options(
        cls,
        *,
        scenario: Path | None = None,
        jobs: list[Path] | None = None,
        nodes: Path | None = None,
        sets: list[str] | None = None,
        var_files: list[Path] | None = None,
        fmt: OutputFormat = OutputFormat.table,
        seed: int = 0,
    ) -> Cluster:
        return cls(
            scenario, tuple(jobs or ()), nodes, tuple(sets or ()), tuple(var_files or ()), fmt, seed
        )

    @property
    def native(self) -> bool:
        """Nomad's own files (``--job``/``--nodes``) rather than a scenario."""
        return bool(self.jobs) or self.nodes is not None

    @property
    def overrides(self) -> dict[str, object]:
        return parse_sets(self.sets)

    def resolve(self, *, with_sets: bool = True) -> ResolvedScenario:
        """Nodes and jobs; ``with_sets=False`` is the scenario before the ``--set`` overrides."""
        sets = self.sets if with_sets else ()
        return resolve(self.scenario, sets, self.var_files, self.jobs, self.nodes)

    def scenario_file(self, why: str) -> Path:
        """The scenario's path, for analyses that reload it with other variable values."""
        if self.native:
            raise InputError(
                f"{why} changes scenario variables; Nomad-native --job/--nodes files have none: "
                "give a scenario"
            )
        return scenario_path(self.scenario)

    def side(self, path: Path) -> Cluster:
        """One side of ``diff A B``: A scenario, or with ``--job`` a node file, or with
        ``--nodes`` a job file; the other options apply to both sides."""
        if self.jobs and self.nodes is not None:
            raise InputError(
                "diff compares A with B: give --job (A and B are node files) or --nodes "
                "(A and B are job files), not both"
            )
        if self.jobs:
            return msgspec.structs.replace(self, nodes=path)
        if self.nodes is not None:
            return msgspec.structs.replace(self, jobs=(path,))
        return msgspec.structs.replace(self, scenario=path)
