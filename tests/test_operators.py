"""check_constraint and node_satisfies: one table per operator family, then properties."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Constraint, Node
from sim import check_constraint, node_satisfies
from sim.core.operators import GO_SPACE, go_trim_space, parse_float64, regexp_error

# --- equality and found flags ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operand", "lval", "rval", "lfound", "rfound", "expected"),
    [
        ("=", "linux", "linux", True, True, True),
        ("=", "Linux", "linux", True, True, False),  # case-sensitive
        ("=", "1", "1.0", True, True, False),  # never numeric
        ("=", "", "", False, True, False),  # needs both found
        ("==", "a", "a", True, True, True),
        ("is", "a", "a", True, True, True),
        ("!=", "", "linux", False, True, True),  # missing attribute passes !=
        ("!=", "", "", False, False, False),  # missing != missing: "" equals ""
        ("not", "", "linux", False, True, True),
        ("!=", "linux", "linux", True, True, False),
        ("=", 1, "1", True, True, False),  # DeepEqual needs the same type
        ("=", 1, 1, True, True, True),
        ("!=", True, 1, True, True, True),  # a Go bool is not an int
        ("is_set", "", "", True, False, True),  # set with "" is set
        ("is_set", "", "", False, True, False),
        ("is_not_set", "", "", False, True, True),
        ("is_not_set", "x", "", True, True, False),
        ("distinct_hosts", "", "", False, False, True),
        ("distinct_property", "", "", False, False, True),
        ("near", "a", "a", True, True, False),  # unknown operand
        ("", "a", "a", True, True, False),
        ("EQ", "a", "a", True, True, False),
    ],
)
def test_equality_and_found(
    operand: str, lval: object, rval: object, lfound: bool, rfound: bool, expected: bool
) -> None:
    assert check_constraint(operand, lval, rval, lfound, rfound) is expected


# --- ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lval", "operand", "rval", "expected"),
    [
        ("5.6", ">", "5.10", True),  # floats, not versions
        ("10", ">", "9", True),  # ints
        ("10", ">", "9.5", True),  # mixed pair: float
        ("10", ">", "9a", False),  # mixed pair: lexical, '1' < '9'
        ("1", ">", "foo", False),
        ("B", "<", "a", True),  # uppercase sorts first
        (" 10", ">", "9", False),  # Go ints/floats take no whitespace: lexical ' ' < '9'
        ("10 ", ">", "9", False),
        ("1_000", ">", "999", True),  # ParseFloat accepts '_' between digits
        ("1__000", ">", "999", False),  # ...but not doubled: lexical
        ("_1000", ">", "999", True),  # not a number: lexical, '_' > '9'
        ("0x1p4", ">", "15", True),  # hex float = 16
        ("0x1p4", "<", "17", True),
        ("0x10", ">", "9", False),  # hex without p exponent is not a float: lexical
        ("0X1.8P1", "=", "3", False),  # '=' never parses numbers
        ("0X1.8P1", "<=", "3", True),
        ("0X1.8P1", ">=", "3", True),
        ("inf", ">", "1e308", True),
        ("-Infinity", "<", "-1e308", True),
        ("NaN", "<", "1", False),  # NaN orders nothing
        ("NaN", ">=", "1", False),
        ("nan", "<=", "nan", False),
        ("+nan", "<", "1", True),  # a signed NaN is not a float: lexical, '+' < '1'
        ("1e400", ">", "2", False),  # overflow is an error -> lexical '1' < '2'
        ("1e-400", "<", "1", True),  # underflow is fine: 0 < 1
        ("9223372036854775807", ">", "9223372036854775806", True),  # int64
        ("9223372036854775808", ">", "9223372036854775807", False),  # float64: equal
        ("99999999999999999999", "<=", "99999999999999999998", True),  # equal as float64
        ("-5", "<", "+3", True),
        ("007", "=", "7", False),
        ("007", ">=", "7", True),
        ("", "<", "a", True),
        ("é", ">", "z", True),  # UTF-8 byte order
    ],
)
def test_ordering(lval: str, operand: str, rval: str, expected: bool) -> None:
    assert check_constraint(operand, lval, rval) is expected


@pytest.mark.parametrize("operand", ["<", "<=", ">", ">="])
def test_ordering_needs_found_and_strings(operand: str) -> None:
    assert check_constraint(operand, "1", "2", False, True) is False
    assert check_constraint(operand, "1", "2", True, False) is False
    assert check_constraint(operand, 1, 2) is False
    assert check_constraint(operand, None, "2") is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", 1.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1E+3", 1000.0),
        ("0x1p-2", 0.25),
        ("0x.8p1", 1.0),
        ("0x_1p4", 16.0),
        ("1_000.5", 1000.5),
        ("1e1_0", 1e10),
        ("Inf", math.inf),
        ("-inf", -math.inf),
        ("+INFINITY", math.inf),
        ("-0", -0.0),
        ("1e-400", 0.0),
        ("0x1.fffffffffffffp1023", 1.7976931348623157e308),
        ("1.7976931348623157e308", 1.7976931348623157e308),
    ],
)
def test_parse_float64_accepts(text: str, expected: float) -> None:
    assert parse_float64(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 1",
        "1 ",
        "1_",
        "_1",
        "1__0",
        "1_.5",
        "1._5",
        "0x10",
        "0x",
        "0x1.p",
        "1e",
        "1e+",
        "1e_1",
        "1.5.5",
        "+nan",
        "-nan",
        "infx",
        "infinit",
        "in",
        "++1",
        "1e400",
        "-1e400",
        "0x1p1024",
        "1.8e308",
        "١",
        "0b101",
        "0o7",
        "1,5",
        "1d",
        "1f",
    ],
)
def test_parse_float64_rejects(text: str) -> None:
    assert parse_float64(text) is None


def test_nan_parses_unsigned() -> None:
    value = parse_float64("nAn")
    assert value is not None and math.isnan(value)


# --- regexp ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("foobar", "bar", True),  # unanchored search
        ("foobar", "^bar", False),
        ("linux", "^lin", True),
        ("a\n", "a$", False),  # Go's $ is end of text (Python's would match)
        ("a", "a$", True),
        ("a\n", "a\\n$", True),
        ("ABC", "(?i)abc", True),
        ("aa", "(a)\\1", False),  # backreference: RE2 rejects -> false
        ("ab", "a(?=b)", False),  # lookahead: rejected
        ("ab", "(?<=a)b", False),  # lookbehind: rejected
        ("a", "a\\Z", False),  # \Z is Python-only
        ("a", "a\\z", True),
        ("é", "\\C", False),  # C++ RE2 accepts \C, Go does not
        ("\\C", "\\Q\\C\\E", True),  # quoted \C is literal text
        ("٣", "\\d", False),  # Perl classes are ASCII
        ("x", "(foo", False),  # uncompilable
        ("", "", True),
        ("anything", "", True),
    ],
)
def test_regexp(value: str, pattern: str, expected: bool) -> None:
    assert check_constraint("regexp", value, pattern) is expected


def test_regexp_needs_strings_and_found() -> None:
    assert check_constraint("regexp", 1, "1") is False
    assert check_constraint("regexp", "1", "1", False, True) is False


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(foo", "error parsing regexp: missing closing ): `(foo`"),
        ("foo)", "error parsing regexp: unexpected ): `foo)`"),
        ("[a", "error parsing regexp: missing closing ]: `[a`"),
        ("a**", "error parsing regexp: invalid nested repetition operator: `**`"),
        ("*", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("x{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
        ("(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        ("\\K2.0", "error parsing regexp: invalid escape sequence: `\\K`"),
        ("(a)\\1", "error parsing regexp: invalid escape sequence: `\\1`"),
        ("\\C", "error parsing regexp: invalid escape sequence: `\\C`"),
        ("[z-a]", "error parsing regexp: invalid character class range: `z-a`"),
    ],
)
def test_regexp_errors_in_go_words(pattern: str, message: str) -> None:
    assert regexp_error(pattern) == message


# --- sets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operand", "lval", "rval", "expected"),
    [
        ("set_contains", "a,b,c", "a, b", True),
        ("set_contains", "a,b,c", "a,d", False),
        ("set_contains_all", "a,b,c", "c,a", True),
        ("set_contains", "a,b", "a,", False),  # the empty element is missing on the left
        ("set_contains_any", "a,b", "a,", True),
        ("set_contains", "a,,b", "", True),  # "" is an element of "a,,b"
        ("set_contains", "a,b", "", False),
        ("set_contains_any", "a,b", "", False),
        ("set_contains", "ab,c", "a", False),  # whole elements
        ("set_contains", "A,b", "a", False),  # case-sensitive
        ("set_contains", "a;b", "a", False),  # only ',' separates
        ("set_contains", " a\t,\nb ", "a,b", True),
        ("set_contains", "a\u00a0,b", "a", True),  # NBSP is Go white space
        ("set_contains", "a\u3000", "a", True),
        ("set_contains", "a\x1c,b", "a", False),  # \x1c is not (Python's strip would say so)
        ("set_contains", "a\u200b", "a", False),  # zero-width space is not white space
        ("set_contains_any", "x,y", "z,y", True),
        ("set_contains_any", "x,y", "z,w", False),
    ],
)
def test_sets(operand: str, lval: str, rval: str, expected: bool) -> None:
    assert check_constraint(operand, lval, rval) is expected


def test_sets_need_strings_and_found() -> None:
    assert check_constraint("set_contains", "a", "a", False, True) is False
    assert check_constraint("set_contains_any", "a", "a", True, False) is False
    assert check_constraint("set_contains", 1, "1") is False


def test_trim_space_is_go_not_python() -> None:
    assert go_trim_space("\x1c a \x1f") == "\x1c a \x1f"
    assert go_trim_space("\x85\xa0 a \u2028\u2029") == "a"
    assert go_trim_space("\v\f a") == "a"
    assert "\u180e" not in GO_SPACE


# --- version / semver through check_constraint ------------------------------------------------


@pytest.mark.parametrize(
    ("operand", "lval", "rval", "expected"),
    [
        ("version", "4.15.0-1051-aws", ">= 4.0", False),  # prerelease vs plain bound
        ("semver", "4.15.0-1051-aws", ">= 4.0", True),
        ("version", "1.2.3", "~> 1.0", True),
        ("semver", "1.2.3", "~> 1.0", False),  # no ~> in semver
        ("version", 3, ">= 2", True),  # a Go int LHS is formatted in decimal
        ("version", True, ">= 0", False),  # a bool is not an int
        ("version", "1.2.3", 1, False),  # RHS must be a string
        ("version", "1.2.3", ">= 1.x", False),  # unparsable constraint
        ("version", "not-a-version", ">= 0", False),
        ("version", "1.2.3", ">= 1.0", True),
        ("semver", "1.0beta1", "= 1.0.0-beta1", True),  # LHS is lenient for semver too
        ("version", "v1.2", "= 1.2.0", True),
    ],
)
def test_versions(operand: str, lval: object, rval: object, expected: bool) -> None:
    assert check_constraint(operand, lval, rval) is expected


def test_versions_need_found() -> None:
    assert check_constraint("version", "1.0", ">= 0", False, True) is False
    assert check_constraint("semver", "1.0", ">= 0", True, False) is False


# --- node_satisfies ------------------------------------------------------------------------


def test_node_satisfies_resolves_both_targets() -> None:
    node = Node.model_validate({"Attributes": {"a": "5", "b": "10"}, "Meta": {"os": "linux"}})
    assert node_satisfies(node, Constraint(LTarget="${attr.a}", RTarget="${attr.b}", Operand="<"))
    assert node_satisfies(node, Constraint(LTarget="${meta.os}", RTarget="linux", Operand="="))
    assert node_satisfies(node, Constraint(LTarget="${attr.nope}", RTarget="x", Operand="!="))
    assert not node_satisfies(node, Constraint(LTarget="${attr.nope}", RTarget="", Operand="="))
    assert node_satisfies(node, Constraint(Operand="distinct_hosts"))


REAL_NODE = Path(__file__).parents[1].parent / "shared" / "fixtures" / "real" / "nodes"


@pytest.mark.skipif(not REAL_NODE.exists(), reason="shared fixtures not present")
@pytest.mark.parametrize(
    ("ltarget", "operand", "rtarget", "expected"),
    [
        ("${attr.kernel.name}", "=", "linux", True),
        ("${attr.kernel.name}", "!=", "windows", True),
        ("${attr.driver.docker.os_type}", "=", "linux", True),
        ("${attr.driver.docker.os_type}", "=", "windows", False),
        ("${attr.nomad.version}", "version", ">= 1.0.0", True),
        ("${attr.nomad.version}", "version", "~> 1.1", True),
        ("${attr.nomad.version}", "semver", ">= 1.1.0, < 1.2", True),
        ("${attr.nomad.version}", "version", "< 1.0", False),
        ("${attr.kernel.version}", "version", ">= 4.19", True),
        ("${attr.cpu.numcores}", ">=", "8", True),
        ("${attr.memory.totalbytes}", ">", "16000000000", True),
        ("${attr.driver.docker}", "is_set", "", True),
        ("${attr.driver.podman}", "is_not_set", "", True),
        ("${attr.os.signals}", "set_contains", "SIGTERM,SIGKILL", True),
        ("${meta.connect.log_level}", "=", "info", True),
        ("${meta.connect.sidecar_image}", "regexp", "^envoyproxy/envoy:v1\\.11", True),
        ("${meta.missing}", "!=", "x", True),
        ("${node.class}", "=", "hashistack", False),
        ("${node.datacenter}", "=", "dc1", True),
        ("${node.unique.name}", "=", "mew", True),
    ],
)
def test_real_node(ltarget: str, operand: str, rtarget: str, expected: bool) -> None:
    data = json.loads((REAL_NODE / "api-node-read.sample.json").read_text())
    node = Node.model_validate(data)
    constraint = Constraint(LTarget=ltarget, RTarget=rtarget, Operand=operand)
    assert node_satisfies(node, constraint) is expected


# --- properties ------------------------------------------------------------------------------

values = st.text(max_size=12) | st.from_regex(r"-?[0-9]{1,20}(\.[0-9]{0,3})?", fullmatch=True)


@given(values, values)
def test_eq_and_ne_are_complements_when_found(lval: str, rval: str) -> None:
    assert check_constraint("=", lval, rval) is not check_constraint("!=", lval, rval)


@given(st.integers(-(2**63), 2**63 - 1), st.integers(-(2**63), 2**63 - 1))
def test_lt_and_ge_are_complements_for_ints(left: int, right: int) -> None:
    lval, rval = str(left), str(right)
    assert check_constraint("<", lval, rval) is not check_constraint(">=", lval, rval)
    assert check_constraint("<", lval, rval) is (left < right)


@given(values, values)
def test_order_is_antisymmetric_without_nan(lval: str, rval: str) -> None:
    if "nan" in (lval.lower(), rval.lower()):
        return
    assert check_constraint("<", lval, rval) is check_constraint(">", rval, lval)


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=","), max_size=5)))
def test_set_contains_all_reflexive(items: list[str]) -> None:
    text = ",".join(items)
    assert check_constraint("set_contains_all", text, text)
    assert check_constraint("set_contains_any", text, text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_float64_round_trips_python_repr(value: float) -> None:
    assert parse_float64(repr(value)) == value
    assert parse_float64(value.hex()) == value


@given(st.text(max_size=8), st.text(max_size=8), st.booleans(), st.booleans())
def test_never_raises(lval: str, rval: str, lfound: bool, rfound: bool) -> None:
    for operand in ["=", "!=", "<", ">=", "regexp", "version", "semver", "set_contains_any"]:
        assert check_constraint(operand, lval, rval, lfound, rfound) in (True, False)
