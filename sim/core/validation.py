"""What Nomad rejects at job submission: ``Constraint``/``Affinity``/``Spread`` ``Validate``.

Messages are Nomad's own (nomad/structs/structs.go ``Constraint.Validate``,
``Affinity.Validate``, ``Spread.Validate``; nomad/structs/constraint.go
``validateConstraintAttribute``), in Nomad's order; an empty list means valid. Library errors
are embedded as Go prints them: ``regexp.Compile`` (``error parsing regexp: ...``), go-version
(``malformed constraint: ...``), the semver helper (``Malformed constraint: ...``) and
``strconv.ParseUint``.
"""

from __future__ import annotations

import re

from models import Affinity, Constraint, Spread

from .gofmt import go_quote
from .operators import regexp_error
from .versions import VersionError, parse_constraint

_LITERAL_OPERATORS = ("=", "==", "is", "!=", "not", "<", "<=", ">", ">=")
_SET_OPERATORS = ("set_contains", "set_contains_all", "set_contains_any")
_EXACT_TARGETS = (
    "${node.unique.id}",
    "${node.datacenter}",
    "${node.unique.name}",
    "${node.class}",
    "${node.pool}",
)
_PREFIX_TARGETS = ("${attr.", "${device.", "${meta.")
_UINT = re.compile(r"[0-9]+")
_UINT64_MAX = (1 << 64) - 1


def _parse_uint64_error(text: str) -> tuple[int, str | None]:
    """Go ``strconv.ParseUint(text, 10, 64)``: (value, error text or None)."""
    if not _UINT.fullmatch(text):
        return 0, f"strconv.ParseUint: parsing {go_quote(text)}: invalid syntax"
    value = int(text)
    if value > _UINT64_MAX:
        return 0, f"strconv.ParseUint: parsing {go_quote(text)}: value out of range"
    return value, None


def _version_error(text: str, *, semver: bool) -> str | None:
    try:
        parse_constraint(text, semver=semver)
    except VersionError as err:
        return str(err)
    return None


def validate_attribute(target: str) -> str | None:
    """``validateConstraintAttribute``: is an LTarget something ``resolveTarget`` handles?"""
    if not target.startswith("$"):
        return None
    if not target.startswith("${"):
        return f"attribute {go_quote(target)} is missing an opening brace"
    if not target.endswith("}"):
        return f"attribute {go_quote(target)} is missing a closing brace"
    if target in _EXACT_TARGETS or target.startswith(_PREFIX_TARGETS):
        return None
    return f"unsupported attribute {go_quote(target)}"


def _operand_errors(operand: str, rtarget: str, *, kind: str) -> list[str]:
    """The operand-specific part shared by constraints and affinities (``kind`` words them)."""
    if operand in _SET_OPERATORS:
        if rtarget:
            return []
        if kind == "constraint":
            return ["Set contains constraint requires an RTarget"]
        return ["Set contains operators require an RTarget"]
    if operand == "regexp":
        error = regexp_error(rtarget)
        return [] if error is None else [f"Regular expression failed to compile: {error}"]
    if operand in ("version", "semver"):
        error = _version_error(rtarget, semver=operand == "semver")
        if error is None:
            return []
        return [f"{operand.capitalize()} {kind} is invalid: {error}"]
    if operand in _LITERAL_OPERATORS:
        return [] if rtarget else [f"Operator {go_quote(operand)} requires an RTarget"]
    unknown = "constraint type" if kind == "constraint" else "affinity operator"
    return [f"Unknown {unknown} {go_quote(operand)}"]


def validate_constraint(constraint: Constraint) -> list[str]:
    """Nomad's ``Constraint.Validate`` messages; ``[]`` when the constraint is valid."""
    operand, ltarget, rtarget = constraint.operand, constraint.l_target, constraint.r_target
    errors = ["Missing constraint operand"] if operand == "" else []
    if operand == "distinct_hosts":
        pass  # any RTarget; parsed as a bool by the distinct_hosts iterator
    elif operand == "distinct_property":
        if rtarget:
            count, error = _parse_uint64_error(rtarget)
            if error is not None:
                errors.append(f"Failed to convert RTarget {go_quote(rtarget)} to uint64: {error}")
            elif count < 1:
                errors.append(
                    f"Distinct Property must have an allowed count of 1 or greater: {count} < 1"
                )
    elif operand in ("is_set", "is_not_set"):
        if rtarget:
            errors.append(f"Operator {go_quote(operand)} does not support an RTarget")
    else:
        errors.extend(_operand_errors(operand, rtarget, kind="constraint"))
    if operand != "distinct_hosts" and ltarget == "":
        errors.append("no attribute provided but is required by operator")
    attribute_error = validate_attribute(ltarget)
    if attribute_error is not None:
        errors.append(attribute_error)
    return errors


def validate_affinity(affinity: Affinity) -> list[str]:
    """Nomad's ``Affinity.Validate``: constraint rules minus distinct_*/is_set, plus weight."""
    operand = affinity.operand
    errors = ["Missing affinity operand"] if operand == "" else []
    if operand in ("distinct_hosts", "distinct_property", "is_set", "is_not_set"):
        errors.append(f"Unknown affinity operator {go_quote(operand)}")
    else:
        errors.extend(_operand_errors(operand, affinity.r_target, kind="affinity"))
    if affinity.l_target == "":
        errors.append("No LTarget provided but is required")
    if affinity.weight == 0:
        errors.append("Affinity weight cannot be zero")
    if affinity.weight > 100 or affinity.weight < -100:
        errors.append("Affinity weight must be within the range [-100,100]")
    return errors


def validate_spread(spread: Spread) -> list[str]:
    """Nomad's ``Spread.Validate``: attribute, weight in (0, 100], targets unique, sum <= 100."""
    errors = [] if spread.attribute else ["Missing spread attribute"]
    if spread.weight <= 0 or spread.weight > 100:
        errors.append("Spread block must have a positive weight from 0 to 100")
    seen: set[str] = set()
    total = 0
    for target in spread.spread_target:
        if target.value in seen:
            errors.append(f"Spread target value {go_quote(target.value)} already defined")
        seen.add(target.value)
        if target.percent < 0 or target.percent > 100:
            errors.append(
                f"Spread target percentage for value {go_quote(target.value)} "
                "must be between 0 and 100"
            )
        total += target.percent
    if total > 100:
        errors.append(
            f"Sum of spread target percentages must not be greater than 100%; got {total}%"
        )
    return errors
