"""Terraform variable files: values in ``*.tfvars`` / ``*.tfvars.json``,
declarations with defaults in ``variables.tf``.

Effective value = tfvars value, else the ``variables.tf`` default; Terraform allows no
expressions in tfvars, so an interpolation there is an error rather than a literal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import InputError
from .detect import Kind, detect
from .hcl import parse_hcl
from .interpolate import ExpressionError, render_tree
from .variables import declared_variables


def load_tfvars(path: str | Path) -> dict[str, Any]:
    """Variable values from ``terraform.tfvars`` (HCL attributes) or ``*.tfvars.json``."""
    found = detect(path)
    if found.kind is not Kind.TFVARS:
        raise InputError(
            f"expected Terraform variable values (name = value), but this is {found.kind.value}",
            source=found.source,
        )
    values: dict[str, Any] = {}
    for name, value in found.data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            raise InputError(f"{name}: blocks are not allowed in a tfvars file", found.source)
        try:
            values[name] = render_tree(value, {})
        except ExpressionError as exc:
            raise InputError(
                f"{name}: tfvars values must be literals ({exc})", found.source
            ) from None
    return values


def load_variables_tf(path: str | Path) -> dict[str, Any]:
    """The defaults of the ``variable`` blocks of a ``.tf`` file; required ones are left out."""
    found = detect(path)
    if found.kind not in (Kind.VARIABLES_TF, Kind.TERRAFORM, Kind.HCL_JOB):
        raise InputError(
            f"expected variable blocks, but this is {found.kind.value}", source=found.source
        )
    tree = parse_hcl(found.data.text, found.source) if found.kind is Kind.HCL_JOB else found.data
    declared = declared_variables(tree, found.source)
    return {name: d.default for name, d in declared.items() if not d.required}
