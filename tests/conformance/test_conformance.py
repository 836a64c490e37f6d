"""Nomad's and go-version's own test tables, run against the public API only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models import Constraint, Job, Node
from sim import (
    check_constraint,
    node_satisfies,
    resolve_target,
    validate_constraint,
    validate_job,
)
from sim.placement import limit_options, max_score_option

HERE = Path(__file__).parent
FEASIBLE = json.loads((HERE / "nomad_feasible_test.json").read_text())
GO_VERSION = json.loads((HERE / "go_version_test.json").read_text())
SEMVER = json.loads((HERE / "nomad_semver_test.json").read_text())
VALIDATE = json.loads((HERE / "nomad_structs_validate_test.json").read_text())

# A version no table uses, so "!= it" is true exactly when NewVersion accepts the value.
UNUSED_VERSION = "999999.0.0"


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(case, ensure_ascii=False)[:80] for case in cases]


def _mock_node(patch: dict[str, Any] | None = None) -> Node:
    data = json.loads(json.dumps(FEASIBLE["mock_node"]))
    for key, value in (patch or {}).items():
        if isinstance(value, dict):
            data[key].update(value)
        else:
            data[key] = value
    return Node.model_validate(data)


@pytest.mark.parametrize("case", FEASIBLE["TestResolveConstraintTarget"], ids=_ids)
def test_resolve_constraint_target(case: dict[str, Any]) -> None:
    value, found = resolve_target(case["target"], _mock_node())
    assert found is case["result"]
    assert value == case["val"]


@pytest.mark.parametrize(
    "node_case", FEASIBLE["TestConstraintChecker"]["nodes"], ids=lambda c: json.dumps(c["patch"])
)
def test_constraint_checker(node_case: dict[str, Any]) -> None:
    node = _mock_node(node_case["patch"])
    table = FEASIBLE["TestConstraintChecker"]["constraints"]
    constraints = [Constraint.model_validate(c) for c in table]
    assert all(node_satisfies(node, c) for c in constraints) is node_case["result"]


@pytest.mark.parametrize("case", FEASIBLE["TestCheckConstraint"]["cases"], ids=_ids)
def test_check_constraint(case: dict[str, Any]) -> None:
    lval, rval = case["lval"], case["rval"]
    result = check_constraint(case["op"], lval, rval, lval is not None, rval is not None)
    assert result is case["result"]


@pytest.mark.parametrize(
    "case",
    FEASIBLE["TestCheckOrder"]["cases"]
    + FEASIBLE["TestCheckVersionConstraint"]["cases"]
    + FEASIBLE["TestCheckSemverConstraint"]["cases"]
    + FEASIBLE["TestCheckRegexpConstraint"]["cases"],
    ids=_ids,
)
def test_operator_helpers(case: dict[str, Any]) -> None:
    assert check_constraint(case["op"], case["lval"], case["rval"]) is case["result"]


@pytest.mark.parametrize("case", GO_VERSION["TestConstraintCheck"], ids=_ids)
def test_go_version_constraint_check(case: dict[str, Any]) -> None:
    assert check_constraint("version", case["version"], case["constraint"]) is case["check"]


@pytest.mark.parametrize("case", SEMVER["TestConstraintCheck"], ids=_ids)
def test_semver_constraint_check(case: dict[str, Any]) -> None:
    assert check_constraint("semver", case["version"], case["constraint"]) is case["check"]


def _constraint_errors(operand: str, rtarget: str) -> list[str]:
    return validate_constraint(
        Constraint.model_validate({"LTarget": "${attr.v}", "RTarget": rtarget, "Operand": operand})
    )


@pytest.mark.parametrize("case", GO_VERSION["TestNewConstraint"], ids=_ids)
def test_go_version_new_constraint(case: dict[str, Any]) -> None:
    errors = _constraint_errors("version", case["input"])
    assert bool(errors) is case["err"]
    assert all(e.startswith("Version constraint is invalid: ") for e in errors)


@pytest.mark.parametrize("case", SEMVER["TestNewConstraint"], ids=_ids)
def test_semver_new_constraint(case: dict[str, Any]) -> None:
    errors = _constraint_errors("semver", case["input"])
    assert bool(errors) is case["err"]
    assert all(e.startswith("Semver constraint is invalid: ") for e in errors)


@pytest.mark.parametrize("case", GO_VERSION["TestNewVersion"], ids=_ids)
def test_go_version_new_version(case: dict[str, Any]) -> None:
    accepted = check_constraint("version", case["version"], f"!= {UNUSED_VERSION}")
    assert accepted is not case["err"]


@pytest.mark.parametrize(
    "case", GO_VERSION["TestVersionCompare"] + GO_VERSION["TestComparePreReleases"], ids=_ids
)
def test_go_version_compare(case: dict[str, Any]) -> None:
    v1, v2, expected = case["v1"], case["v2"], case["expected"]
    # "=" and "!=" carry no prerelease check: they are Compare(...) == 0 exactly.
    assert check_constraint("version", v1, f"= {v2}") is (expected == 0)
    # The semver operator is plain Compare, when the bound is strict semver.
    if not _constraint_errors("semver", f"> {v2}"):
        assert check_constraint("semver", v1, f"> {v2}") is (expected == 1)
        assert check_constraint("semver", v1, f"< {v2}") is (expected == -1)


@pytest.mark.parametrize("case", VALIDATE["cases"], ids=_ids)
def test_constraint_validate(case: dict[str, Any]) -> None:
    errors = validate_constraint(Constraint.model_validate(case["constraint"]))
    for fragment in case.get("contains", []):
        assert any(fragment in e for e in errors), (fragment, errors)
    if "errors" in case:
        assert errors == case["errors"]


JOB_VALIDATE = VALIDATE["job_validate"]


def _patched(base: Any, patch: Any) -> Any:
    """The table's deep merge: objects key by key, lists of objects element by element."""
    if isinstance(base, dict) and isinstance(patch, dict):
        return {**base, **{k: _patched(base.get(k), v) for k, v in patch.items()}}
    if isinstance(base, list) and isinstance(patch, list):
        return [_patched(base[i] if i < len(base) else None, v) for i, v in enumerate(patch)]
    return patch


@pytest.mark.parametrize(
    "case", JOB_VALIDATE["cases"], ids=[f"{c['test']}:{c['name']}" for c in JOB_VALIDATE["cases"]]
)
def test_job_validate(case: dict[str, Any]) -> None:
    job = Job.model_validate(_patched(JOB_VALIDATE["base"], case["job"]))
    problems = "\n".join(str(p) for p in validate_job(job))
    if case.get("valid"):
        assert problems == ""
    for text in case.get("contains", []):
        assert text in problems


SELECT = json.loads((HERE / "nomad_select_test.json").read_text())


def _first_highest(scores: list[float], returned: list[int]) -> int | None:
    """``MaxScoreIterator``: the first returned option of the highest score."""
    best = None
    for i in returned:
        if best is None or scores[i] > scores[best]:
            best = i
    return best


def test_limit_iterator() -> None:
    case = SELECT["TestLimitIterator"]
    args = (case["scores"], case["limit"], case["max_skip"], case["threshold"])
    assert limit_options(*args) == case["expected"]
    assert max_score_option(*args) == _first_highest(case["scores"], case["expected"])


@pytest.mark.parametrize(
    "case", SELECT["TestLimitIterator_ScoreThreshold"], ids=lambda c: c["desc"]
)
def test_limit_iterator_score_threshold(case: dict[str, Any]) -> None:
    run = SELECT["run"]
    args = (case["scores"], run["limit"], run["max_skip"], run["threshold"])
    assert limit_options(*args) == case["expected"]
    # One Select's MaxScoreIterator over the same LimitIterator keeps the first highest.
    assert max_score_option(*args) == _first_highest(case["scores"], case["expected"])


def test_max_score_iterator() -> None:
    case = SELECT["TestMaxScoreIterator"]
    scores = case["scores"]
    assert max_score_option(scores, len(scores)) == case["expected"]
