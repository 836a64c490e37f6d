"""cty values in Python: the conversions HCL applies between strings, numbers and bools, and
type constraints (``type = list(string)``) with ``convert`` (go-cty cty/convert).

Python stands in for cty: ``str``, ``int``/``float`` (numbers; integral floats become ints),
``bool``, ``None`` (null), ``list`` (tuple/list/set), ``dict`` (object/map).
"""

from __future__ import annotations

import math
from typing import Any


class HclError(ValueError):
    """An HCL evaluation error: Nomad's summary and detail, and the line when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def number(value: int | float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "tuple"
    return "object"


def format_number(value: int | float) -> str:
    """A cty number as text: integers without a point, others in Go's shortest form."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent):+03d}"
    return text


def to_string(value: Any, what: str = "") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    prefix = f"{what}: " if what else ""
    raise HclError(f"{prefix}string required, got {type_name(value)}")


def to_number(value: Any, what: str = "") -> int | float:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        prefix = f"{what}: " if what else ""
        raise HclError(f"{prefix}a number is required, got {type_name(value)}")
    if isinstance(value, int | float):
        return value
    text = value.strip()
    try:
        parsed: int | float = int(text)
    except ValueError:
        try:
            parsed = float(text)
        except ValueError:
            prefix = f"{what}: " if what else ""
            raise HclError(f'{prefix}a number is required, got "{value}"') from None
        if math.isnan(parsed) or math.isinf(parsed):
            raise HclError(f'{what}: a number is required, got "{value}"') from None
    return number(parsed)


def to_bool(value: Any, what: str = "") -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    prefix = f"{what}: " if what else ""
    raise HclError(f"{prefix}bool required, got {type_name(value)}")


def values_equal(a: Any, b: Any) -> bool:
    """cty equality: a number never equals a string or a bool."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return bool(a == b)


# -- type constraints: ("string",) ("number",) ("bool",) ("any",) ("list", T) ("set", T)
#    ("map", T) ("tuple", [T…]) ("object", {name: T}, optional names)

Type = tuple[Any, ...]
PRIMITIVES = ("string", "number", "bool", "any")


def type_label(kind: Type) -> str:
    head = kind[0]
    if head in PRIMITIVES:
        return head
    if head in ("list", "set", "map"):
        return f"{head} of {type_label(kind[1])}"
    return head


def convert(value: Any, kind: Type) -> Any:
    """``convert.Convert``: the value as the type, or an HclError in cty's words."""
    head = kind[0]
    if head == "any":
        return value
    if value is None:
        return None
    if head == "string":
        if isinstance(value, list | dict):
            raise HclError("string required")
        return to_string(value)
    if head == "number":
        if isinstance(value, list | dict):
            raise HclError("number required")
        return to_number(value)
    if head == "bool":
        if isinstance(value, list | dict) or (
            not isinstance(value, bool) and value not in ("true", "false")
        ):
            raise HclError("bool required")
        return to_bool(value)
    if head in ("list", "set"):
        if not isinstance(value, list):
            raise HclError(f"{type_label(kind)} required")
        items = [_at(i, convert, item, kind[1]) for i, item in enumerate(value)]
        return as_set(items) if head == "set" else items
    if head == "map":
        if not isinstance(value, dict):
            raise HclError(f"{type_label(kind)} required")
        return {k: _at(k, convert, v, kind[1]) for k, v in value.items()}
    if head == "tuple":
        if not isinstance(value, list) or len(value) != len(kind[1]):
            raise HclError(f"tuple required with {len(kind[1])} elements")
        return [
            _at(i, convert, item, t) for i, (item, t) in enumerate(zip(value, kind[1], strict=True))
        ]
    if head == "object":
        if not isinstance(value, dict):
            raise HclError("object required")
        attributes, optional = kind[1], kind[2]
        out: dict[str, Any] = {}
        for name, attr_type in attributes.items():
            if name not in value:
                if name in optional:
                    out[name] = None
                    continue
                raise HclError(f'attribute "{name}" is required')
            out[name] = _at(name, convert, value[name], attr_type)
        return out
    raise HclError(f"unsupported type {head}")


def _at(key: Any, function: Any, value: Any, kind: Type) -> Any:
    try:
        return function(value, kind)
    except HclError as exc:
        where = f"[{key}]" if isinstance(key, int) else f".{key}"
        text = str(exc)
        raise HclError(
            f"{where}: {text}" if not text.startswith((".", "[")) else where + text
        ) from None


def as_set(items: list[Any]) -> list[Any]:
    """A cty set: unique elements; strings and numbers in cty's order."""
    unique: list[Any] = []
    for item in items:
        if not any(values_equal(item, seen) for seen in unique):
            unique.append(item)
    if all(isinstance(i, str) for i in unique):
        return sorted(unique)
    if all(isinstance(i, int | float) and not isinstance(i, bool) for i in unique):
        return sorted(unique)
    return unique


def is_primitive_type(kind: Type | None) -> bool:
    """A declared type whose ``-var`` value is taken as a literal string (jobspec2
    ``expressionFromVariableDefinition``: string, number, or no type at all)."""
    return kind is None or kind[0] in ("string", "number")
