"""Input variables shared by jobspecs, ``variables.tf`` and scenarios: declare, coerce, layer.

Values arrive as strings from ``--set NAME=VALUE`` and as typed values from files; like
Terraform and Nomad, a value is converted to the declared type (in a scenario, the type of the
default) so ``--set client_count=0`` yields the number 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from ..core.errors import InputError
from .hcl import labelled
from .interpolate import ExpressionError, render_tree

_MISSING: Any = object()


class Declared(msgspec.Struct, frozen=True):
    """One ``variable "name" {…}`` block: its default (if any) and its type constraint."""

    name: str
    default: Any = _MISSING
    type: str = ""
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is _MISSING


def declared_variables(tree: Mapping[str, Any], source: str | Path) -> dict[str, Declared]:
    """The ``variable`` blocks of an HCL file; defaults may not reference other variables."""
    out: dict[str, Declared] = {}
    for name, body in labelled(tree.get("variable", [])):
        if not isinstance(body, dict):
            raise InputError(f'variable "{name}": expected a block', source=source)
        if name in out:
            raise InputError(f'variable "{name}" is declared twice', source=source)
        type_hint = str(body.get("type", "")).removeprefix("${").removesuffix("}")
        default = body.get("default", _MISSING)
        if default is not _MISSING:
            try:
                default = coerce(render_tree(default, {}), type_hint)
            except (ExpressionError, ValueError) as exc:
                raise InputError(f'variable "{name}" default: {exc}', source=source) from None
        out[name] = Declared(name, default, type_hint, str(body.get("description", "")))
    return out


def coerce(value: Any, type_hint: str) -> Any:
    """Convert a value to a Terraform/Nomad primitive type; other types pass unchanged."""
    if type_hint == "number":
        return _to_number(value)
    if type_hint == "bool":
        return _to_bool(value)
    if type_hint == "string" and isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return value


def type_of(value: Any) -> str:
    """The primitive type a scenario variable takes from its default (no ``type =`` there)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else ""


def _to_number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, str):
        try:
            value = float(value.strip()) if not value.strip().lstrip("-").isdigit() else int(value)
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"expected true or false, got {value!r}")


def layer_values(
    declared: Mapping[str, Declared],
    layers: Iterable[tuple[Mapping[str, Any], str | None]],
    source: str | Path,
    origins: dict[str, str] | None = None,
    set_flag: str | None = None,
) -> dict[str, Any]:
    """Defaults, then each ``(values, origin)`` layer in order; the last layer wins.

    A layer with an origin (a var file) may carry variables this file does not declare, as a
    shared ``terraform.tfvars`` does; a layer without one (``--set``) may not. ``origins``,
    when given, is filled with where each value that is not a default came from: the var
    file, or ``set_flag NAME`` (``--set client_count``) for the layer without an origin, so
    a bad value is reported against what gave it.
    """
    values = {name: d.default for name, d in declared.items() if not d.required}
    for layer, origin in layers:
        for name, value in layer.items():
            given_by = origin or (f"{set_flag} {name}" if set_flag else str(source))
            if name not in declared:
                if origin is None:
                    known = ", ".join(sorted(declared)) or "none"
                    raise InputError(f"unknown variable {name!r} (declared: {known})", given_by)
                continue
            try:
                values[name] = coerce(value, declared[name].type)
            except ValueError as exc:
                raise InputError(f"variable {name!r}: {exc}", given_by) from None
            if origins is not None:
                origins[name] = given_by
    missing = sorted(name for name in declared if name not in values)
    if missing:
        raise InputError(f"variable {missing[0]!r} has no default and no value was given", source)
    return values
