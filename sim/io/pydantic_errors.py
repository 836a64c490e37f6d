"""pydantic's ValidationError as one InputError line: file, field path, what was expected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import InputError

_EXPECTED = {
    "int_parsing": "expected an integer",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "list_type": "expected a list",
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "literal_error": "",
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``("TaskGroups", 0, "Tasks", 1, "CPU")`` → ``TaskGroups[0].Tasks[1].CPU``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "union[", "list[", "dict[", "{")):
            continue  # pydantic's validator and union-tag names (models/scenario.py), not fields
        else:
            out += f".{part}" if out else str(part)
    return out


def describe(kind: str, message: str, value: object) -> str:
    """One pydantic error (its ``type``, ``msg`` and ``input``) in plain words."""
    expected = _EXPECTED.get(kind) or message.removeprefix("Value error, ")
    if kind in ("missing", "extra_forbidden"):
        return expected
    shown = repr(value)
    return f"{expected}, got {shown[:60] + '…' if len(shown) > 60 else shown}"


def input_error(
    exc: ValidationError,
    source: str | Path,
    prefix: tuple[Any, ...] = (),
    line_of: Callable[[tuple[Any, ...]], int | None] | None = None,
) -> InputError:
    """The first error of a ValidationError, located by field path (and line, when known)."""
    errors = exc.errors()
    first = errors[0]
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    loc = (*prefix, *first["loc"])
    path = field_path(loc)
    text = describe(first["type"], first["msg"], first.get("input"))
    message = f"{path}: {text}{more}" if path else text + more
    return InputError(message, source, line_of(loc) if line_of else None)
