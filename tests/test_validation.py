"""validate_constraint / validate_affinity / validate_spread: Nomad's messages, Nomad's order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Affinity, Constraint, Spread
from sim import validate_constraint
from sim.core.validation import validate_affinity, validate_attribute, validate_spread

TABLES = json.loads(
    (Path(__file__).parent / "conformance" / "nomad_structs_validate_test.json").read_text()
)


def _c(ltarget: str, operand: str, rtarget: str = "") -> Constraint:
    return Constraint.model_validate({"LTarget": ltarget, "RTarget": rtarget, "Operand": operand})


@pytest.mark.parametrize(
    ("constraint", "errors"),
    [
        (_c("${attr.kernel.name}", "=", "linux"), []),
        (_c("${attr.kernel.name}", "=", ""), ['Operator "=" requires an RTarget']),
        (_c("${attr.a}", "<", ""), ['Operator "<" requires an RTarget']),
        (_c("${attr.a}", "is_set"), []),
        (_c("${attr.a}", "is_not_set", "x"), ['Operator "is_not_set" does not support an RTarget']),
        (_c("${attr.a}", "set_contains_any"), ["Set contains constraint requires an RTarget"]),
        (_c("${attr.a}", "regexp", ""), []),  # the empty pattern compiles
        (
            _c("${attr.a}", "regexp", "a**"),
            [
                "Regular expression failed to compile: error parsing regexp: "
                "invalid nested repetition operator: `**`"
            ],
        ),
        (
            _c("${attr.a}", "regexp", "(a)\\1"),
            [
                "Regular expression failed to compile: error parsing regexp: "
                "invalid escape sequence: `\\1`"
            ],
        ),
        (_c("${attr.a}", "version", ">= 1.0, < 2"), []),
        (_c("${attr.a}", "version", "~> 1.0"), []),
        (_c("${attr.a}", "version", ""), ["Version constraint is invalid: malformed constraint: "]),
        (
            _c("${attr.a}", "semver", "~> 1.0"),
            ["Semver constraint is invalid: Malformed constraint: ~> 1.0"],
        ),
        (
            _c("${attr.a}", "version", "99999999999999999999"),
            [
                "Version constraint is invalid: error parsing version: strconv.ParseInt: "
                'parsing "99999999999999999999": value out of range'
            ],
        ),
        (_c("${meta.rack}", "distinct_property"), []),
        (_c("${meta.rack}", "distinct_property", "2"), []),
        (
            _c("${meta.rack}", "distinct_property", "+1"),
            [
                'Failed to convert RTarget "+1" to uint64: '
                'strconv.ParseUint: parsing "+1": invalid syntax'
            ],
        ),
        (
            _c("${meta.rack}", "distinct_property", "18446744073709551616"),
            [
                'Failed to convert RTarget "18446744073709551616" to uint64: strconv.ParseUint: '
                'parsing "18446744073709551616": value out of range'
            ],
        ),
        (_c("", "distinct_property", "1"), ["no attribute provided but is required by operator"]),
        (_c("", "distinct_hosts", "anything"), []),
        (_c("", "=", "x"), ["no attribute provided but is required by operator"]),
        (_c("${node.region}", "=", "us"), ['unsupported attribute "${node.region}"']),
        (_c("${node.pool.}", "=", "x"), ['unsupported attribute "${node.pool.}"']),
        (_c("${}", "=", "x"), ['unsupported attribute "${}"']),
        (
            _c("${attr.kernel.name", "=", "x"),
            ['attribute "${attr.kernel.name" is missing a closing brace'],
        ),
        (_c("$attr.x", "=", "x"), ['attribute "$attr.x" is missing an opening brace']),
        (_c("${device.model}", "=", "x"), []),  # passes validation; never resolves on a node
        (_c("${attr.a}", "=", "${node.region}"), []),  # RTarget is never validated
        (_c("literal", "=", "x"), []),
        (_c("${attr.a}", "near", "x"), ['Unknown constraint type "near"']),
        (
            _c("", "", ""),
            [
                "Missing constraint operand",
                'Unknown constraint type ""',
                "no attribute provided but is required by operator",
            ],
        ),
        (
            _c("${node.region}", "is_set", "x"),
            [
                'Operator "is_set" does not support an RTarget',
                'unsupported attribute "${node.region}"',
            ],
        ),
        (_c("$\t", "=", "x"), ['attribute "$\\t" is missing an opening brace']),  # Go %q
    ],
)
def test_validate_constraint(constraint: Constraint, errors: list[str]) -> None:
    assert validate_constraint(constraint) == errors


@pytest.mark.parametrize(
    "target",
    [
        "${node.unique.id}",
        "${node.datacenter}",
        "${node.unique.name}",
        "${node.class}",
        "${node.pool}",
        "${attr.x}",
        "${meta.x}",
        "${device.attr.x}",
        "plain",
        "",
    ],
)
def test_valid_attributes(target: str) -> None:
    assert validate_attribute(target) is None


@pytest.mark.parametrize("case", TABLES["TestAffinity_Validate"]["cases"])
def test_affinity_table(case: dict[str, object]) -> None:
    errors = validate_affinity(Affinity.model_validate(case["affinity"]))
    assert any(str(case["contains"]) in e for e in errors), errors


@pytest.mark.parametrize(
    ("affinity", "errors"),
    [
        ({"LTarget": "${node.class}", "RTarget": "a", "Operand": "=", "Weight": 50}, []),
        ({"LTarget": "${node.class}", "RTarget": "a", "Operand": "=", "Weight": -100}, []),
        (
            {"LTarget": "${attr.a}", "Operand": "is_set", "Weight": 50},
            ['Unknown affinity operator "is_set"'],
        ),
        (
            {"LTarget": "${attr.a}", "Operand": "distinct_hosts", "Weight": 50},
            ['Unknown affinity operator "distinct_hosts"'],
        ),
        (
            {"LTarget": "${attr.a}", "Operand": "set_contains", "Weight": 50},
            ["Set contains operators require an RTarget"],
        ),
        (
            {"LTarget": "${attr.a}", "RTarget": "~> 1", "Operand": "semver", "Weight": 50},
            ["Semver affinity is invalid: Malformed constraint: ~> 1"],
        ),
        (
            {"LTarget": "", "RTarget": "x", "Operand": "=", "Weight": 101},
            [
                "No LTarget provided but is required",
                "Affinity weight must be within the range [-100,100]",
            ],
        ),
    ],
)
def test_validate_affinity(affinity: dict[str, object], errors: list[str]) -> None:
    assert validate_affinity(Affinity.model_validate(affinity)) == errors


@pytest.mark.parametrize(
    ("spread", "errors"),
    [
        ({"Attribute": "${node.datacenter}", "Weight": 100}, []),
        (
            {"Attribute": "", "Weight": 0},
            ["Missing spread attribute", "Spread block must have a positive weight from 0 to 100"],
        ),
        (
            {
                "Attribute": "${node.datacenter}",
                "Weight": 50,
                "SpreadTarget": [
                    {"Value": "dc1", "Percent": 70},
                    {"Value": "dc1", "Percent": 20},
                    {"Value": "dc2", "Percent": 101},
                ],
            },
            [
                'Spread target value "dc1" already defined',
                'Spread target percentage for value "dc2" must be between 0 and 100',
                "Sum of spread target percentages must not be greater than 100%; got 191%",
            ],
        ),
    ],
)
def test_validate_spread(spread: dict[str, object], errors: list[str]) -> None:
    assert validate_spread(Spread.model_validate(spread)) == errors


@given(
    st.text(),
    st.text(),
    st.sampled_from(
        [
            "=",
            "!=",
            "<",
            "regexp",
            "version",
            "semver",
            "set_contains",
            "is_set",
            "distinct_property",
            "x",
        ]
    ),
)
def test_validation_never_raises(ltarget: str, rtarget: str, operand: str) -> None:
    errors = validate_constraint(_c(ltarget, operand, rtarget))
    assert all(isinstance(e, str) and e for e in errors)
