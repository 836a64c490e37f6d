"""Every size bound in one place: what each limits, its default, and how to raise it.

An absurd input (a billion-laughs YAML, ``count = 1000000000``, ``--job /dev/zero``) gets one
clear line instead of a hang or a memory blow-up. Each bound can be raised with an
environment variable (``NOMAD_SIM_MAX_NODES=500000``) or by ``set_limit`` (the CLI's options);
``0`` means no limit. The defaults are far above any real cluster or jobspec.

``job_max_count`` is Nomad's own bound (server ``job_max_count``, default
``JobDefaultMaxCount`` = 50000 in nomad/structs/structs.go; enforced by
nomad/job_endpoint_hooks.go ``jobValidate``), with Nomad's message.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from .errors import InputError


class Limit(msgspec.Struct, frozen=True):
    """One bound: its name (for ``set_limit``), environment variable, default and subject."""

    name: str
    env: str
    default: int
    what: str

    def value(self) -> int:
        if self.name in _overrides:
            return _overrides[self.name]
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        if not raw.isdigit():
            raise InputError(f"{self.env}={raw!r}: expected a whole number (0 = no limit)")
        return int(raw)

    def exceeded(self, amount: int) -> bool:
        limit = self.value()
        return limit > 0 and amount > limit

    def check(self, amount: int, source: str | Path | None = None, line: int | None = None) -> None:
        """Raise an InputError naming the input, the size, the bound and how to raise it."""
        if self.exceeded(amount):
            raise InputError(self.message(amount), source, line)

    def message(self, amount: int, what: str | None = None) -> str:
        return (
            f"{what or self.what} {amount:,} exceeds the limit of {self.value():,} "
            f"(raise it with {self.env}=N, 0 = no limit)"
        )


INPUT_BYTES = Limit(
    "input_bytes", "NOMAD_SIM_MAX_INPUT_BYTES", 1024 * 1024 * 1024, "input file size in bytes"
)
YAML_NODES = Limit(
    "yaml_nodes",
    "NOMAD_SIM_MAX_YAML_NODES",
    2_000_000,
    "YAML values (counted with every alias expanded)",
)
NESTING = Limit("nesting", "NOMAD_SIM_MAX_NESTING", 100, "nesting depth")
NODES = Limit("nodes", "NOMAD_SIM_MAX_NODES", 200_000, "node count")
JOB_MAX_COUNT = Limit(
    "job_max_count", "NOMAD_SIM_JOB_MAX_COUNT", 50_000, "total count of a job's task groups"
)

ALL = (INPUT_BYTES, YAML_NODES, NESTING, NODES, JOB_MAX_COUNT)
_overrides: dict[str, int] = {}


def set_limit(name: str, value: int | None) -> None:
    """Override one bound for this process (``None`` restores the environment/default)."""
    if name not in {limit.name for limit in ALL}:
        raise ValueError(f"unknown limit {name!r}")
    if value is None:
        _overrides.pop(name, None)
    elif value < 0:
        raise ValueError(f"limit {name!r} must be 0 (no limit) or more, got {value}")
    else:
        _overrides[name] = value


# Failure sets one resilience analysis evaluates at most; lose=2 then covers up to 45 domain
# values. Here rather than in sim/planning so the CLI's help names it without importing it.
MAX_FAILURE_SETS = 1000

SMALL_CLUSTER = 200
"""Nodes up to which the report runs capacity (every group), resilience (per node) and the
sweep by default; each re-runs the scheduler many times. Here so the CLI's help names it
without importing the report."""

GO_INT_MIN = -(1 << 63)
GO_INT_MAX = (1 << 63) - 1
"""Go's ``int`` on the 64-bit platforms Nomad ships for: counts, CPU, memory, ports."""


def go_int_error(value: int) -> str | None:
    """gocty's message for a number that does not fit a Go ``int`` (``fromCtyNumberInt``)."""
    if GO_INT_MIN <= value <= GO_INT_MAX:
        return None
    return f"value must be a whole number, between {GO_INT_MIN} and {GO_INT_MAX}"
