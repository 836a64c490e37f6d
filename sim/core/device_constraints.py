"""Constraints inside a ``device`` block: typed attributes with units, Nomad's other checker.

Device constraints do not go through ``checkConstraint``: Nomad resolves them with
``resolveDeviceTarget`` and checks them with ``checkAttributeConstraint``
(scheduler/feasible/feasible.go) over typed ``Attribute`` values
(plugins/shared/structs/attribute.go, units.go). The differences from node constraints:
numbers compare after unit conversion (``4 GiB > 1320.5 MB``), values of incomparable types
or units make ``=``/``<``/``!=`` false, and ``!=`` with exactly one side missing is true.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import msgspec

from models import Constraint, DeviceAttribute, NodeDevice

from .operators import (
    go_trim_space,
    parse_float64,
    regexp_match,
    set_contains_all,
    set_contains_any,
    version_match,
)
from .versions import parse_int64


class Unit(msgspec.Struct, frozen=True):
    """A unit and its multiplier over its base (units.go ``Unit``)."""

    name: str
    base: str
    multiplier: int
    inverse: bool = False


def _family(base: str, names: list[str], multipliers: list[int]) -> list[Unit]:
    return [Unit(n, base, m) for n, m in zip(names, multipliers, strict=True)]


_BINARY = [1 << 10, 1 << 20, 1 << 30, 1 << 40, 1 << 50, 1 << 60]
_DECIMAL = [1000, 1000, 1000**2, 1000**3, 1000**4, 1000**5, 1000**6]

# units.go. Note MHz is 10^3 Hz and GHz 10^9 Hz in Nomad's table; reproduced as is.
UNITS: dict[str, Unit] = {
    unit.name: unit
    for unit in [
        *_family("byte", ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], _BINARY),
        *_family("byte", ["kB", "KB", "MB", "GB", "TB", "PB", "EB"], _DECIMAL),
        *_family("byte/s", ["KiB/s", "MiB/s", "GiB/s", "TiB/s", "PiB/s", "EiB/s"], _BINARY),
        *_family("byte/s", ["kB/s", "KB/s", "MB/s", "GB/s", "TB/s", "PB/s", "EB/s"], _DECIMAL),
        Unit("mW", "watt", 1000, inverse=True),
        *_family("watt", ["W", "kW", "MW", "GW"], [1, 10**3, 10**6, 10**9]),
        *_family("hertz", ["MHz", "GHz"], [1000, 1000**3]),
    ]
}
_LONGEST_FIRST = sorted(UNITS, key=len, reverse=True)

_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_GO_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def parse_attribute(text: str) -> DeviceAttribute:
    """``ParseAttribute``: a number with an optional known unit suffix, else bool, else string.

    The unit is looked for only when the last byte is a letter; the longest matching unit name
    wins and is cut off with surrounding white space (``.98   GiB/s``). Bools are tried on the
    whole text (``strconv.ParseBool``), after int and float.
    """
    if not text:
        return DeviceAttribute(string_value=text)
    unit, numeric = "", text
    if chr(text.encode("utf-8", "surrogatepass")[-1]).isalpha():
        unit = next((name for name in _LONGEST_FIRST if text.endswith(name)), "")
        if unit:
            numeric = go_trim_space(text[: -len(unit)])
    integer = parse_int64(numeric)
    if integer is not None:
        return DeviceAttribute(int_value=integer, unit=unit)
    number = parse_float64(numeric)
    if number is not None:
        return DeviceAttribute(float_value=number, unit=unit)
    if text in _GO_TRUE or text in _GO_FALSE:
        return DeviceAttribute(bool_value=text in _GO_TRUE)
    return DeviceAttribute(string_value=text)


def resolve_device_target(target: str, device: NodeDevice) -> tuple[DeviceAttribute | None, bool]:
    """``resolveDeviceTarget``: literals are parsed; ``${device.*}`` read the device group."""
    if not target.startswith("${"):
        return parse_attribute(target), True
    if target == "${device.ids}":
        return DeviceAttribute(string_value=",".join(i.id for i in device.instances)), True
    if target == "${device.model}":
        return DeviceAttribute(string_value=device.name), True
    if target == "${device.vendor}":
        return DeviceAttribute(string_value=device.vendor), True
    if target == "${device.type}":
        return DeviceAttribute(string_value=device.type), True
    if target.startswith("${device.attr."):
        key = target[len("${device.attr.") :]
        key = key[:-1] if key.endswith("}") else key
        value = device.attributes.get(key)
        return value, value is not None
    return None, False


# --- Attribute.Compare -------------------------------------------------------------------

_INT64_SPAN = 1 << 64
_BIG_FLOAT_PREC = 256


def _wrap_int64(value: int) -> int:
    """Go int64 arithmetic wraps around on overflow."""
    return (value + (1 << 63)) % _INT64_SPAN - (1 << 63)


def _round_prec(value: Fraction) -> Fraction:
    """Round to a 256-bit mantissa, half to even, as ``big.Float`` with ``SetPrec(256)`` does."""
    if value == 0:
        return value
    num, den = abs(value.numerator), value.denominator
    shift = _BIG_FLOAT_PREC - 1 - (num.bit_length() - den.bit_length())
    scaled_num, scaled_den = (num << shift, den) if shift >= 0 else (num, den << -shift)
    if scaled_num < scaled_den << (_BIG_FLOAT_PREC - 1):
        shift += 1
        scaled_num <<= 1
    quotient, rest = divmod(scaled_num, scaled_den)
    if 2 * rest > scaled_den or (2 * rest == scaled_den and quotient & 1):
        quotient += 1
    rounded = Fraction(quotient, 1 << shift) if shift >= 0 else Fraction(quotient << -shift)
    return rounded if value > 0 else -rounded


def _big_float(attr: DeviceAttribute, unit: Unit | None) -> Fraction | None:
    """``getBigFloat``: the value in its base unit, with big.Float's 256-bit rounding."""
    if attr.int_value is not None:
        value = Fraction(attr.int_value)
    elif attr.float_value is not None and math.isfinite(attr.float_value):
        value = Fraction(attr.float_value)
    else:
        return None
    if unit is None:
        return value
    multiplier = _round_prec(Fraction(1, unit.multiplier)) if unit.inverse else unit.multiplier
    return _round_prec(value * multiplier)


def _int_in_base(value: int, unit: Unit | None) -> int:
    """``getInt``: int64 multiply (wrapping) or truncating divide for an inverse unit."""
    if unit is None:
        return value
    if unit.inverse:
        quotient = abs(value) // unit.multiplier
        return quotient if value >= 0 else -quotient
    return _wrap_int64(value * unit.multiplier)


def _float_order(left: float, right: float) -> int:
    return (left > right) - (left < right)


def compare_attributes(left: DeviceAttribute, right: DeviceAttribute) -> int | None:
    """``Attribute.Compare``: -1/0/1, or ``None`` when the two are not comparable.

    Bools compare as 0 (equal) or 1 (different), so ``>`` and ``>=`` hold for any two bools
    and ``<`` never does: Nomad's behaviour, kept.
    """
    left_unit, right_unit = UNITS.get(left.unit), UNITS.get(right.unit)
    if (left_unit is None) != (right_unit is None):
        return None
    if left_unit is not None and right_unit is not None and left_unit.base != right_unit.base:
        return None
    if left_unit is None:
        if left.string_value is not None and right.string_value is None:
            return None
        if left.bool_value is not None and right.bool_value is None:
            return None
    if left.bool_value is not None:
        return 0 if left.bool_value == right.bool_value else 1
    if left.string_value is not None:
        if right.string_value is None:
            return None
        return (left.string_value > right.string_value) - (left.string_value < right.string_value)
    if left.int_value is None and left.float_value is None:
        return None
    if left.int_value is not None and right.int_value is not None:
        mine = _int_in_base(left.int_value, left_unit)
        theirs = _int_in_base(right.int_value, right_unit)
        return (mine > theirs) - (mine < theirs)
    return _compare_floats(left, right, left_unit, right_unit)


def _compare_floats(
    left: DeviceAttribute, right: DeviceAttribute, left_unit: Unit | None, right_unit: Unit | None
) -> int | None:
    mine, theirs = _big_float(left, left_unit), _big_float(right, right_unit)
    if mine is not None and theirs is not None:
        return (mine > theirs) - (mine < theirs)
    # big.Float cannot hold NaN (SetFloat64 panics in Go); infinities still order.
    mine_value, their_value = (
        a.float_value if a.int_value is None else a.int_value for a in (left, right)
    )
    if mine_value is None or their_value is None:
        return None
    if math.isnan(mine_value) or math.isnan(their_value):
        return None
    return _float_order(float(mine_value), float(their_value))


# --- checkAttributeConstraint --------------------------------------------------------------

_ORDER_RESULTS = {
    "=": lambda v: v == 0,
    "==": lambda v: v == 0,
    "is": lambda v: v == 0,
    "<": lambda v: v == -1,
    "<=": lambda v: v != 1,
    ">": lambda v: v == 1,
    ">=": lambda v: v != -1,
}


def _string(attr: DeviceAttribute | None) -> str | None:
    return None if attr is None else attr.string_value


def _version_lhs(attr: DeviceAttribute | None) -> Any:
    if attr is None:
        return None
    return attr.string_value if attr.string_value is not None else attr.int_value


def check_attribute_constraint(
    operand: str,
    lval: DeviceAttribute | None,
    rval: DeviceAttribute | None,
    lfound: bool = True,
    rfound: bool = True,
) -> bool:
    """Nomad's ``checkAttributeConstraint`` for one device constraint."""
    if operand in ("distinct_hosts", "distinct_property"):
        return True
    if operand in ("!=", "not"):
        if not (lfound or rfound):
            return False
        if lfound != rfound:
            return True
        order = _compare(lval, rval)
        return order is not None and order != 0
    if operand in _ORDER_RESULTS:
        order = _compare(lval, rval) if lfound and rfound else None
        return order is not None and _ORDER_RESULTS[operand](order)
    if operand == "is_set":
        return lfound
    if operand == "is_not_set":
        return not lfound
    if not (lfound and rfound):
        return False
    if operand in ("version", "semver"):
        return version_match(_version_lhs(lval), _string(rval), semver=operand == "semver")
    if operand == "regexp":
        return regexp_match(_string(lval), _string(rval))
    if operand in ("set_contains", "set_contains_all"):
        return set_contains_all(_string(lval), _string(rval))
    if operand == "set_contains_any":
        return set_contains_any(_string(lval), _string(rval))
    return False


def _compare(lval: DeviceAttribute | None, rval: DeviceAttribute | None) -> int | None:
    if lval is None or rval is None:
        return None
    return compare_attributes(lval, rval)


def device_satisfies(device: NodeDevice, constraint: Constraint) -> bool:
    """One constraint of a ``device`` block against one device group (``nodeDeviceMatches``)."""
    lval, lfound = resolve_device_target(constraint.l_target, device)
    rval, rfound = resolve_device_target(constraint.r_target, device)
    return check_attribute_constraint(constraint.operand, lval, rval, lfound, rfound)
