"""Every constraint operator on one pair of resolved values, exactly as Nomad evaluates it.

The specification is ``checkConstraint`` and its helpers in scheduler/feasible/feasible.go.
Values are what ``resolve_target`` returns (strings) or, for Nomad's own unit-test vectors,
``None`` (Go ``nil``) and ints; helpers require Go strings, except ``version``/``semver`` which
also take an int left-hand side. Nothing here raises on odd input: a value Nomad could not use
makes the operator false.

The Go standard-library behaviours that Python does differently live here too, because the
operators are their only users: ``strconv.ParseFloat`` (no whitespace, hex floats, ``_``
separators, overflow is an error), ``strings.TrimSpace`` (Go's white-space set) and the Go
``regexp`` dialect (RE2 through ``google-re2``; ``\\C`` rejected; ``$`` = end of text).
"""

from __future__ import annotations

import math
import operator as op
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import re2

from models import Constraint, Node

from .regexp_shapes import shortcut
from .targets import resolve_target
from .versions import parse_int64, version_matches

# unicode.IsSpace: ASCII \t \n \v \f \r and space, U+0085, U+00A0, and the White_Space
# characters above Latin-1. Python's str.strip() also strips \x1c-\x1f; Go does not.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_DEC_FLOAT = re.compile(r"[+-]?(?=\.?[0-9])[0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?")
_HEX_FLOAT = re.compile(
    r"[+-]?0[xX](?=[_.]*[0-9a-fA-F])[0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?[pP][+-]?[0-9][0-9_]*"
)


def go_trim_space(text: str) -> str:
    """Go ``strings.TrimSpace``."""
    return text.strip(GO_SPACE)


def _underscore_ok(text: str) -> bool:
    """Go strconv ``underscoreOK``: ``_`` only between digits (or after a base prefix)."""
    if text[:1] in "+-":
        text = text[1:]
    saw, i, hexa = "^", 0, False
    if len(text) >= 2 and text[0] == "0" and text[1] in "bBoOxX":
        saw, i, hexa = "0", 2, text[1] in "xX"
    for ch in text[i:]:
        if ch.isascii() and (ch.isdigit() or (hexa and ch.lower() in "abcdef")):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


@lru_cache(maxsize=65536)
def parse_float64(text: str) -> float | None:
    """Go ``strconv.ParseFloat(text, 64)``; ``None`` on a syntax or range error.

    Accepts ``inf``/``infinity`` (signed) and unsigned ``nan`` in any case, decimal and
    hexadecimal (``0x1p4``, exponent required) literals with ``_`` separators; rejects
    whitespace; a finite literal that rounds to ±Inf (``1e400``) is ErrRange, hence ``None``.
    """
    if not text.isascii():
        return None
    lower = text.lower()
    if lower.lstrip("+-") in ("inf", "infinity") and len(lower) - len(lower.lstrip("+-")) <= 1:
        return -math.inf if lower.startswith("-") else math.inf
    if lower == "nan":
        return math.nan
    hexa = _HEX_FLOAT.fullmatch(text) is not None
    if not hexa and _DEC_FLOAT.fullmatch(text) is None:
        return None
    if "_" in text:
        if not _underscore_ok(text):
            return None
        text = text.replace("_", "")
    if hexa:
        try:
            return float.fromhex(text)
        except OverflowError:
            return None
    value = float(text)
    return None if math.isinf(value) else value


_ORDER: dict[str, Callable[[Any, Any], bool]] = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}


def check_order(operand: str, lval: Any, rval: Any) -> bool:
    """``checkOrder``: int64 if both parse, else float64 if both parse, else byte order.

    Python's ``str`` order is code-point order, which equals Go's UTF-8 byte order.
    """
    if not isinstance(lval, str) or not isinstance(rval, str):
        return False
    left_int = parse_int64(lval)
    if left_int is not None:
        right_int = parse_int64(rval)
        if right_int is not None:
            return _ORDER[operand](left_int, right_int)
    left_float = parse_float64(lval)
    if left_float is not None:
        right_float = parse_float64(rval)
        if right_float is not None:
            return _ORDER[operand](left_float, right_float)
    return _ORDER[operand](lval, rval)


# --- regexp ------------------------------------------------------------------------------

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False

# RE2's error codes in Go's words (regexp/syntax ErrorCode strings).
_GO_REGEXP_CODES = {
    "missing )": "missing closing )",
    "missing ]": "missing closing ]",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid named capture group": "invalid named capture",
    "pattern too large - compile failed": "expression too large",
}


def _go_only_rejects(pattern: str) -> str | None:
    """The one escape C++ RE2 accepts and Go rejects: ``\\C`` (any byte)."""
    i = 0
    while i < len(pattern) - 1:
        if pattern[i] != "\\":
            i += 1
        elif pattern[i + 1] == "Q":  # \Q...\E is literal text
            end = pattern.find("\\E", i + 2)
            if end < 0:
                return None
            i = end + 2
        elif pattern[i + 1] == "C":
            return "invalid escape sequence: `\\C`"
        else:
            i += 2
    return None


_UNANCHORED = re2._Anchor.UNANCHORED
_NO_MATCH = (-1, -1)


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> tuple[Any, str | None]:
    """(compiled RE2 regexp or None, Go-worded error or None), once per pattern."""
    problem = _go_only_rejects(pattern)
    if problem is not None:
        return None, f"error parsing regexp: {problem}"
    try:
        return re2.compile(pattern, _RE2_OPTIONS), None
    except re2.error as err:
        raw = err.args[0]
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    except UnicodeError:
        text = "invalid UTF-8"
    code, _, expr = text.partition(": ")
    return None, f"error parsing regexp: {_GO_REGEXP_CODES.get(code, code)}: `{expr}`"


def regexp_error(pattern: str) -> str | None:
    """Go's ``regexp.Compile`` error text for ``pattern`` (``None`` when it compiles)."""
    return _compile(pattern)[1]


def regexp_match(value: Any, pattern: Any) -> bool:
    """``checkRegexpMatch``: unanchored RE2 search; an uncompilable pattern never matches."""
    if not isinstance(value, str) or not isinstance(pattern, str):
        return False
    matcher = regexp_matcher(pattern)
    return matcher is not None and matcher(value)


@lru_cache(maxsize=4096)
def regexp_matcher(pattern: str) -> Callable[[str], bool] | None:
    """A yes/no unanchored search for one pattern, or None when it does not compile.

    The wrapper's ``search`` maps byte offsets back to str offsets, which a yes/no answer
    does not need; matching the encoded text directly is several times faster, which counts
    when a pattern meets thousands of distinct node values.
    """
    compiled = _compile(pattern)[0]
    if compiled is None:
        return None
    match = compiled._regexp.Match

    def search(value: str) -> bool:
        try:
            text = value.encode("utf-8")
        except UnicodeError:
            return False
        return match(_UNANCHORED, text, 0, len(text))[0] != _NO_MATCH

    return shortcut(pattern, search)


# --- sets --------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _elements(text: str) -> frozenset[str]:
    return frozenset(go_trim_space(part) for part in text.split(","))


def set_contains_all(lval: Any, rval: Any) -> bool:
    """``checkSetContainsAll``: split on ``,``, TrimSpace, empty elements kept."""
    if not isinstance(lval, str) or not isinstance(rval, str):
        return False
    return _elements(rval) <= _elements(lval)


def set_contains_any(lval: Any, rval: Any) -> bool:
    """``checkSetContainsAny``: at least one right-hand element is on the left."""
    if not isinstance(lval, str) or not isinstance(rval, str):
        return False
    return not _elements(rval).isdisjoint(_elements(lval))


# --- versions ----------------------------------------------------------------------------


def version_match(lval: Any, rval: Any, *, semver: bool) -> bool:
    """``checkVersionMatch``: LHS a string or a Go int (not bool), RHS a string."""
    if isinstance(lval, int) and not isinstance(lval, bool):
        lval = str(lval)
    if not isinstance(lval, str) or not isinstance(rval, str):
        return False
    return version_matches(lval, rval, semver=semver)


# --- the operator table --------------------------------------------------------------------


def _deep_equal(lval: Any, rval: Any) -> bool:
    # reflect.DeepEqual on interface values: same dynamic type and equal (nil == nil).
    return type(lval) is type(rval) and lval == rval


Operator = Callable[[Any, Any, bool, bool], bool]

_OPERATORS: dict[str, Operator] = {
    "distinct_hosts": lambda lv, rv, lf, rf: True,
    "distinct_property": lambda lv, rv, lf, rf: True,
    "=": lambda lv, rv, lf, rf: lf and rf and _deep_equal(lv, rv),
    "!=": lambda lv, rv, lf, rf: not _deep_equal(lv, rv),
    "is_set": lambda lv, rv, lf, rf: lf,
    "is_not_set": lambda lv, rv, lf, rf: not lf,
    "version": lambda lv, rv, lf, rf: lf and rf and version_match(lv, rv, semver=False),
    "semver": lambda lv, rv, lf, rf: lf and rf and version_match(lv, rv, semver=True),
    "regexp": lambda lv, rv, lf, rf: lf and rf and regexp_match(lv, rv),
    "set_contains": lambda lv, rv, lf, rf: lf and rf and set_contains_all(lv, rv),
    "set_contains_all": lambda lv, rv, lf, rf: lf and rf and set_contains_all(lv, rv),
    "set_contains_any": lambda lv, rv, lf, rf: lf and rf and set_contains_any(lv, rv),
}
_OPERATORS["=="] = _OPERATORS["is"] = _OPERATORS["="]
_OPERATORS["not"] = _OPERATORS["!="]


def _ordering(symbol: str) -> Operator:
    return lambda lv, rv, lf, rf: lf and rf and check_order(symbol, lv, rv)


for _symbol in _ORDER:
    _OPERATORS[_symbol] = _ordering(_symbol)


def check_constraint(
    operand: str, lval: Any, rval: Any, lfound: bool = True, rfound: bool = True
) -> bool:
    """Nomad's ``checkConstraint``; an unknown operand is false.

    Surprises reproduced on purpose: ``!=``/``not`` ignore the found flags (a node without the
    attribute resolves to ``""`` and passes ``!= "linux"``); ``<``/``>`` are not version-aware
    (``"5.6" > "5.10"``); ``version`` rejects prerelease node values against plain bounds.
    """
    check = _OPERATORS.get(operand)
    return bool(check(lval, rval, lfound, rfound)) if check is not None else False


def node_satisfies(node: Node, constraint: Constraint) -> bool:
    """``ConstraintChecker.meetsConstraint``: resolve both targets, then check."""
    lval, lfound = resolve_target(constraint.l_target, node)
    rval, rfound = resolve_target(constraint.r_target, node)
    return check_constraint(constraint.operand, lval, rval, lfound, rfound)
