"""Shared pydantic configuration: Nomad's PascalCase API keys and the project's snake_case.

Nomad emits exact CamelCase keys (``LTarget``, ``MemoryMB``, ``NodeClass``); the project's own
scenario files use snake_case. Every model accepts both. ``null`` values, which
``nomad job run -output`` writes for every unset field, are dropped before validation so the
model defaults (Nomad's canonical defaults) apply.

The model modules do without ``from __future__ import annotations``: their field annotations are
objects when the classes are made, so pydantic need not evaluate (compile) each one from a
string, a cost every command that reads a job pays at start-up.
"""

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic.alias_generators import to_pascal

_GO_DURATION = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}


def parse_go_duration(value: Any) -> int:
    """Nanoseconds from an int (JSON form) or a Go ``time.ParseDuration`` string (HCL form)."""
    if isinstance(value, bool):
        raise ValueError("a duration must be a number of nanoseconds or a string like '5m'")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        raise ValueError("a duration must be a number of nanoseconds or a string like '5m'")
    text = value.strip()
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body == "0":
        return 0
    parts = _GO_DURATION.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        raise ValueError(f"invalid duration {value!r} (expected e.g. '30s', '5m', '1h30m')")
    return sign * round(sum(float(n) * _UNIT_NS[u] for n, u in parts))


Duration = Annotated[int, BeforeValidator(parse_go_duration)]


def empty_list() -> list[Any]:
    """A default factory. Pydantic reads a factory's signature when it builds a validator, and a
    built-in's (``list``, ``dict``) is parsed from its text, several times slower."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A default factory, as ``empty_list``."""
    return {}


def go_string(value: Any) -> str:
    """Render a scalar as Go does when a map[string]string is decoded from HCL/YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise ValueError(f"expected a string, got {type(value).__name__}")


def _string_map(value: Any) -> Any:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): go_string(v) for k, v in value.items()}
    return value


StringMap = Annotated[dict[str, str], BeforeValidator(_string_map)]


_ACRONYMS = {"Id": "ID", "Ip": "IP", "Cidr": "CIDR", "Dns": "DNS", "Mb": "MB"}


def nomad_alias(name: str) -> str:
    """Nomad's JSON key for a snake_case field: ``memory_mb`` → ``MemoryMB``, ``id`` → ``ID``.

    Only a trailing ``Id``/``Mb`` or a whole-word acronym is upper-cased; ``Cpu`` stays as is
    (NodeResources says ``Cpu``), so the task resources' ``CPU`` key is set explicitly.
    """
    pascal = to_pascal(name)
    if pascal in _ACRONYMS:
        return _ACRONYMS[pascal]
    for suffix in ("Id", "Mb"):
        if pascal.endswith(suffix) and len(pascal) > len(suffix):
            return pascal[: -len(suffix)] + _ACRONYMS[suffix]
    return pascal


def _drop_nulls(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v is not None}
    return data


class NomadModel(BaseModel):
    """Base for every model: PascalCase aliases, snake_case names, unknown keys ignored.

    Each model's validator is built on its first use (``defer_build``), not on import: a
    command that reads only jobs as models (node JSON decodes to records) does not pay for
    building the node and scenario validators.
    """

    model_config = ConfigDict(
        alias_generator=nomad_alias,
        populate_by_name=True,
        extra="ignore",
        validate_default=False,
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _nulls_mean_unset(cls, data: Any) -> Any:
        return _drop_nulls(data)
