"""Device-block constraints: ParseAttribute, unit-aware Compare, checkAttributeConstraint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Constraint, DeviceAttribute, Node, NodeDevice
from sim.core.device_constraints import (
    UNITS,
    check_attribute_constraint,
    compare_attributes,
    device_satisfies,
    parse_attribute,
    resolve_device_target,
)

HERE = Path(__file__).parent
TABLES = json.loads((HERE / "conformance" / "nomad_device_test.json").read_text())
REAL_NODE = HERE.parents[0].parent / "shared" / "fixtures" / "real" / "nodes"


def _typed(attr: DeviceAttribute) -> tuple[Any, str]:
    return attr.value, attr.unit


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("4 GiB", 4, "GiB"),
        ("1320.5 MB", 1320.5, "MB"),
        (".98   GiB/s", 0.98, "GiB/s"),
        ("800MHz", 800, "MHz"),
        ("5 kW", 5, "kW"),  # longest unit wins over "W"
        ("3mW", 3, "mW"),
        ("1e3MB", 1000.0, "MB"),
        ("-2 KiB", -2, "KiB"),
        ("10", 10, ""),
        ("1.5", 1.5, ""),
        ("0x1p4", 16.0, ""),
        ("true", True, ""),
        ("t", True, ""),
        ("False", False, ""),
        ("1", 1, ""),  # an int before a bool
        ("MB", "MB", ""),  # a unit alone is a string
        ("5 min", "5 min", ""),  # unknown unit: the whole text is a string
        ("5 mb", "5 mb", ""),  # units are case-sensitive
        (" 5", " 5", ""),  # no unit, so no trimming: a string
        ("5 B", "5 B", ""),  # there is no plain byte unit
        ("", "", ""),
        ("nvidia", "nvidia", ""),
    ],
)
def test_parse_attribute(text: str, value: Any, unit: str) -> None:
    parsed = parse_attribute(text)
    assert _typed(parsed) == (value, unit)
    assert type(parsed.value) is type(value)


def test_unit_table() -> None:
    assert UNITS["MHz"].multiplier == 1000  # Nomad's table, not 10**6
    assert UNITS["GHz"].multiplier == 10**9
    assert UNITS["kB"].multiplier == UNITS["KB"].multiplier == 1000
    assert UNITS["EiB/s"].multiplier == 1 << 60
    assert UNITS["mW"].inverse and UNITS["mW"].base == "watt"
    assert len(UNITS) == 6 + 7 + 6 + 7 + 5 + 2


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("4 GiB", "1320.5 MB", 1),
        ("995 MiB/s", ".98 GiB/s", -1),
        ("1 GiB", "1024 MiB", 0),
        ("1 kB", "1 KB", 0),
        ("1 GB", "1000 MB", 0),
        ("1 GHz", "1000000 MHz", 0),  # MHz = 10^3 in Nomad
        ("1000 mW", "1 W", 0),
        ("1000.0 mW", "1 W", 0),
        ("1 mW", "2 mW", 0),  # integer division by 1000 truncates both to 0
        ("1.0 mW", "2 mW", -1),  # a float side goes through big.Float
        ("16 EiB", "1 KiB", -1),  # 16 * 2^60 wraps around int64 to 0
        ("1 GiB", "1 GiB/s", None),  # different bases
        ("1 GiB", "1", None),  # a unit on one side only
        ("5", "5.0", 0),
        ("5", "abc", None),
        ("abc", "abd", -1),
        ("b", "B", 1),
        ("true", "true", 0),
        ("true", "false", 1),  # bools compare as "different", never -1
        ("false", "true", 1),
        ("true", "1", None),  # "1" is an int, not a bool
    ],
)
def test_compare(left: str, right: str, expected: int | None) -> None:
    assert compare_attributes(parse_attribute(left), parse_attribute(right)) == expected


@pytest.mark.parametrize(
    ("operand", "left", "right", "expected"),
    [
        (">", "4 GiB", "1320.5 MB", True),
        ("<=", "995 MiB/s", ".98 GiB/s", True),
        ("=", "800 MHz", "800MHz", True),
        ("<", "1 GiB", "2", False),  # unit on one side: not comparable
        ("!=", "1 GiB", "2", False),  # ... and != is false too
        ("!=", "1 GiB", "1 GiB/s", False),
        ("!=", "1 GiB", "2 GiB", True),
        ("=", "true", "true", True),
        ("<", "true", "false", False),
        (">", "true", "false", True),  # Nomad's bool Compare returns 1 for "different"
        (">=", "false", "true", True),
        ("<=", "false", "true", False),
        ("regexp", "10", "1", False),  # regexp needs strings: "10" parsed as an int
        ("regexp", "abc", "^a", True),
        ("set_contains", "5", "5", False),
        ("set_contains_any", "a,b", "b", True),
        ("version", "12", ">= 3", True),  # an int LHS is formatted in decimal
        ("version", "1.2.3", "~> 1.0", True),
        ("semver", "1.2.3", "~> 1.0", False),
        ("is_set", "x", "", True),
        ("distinct_hosts", "x", "y", True),
        ("near", "x", "x", False),
    ],
)
def test_check_literals(operand: str, left: str, right: str, expected: bool) -> None:
    result = check_attribute_constraint(operand, parse_attribute(left), parse_attribute(right))
    assert result is expected


@pytest.mark.parametrize(
    ("operand", "lfound", "rfound", "expected"),
    [
        ("!=", False, False, False),
        ("!=", True, False, True),
        ("!=", False, True, True),
        ("=", False, True, False),
        ("<", True, False, False),
        ("is_set", False, True, False),
        ("is_not_set", False, True, True),
        ("regexp", True, False, False),
        ("version", False, True, False),
    ],
)
def test_found_flags(operand: str, lfound: bool, rfound: bool, expected: bool) -> None:
    lval = parse_attribute("a") if lfound else None
    rval = parse_attribute("a") if rfound else None
    assert check_attribute_constraint(operand, lval, rval, lfound, rfound) is expected


DEVICE = NodeDevice.model_validate(TABLES["TestDeviceChecker"]["device"])


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("${device.model}", ("1080ti", True)),
        ("${device.vendor}", ("nvidia", True)),
        ("${device.type}", ("gpu", True)),
        (
            "${device.ids}",
            ("11111111-0000-4000-8000-000000000001,11111111-0000-4000-8000-000000000002", True),
        ),
        ("${device.attr.memory}", (4, True)),
        ("${device.attr.memory", (4, True)),  # one trailing brace trimmed, like node targets
        ("${device.attr.missing}", (None, False)),
        ("${attr.kernel.name}", (None, False)),
        ("${device.name}", (None, False)),
        ("4 GiB", (4, True)),
    ],
)
def test_resolve_device_target(target: str, expected: tuple[Any, bool]) -> None:
    value, found = resolve_device_target(target, DEVICE)
    assert (None if value is None else value.value, found) == expected


@pytest.mark.parametrize("case", TABLES["TestCheckAttributeConstraint"]["cases"])
def test_nomad_check_attribute_constraint(case: dict[str, Any]) -> None:
    lval = None if case["lval"] is None else DeviceAttribute.model_validate(case["lval"])
    rval = None if case["rval"] is None else DeviceAttribute.model_validate(case["rval"])
    result = check_attribute_constraint(case["op"], lval, rval, lval is not None, rval is not None)
    assert result is case["result"]


@pytest.mark.parametrize("case", TABLES["TestDeviceChecker"]["cases"], ids=lambda c: c["name"])
def test_nomad_device_checker_constraints(case: dict[str, Any]) -> None:
    constraints = [Constraint.model_validate(c) for c in case["constraints"]]
    assert all(device_satisfies(DEVICE, c) for c in constraints) is case["result"]


@pytest.mark.skipif(not REAL_NODE.exists(), reason="shared fixtures not present")
def test_real_node_devices() -> None:
    data = json.loads((REAL_NODE / "api-node-read.sample.json").read_text())
    device = Node.model_validate(data).node_resources.devices[0]
    checks = {
        ("${device.attr.attrA}", ">=", "1 GB"): True,  # 1024 MB
        ("${device.attr.attrA}", "<", "1 GiB"): True,
        ("${device.attr.attrB}", ">", "10000 kW"): True,  # 10.5 MW
        ("${device.attr.attrB}", "=", "10.5 MW"): True,
        ("${device.attr.attrB}", "=", "10.5"): False,  # unit on one side
        ("${device.vendor}", "=", "hashicorp"): True,
        ("${device.model}", "regexp", "^model[AB]$"): True,
    }
    for (ltarget, operand, rtarget), expected in checks.items():
        constraint = Constraint(LTarget=ltarget, RTarget=rtarget, Operand=operand)
        assert device_satisfies(device, constraint) is expected, constraint


@given(st.text(max_size=12))
def test_parse_attribute_never_raises(text: str) -> None:
    parsed = parse_attribute(text)
    assert parsed.value is not None


numbers = st.builds(
    lambda n, unit: f"{n}{unit}",
    st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from(["", " MB", " MiB", "GiB", " kB", " mW", " W", " kW"]),
)


@given(numbers, numbers)
def test_compare_is_antisymmetric_for_byte_and_watt_units(left: str, right: str) -> None:
    a, b = parse_attribute(left), parse_attribute(right)
    forward, backward = compare_attributes(a, b), compare_attributes(b, a)
    assert (forward is None) is (backward is None)
    if forward is not None and backward is not None:
        assert forward == -backward
