"""Input variables and locals of a jobspec, as jobspec2/types.variables.go and
types.config.go ``decodeBody`` read them.

``variable "x" {…}`` blocks (``type``, ``default``, ``description``, ``validation``) and the
plural ``variables {…}`` (name = default, its type taken from the default). ``-var-file``
values are HCL attributes; values set with ``-var`` (or a scenario's job ``variables:``),
applied last, are parsed as Nomad parses ``-var``: a string as written when the variable is a
string, a number or untyped, otherwise as an HCL expression (``datacenters=["dc1","dc2"]``).
Each is converted to the declared type and checked by the validation blocks. ``locals`` may
refer to each other in any order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Tree

from ..core.errors import InputError
from .files import read_text
from .hcl_body import Block, Body, parse_document, parse_expression
from .hcl_eval import LAZY_FUNCTIONS, Scope, evaluate
from .hcl_functions import functions
from .hcl_typeexpr import type_of_expression
from .hcl_values import HclError, Type, convert, is_primitive_type, to_bool, to_string
from .loaders import ENV_VAR_PREFIX

_UNSET: Any = object()
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass
class Variable:
    name: str
    line: int | None
    type: Type | None = None
    value: Any = _UNSET
    origin: str = "default"
    validations: list[Block] = field(default_factory=list)


def closed_scope(src: str) -> Scope:
    """What ``Expr.Value(nil)`` sees: no variables, no functions (defaults, var files, -var)."""
    return Scope({}, {}, src, closed=True)


def declare(document: Body, src: str) -> dict[str, Variable]:
    variables: dict[str, Variable] = {}
    for block in document.blocks:
        if block.type == "variables":
            if block.body.blocks:
                raise HclError(
                    "Unexpected block; Blocks are not allowed here.", block.body.blocks[0].line
                )
            for attr in block.body.attributes:
                _add(variables, Variable(attr.name, attr.line), attr.line)
                variables[attr.name].value = evaluate(attr.expr, closed_scope(src))
        elif block.type == "variable":
            _add(variables, _variable_block(block, src), block.line)
    return variables


def _add(variables: dict[str, Variable], variable: Variable, line: int | None) -> None:
    if variable.name in variables:
        raise HclError(
            f"Duplicate variable; Duplicate {variable.name} variable definition found.", line
        )
    variables[variable.name] = variable


def _variable_block(block: Block, src: str) -> Variable:
    if len(block.labels) != 1:
        raise HclError(
            "Missing name for variable; All variable blocks must have 1 labels (name).", block.line
        )
    name = block.labels[0]
    if not name or name[0].isdigit() or name[0] == "-" or not set(name) <= _NAME_CHARS:
        raise HclError(
            "Invalid variable name; A name must start with a letter or underscore "
            "and may contain only letters, digits, underscores, and dashes.",
            block.line,
        )
    variable = Variable(name, block.line)
    attrs = {a.name: a for a in block.body.attributes}
    if "type" in attrs:
        variable.type = type_of_expression(attrs["type"].expr)
    if "default" in attrs:
        value = evaluate(attrs["default"].expr, closed_scope(src))
        if variable.type is not None:
            try:
                value = convert(value, variable.type)
            except HclError as exc:
                raise HclError(
                    "Invalid default value for variable; This default value is not "
                    f"compatible with the variable's type constraint: {exc}.",
                    attrs["default"].line,
                ) from None
        variable.value = value
    variable.validations = [b for b in block.body.blocks if b.type == "validation"]
    for validation in variable.validations:
        _check_validation_block(name, validation, src)
    return variable


def _check_validation_block(name: str, block: Block, src: str) -> None:
    attrs = {a.name: a for a in block.body.attributes}
    for required in ("condition", "error_message"):
        if required not in attrs:
            raise HclError(
                f'Missing required argument; The argument "{required}" is required, '
                "but no definition was found.",
                block.line,
            )
    refs = list(_var_references(attrs["condition"].expr))
    for ref in refs:
        if ref != name:
            raise HclError(
                f"Invalid reference in variable validation; The condition for variable "
                f'"{name}" can only refer to the variable itself, using var.{name}.',
                attrs["condition"].line,
            )
    if not refs:
        raise HclError(
            f"Invalid variable validation condition; The condition for variable "
            f'"{name}" must refer to var.{name} in order to test incoming values.',
            attrs["condition"].line,
        )
    message = to_string(evaluate(attrs["error_message"].expr, closed_scope(src)))
    if not message.strip():
        raise HclError(
            "Invalid validation error message; An empty or blank string is not a valid "
            "nor useful error message.",
            attrs["error_message"].line,
        )


def _var_references(node: Tree) -> list[str]:
    names = []
    for term in node.iter_subtrees():
        if term.data != "get_attr_expr_term":
            continue
        base, step = [c for c in term.children if isinstance(c, Tree)]
        root = base.children[0] if base.data == "expr_term" and len(base.children) == 1 else None
        if isinstance(root, Tree) and root.data == "identifier" and str(root.children[0]) == "var":
            names.append(str(next(c for c in step.children if isinstance(c, Tree)).children[0]))
    return names


def set_file_values(variables: dict[str, Variable], path: Path) -> None:
    """A ``-var-file``: attributes only, evaluated without variables or functions, each
    converted to its variable's type (jobspec2 ``collectInputVariableValues``, ``Strict``)."""
    text = read_text(path)
    document = parse_document(text, path)
    try:
        for block in document.body.blocks:
            if block.type == "variable":
                name = block.labels[0] if block.labels else ""
                raise HclError(
                    "Variable declaration in a .var file; A .var file is used to assign values "
                    "to variables that have already been declared in job files, not to declare "
                    f'new variables. To declare variable "{name}", place this block in one of '
                    "your job files",
                    block.line,
                )
            raise HclError(
                f'Unexpected "{block.type}" block; Blocks are not allowed here.', block.line
            )
        for attr in document.body.attributes:
            variable = variables.get(attr.name)
            if variable is None:
                raise HclError(
                    f'Undefined variable; A "{attr.name}" variable was set but was not found in '
                    f'known variables. To declare variable "{attr.name}", place this block in '
                    "your job files",
                    attr.line,
                )
            value = evaluate(attr.expr, closed_scope(text))
            kind = _effective_type(variable)
            if kind is not None:
                try:
                    value = convert(value, kind)
                except HclError as exc:
                    raise HclError(
                        f"Invalid value for variable; The value for {attr.name} is not "
                        f"compatible with the variable's type constraint: {exc}.",
                        attr.line,
                    ) from None
            variable.value = value
            variable.origin = "varfile"
    except HclError as exc:
        raise InputError(str(exc), path, exc.line) from None


def set_env_values(variables: dict[str, Variable], env: Mapping[str, str]) -> None:
    """``NOMAD_VAR_name=value`` from the environment, before var files and ``-var``; a name
    no variable declares is skipped, as is an entry without ``=`` (jobspec2
    ``collectInputVariableValues``)."""
    for key, raw in env.items():
        name = key.removeprefix(ENV_VAR_PREFIX)
        variable = variables.get(name)
        if not key.startswith(ENV_VAR_PREFIX) or variable is None:
            continue
        kind = _effective_type(variable)
        value: Any = raw
        try:
            if not is_primitive_type(kind):
                src, expr = parse_expression(raw, f"<value for var.{name} from env>")
                value = evaluate(expr, closed_scope(src))
            if kind is not None:
                value = convert(value, kind)
        except HclError as exc:
            raise HclError(
                f"Invalid value for variable; The value for {name} is not compatible with the "
                f"variable's type constraint: {exc}."
            ) from None
        variable.value = value
        variable.origin = "env"


def set_values(variables: dict[str, Variable], overrides: Mapping[str, Any]) -> None:
    """``-var`` values (jobspec2 ``collectInputVariableValues``, ``Strict``: an undeclared
    name is an error)."""
    for name, given in overrides.items():
        variable = variables.get(name)
        if variable is None:
            raise HclError(
                f'Undefined -var variable; A "{name}" variable was passed in the '
                "command line but was not found in known variables. To declare "
                f'variable "{name}", place this block in your job file'
            )
        value = given
        if isinstance(given, str) and not is_primitive_type(_effective_type(variable)):
            src, expr = parse_expression(given, f"<value for var.{name} from arguments>")
            value = evaluate(expr, closed_scope(src))
        kind = _effective_type(variable)
        if kind is not None:
            try:
                value = convert(value, kind)
            except HclError as exc:
                raise HclError(
                    "Invalid argument value for -var variable; The received arg value "
                    f"for {name} is not compatible with the variable's type "
                    f"constraint: {exc}."
                ) from None
        variable.value = value
        variable.origin = "cmd"


def _effective_type(variable: Variable) -> Type | None:
    """The declared type, else the default's (``v.Type = defaultValue.Type()``)."""
    if variable.type is not None:
        return variable.type
    if variable.value is _UNSET or variable.value is None:
        return None
    value = variable.value
    if isinstance(value, bool):
        return ("bool",)
    if isinstance(value, int | float):
        return ("number",)
    if isinstance(value, str):
        return ("string",)
    return ("any",)


def values(variables: dict[str, Variable], src: str, basedir: Path) -> dict[str, Any]:
    """Every variable's value, each checked by its validation blocks."""
    out: dict[str, Any] = {}
    for name in sorted(variables):
        variable = variables[name]
        if variable.value is _UNSET:
            raise HclError(
                f'Unset variable "{name}"; A used variable must be set or have a '
                "default value; see "
                "https://developer.hashicorp.com/nomad/docs/reference/hcl2/variables "
                " for details.",
                variable.line,
            )
        _validate(variable, src, basedir)
        out[name] = variable.value
    return out


def _validate(variable: Variable, src: str, basedir: Path) -> None:
    scope = Scope(
        {"var": {variable.name: variable.value}},
        functions(basedir, allow_fs=False),
        src,
        lazy=LAZY_FUNCTIONS,
    )
    for block in variable.validations:
        attrs = {a.name: a for a in block.body.attributes}
        result = evaluate(attrs["condition"].expr, scope)
        if result is None:
            raise HclError(
                "Invalid variable validation result; Validation condition expression "
                "must return either true or false, not null.",
                attrs["condition"].line,
            )
        if not to_bool(result, "Invalid variable validation result"):
            message = to_string(evaluate(attrs["error_message"].expr, closed_scope(src)))
            raise HclError(
                f"Invalid value for {variable.origin} variable; {message} (checked by "
                f"the validation rule at line {block.line})",
                block.line,
            )


def evaluate_locals(document: Body, scope_of: Any) -> dict[str, Any]:
    """jobspec2 ``evaluateLocalVariables``: a local that fails is retried after the others, so
    order does not matter; a cycle ends in the first local's own error."""
    pending = []
    seen: set[str] = set()
    for block in document.blocks:
        if block.type != "locals":
            continue
        for attr in block.body.attributes:
            if attr.name in seen:
                raise HclError(
                    f"Duplicate value in locals; Duplicate {attr.name} definition found.", attr.line
                )
            seen.add(attr.name)
            pending.append(attr)
    locals_: dict[str, Any] = {}
    retries, previous = 0, 0
    while pending:
        attr = pending[0]
        try:
            locals_[attr.name] = evaluate(attr.expr, scope_of(locals_))
            retries = 0
        except HclError:
            if len(pending) == 1:
                raise
            if previous == len(pending):
                if retries == 100:
                    raise
                retries += 1
            previous = len(pending)
            pending.append(attr)
        pending.pop(0)
    return locals_
