"""``${var.x}`` templates in scenarios and Terraform variable files, without an HCL evaluator
(jobspecs are evaluated in full by ``sim.io.hcl_eval``), kept to jobspec2's rules.

jobspec2's evaluation context defines only ``var`` and ``local``; any other reference goes
through ``UndefinedVariable`` (jobspec2/types.config.go), which returns its source text
re-wrapped as ``${…}``. So ``"${attr.kernel.name}"`` must survive byte-for-byte while
``"${var.dc}"`` is substituted, and a template that is exactly one interpolation keeps the
value's type (a list variable stays a list). python-hcl2 leaves the ``$${`` / ``%%{`` escapes
in place; they are resolved here in the same single pass, so an escaped ``${`` is never
mistaken for an interpolation afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from models.base import go_string

_TRAVERSAL = re.compile(r"[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*")
_SCOPED_REF = re.compile(r"(var|local)\.([A-Za-z_][\w-]*)")

Scope = Mapping[str, Mapping[str, Any]]
"""``{"var": {...}, "local": {...}}``: the only names an interpolation may evaluate."""


class ExpressionError(ValueError):
    """An interpolation that cannot be evaluated here; the caller adds file and field path."""


class _Interpolation(msgspec.Struct, frozen=True):
    expr: str


def _split(text: str) -> list[str | _Interpolation]:
    """Literal runs and ``${…}`` interpolations, escapes resolved, in one left-to-right pass."""
    parts: list[str | _Interpolation] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith(("$${", "%%{"), i):
            literal.append(text[i + 1 : i + 3])
            i += 3
        elif text.startswith("${", i) and (end := closing_brace(text, i + 2)) is not None:
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_Interpolation(text[i + 2 : end].strip()))
            i = end + 1
        else:
            literal.append(text[i])
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def closing_brace(text: str, start: int) -> int | None:
    """Index of the ``}`` closing an interpolation or template sequence, skipping nested
    braces and quoted strings (scenario interpolation and HCL heredoc templates alike)."""
    depth, i, quoted = 0, start, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def _evaluate(expr: str, scope: Scope, strict: bool) -> Any:
    ref = _SCOPED_REF.fullmatch(expr)
    if ref:
        namespace, name = ref.groups()
        values = scope.get(namespace, {})
        if name not in values:
            known = ", ".join(sorted(values)) or "none"
            raise ExpressionError(f"undefined {namespace}.{name} (declared: {known})")
        return values[name]
    if _TRAVERSAL.fullmatch(expr) and not expr.startswith(("var.", "local.")):
        return "${" + expr + "}"
    if strict:
        raise ExpressionError(
            f"unsupported expression ${{{expr}}}: only var.* and local.* references are "
            "evaluated; write the value as a literal, or load the JSON of `nomad job run -output`"
        )
    return "${" + expr + "}"


def render(text: str, scope: Scope, *, strict: bool = True) -> Any:
    """Evaluate one HCL template string.

    ``strict`` fields (those that matter for scheduling) reject expressions other than plain
    references; lenient ones (template data, env, driver config) keep their literal text.
    """
    parts = _split(text)
    if len(parts) == 1 and isinstance(parts[0], _Interpolation):
        return _evaluate(parts[0].expr, scope, strict)
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = _evaluate(part.expr, scope, strict)
        if isinstance(value, list | dict):
            raise ExpressionError(f"${{{part.expr}}} is a {type(value).__name__}, not a string")
        out.append(go_string(value) if value is not None else "")
    return "".join(out)


def render_tree(value: Any, scope: Scope, *, strict: bool = True) -> Any:
    """``render`` applied to every string inside lists and dict values."""
    if isinstance(value, str):
        return render(value, scope, strict=strict)
    if isinstance(value, list):
        return [render_tree(item, scope, strict=strict) for item in value]
    if isinstance(value, dict):
        return {k: render_tree(v, scope, strict=strict) for k, v in value.items()}
    return value
