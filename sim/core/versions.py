"""Version strings and version constraints as hashicorp/go-version v1.9.0 and Nomad read them.

Two constraint grammars share one version type and one ``Compare``:

* ``version`` operator: go-version ``NewConstraint`` (``~>`` allowed, lenient versions, and a
  prerelease check on ``> < >= <= ~>``);
* ``semver`` operator: Nomad's helper/constraints/semver ``NewConstraint`` (no ``~>``, strict
  semver versions, no prerelease check).

The node side is always parsed leniently (``version.NewVersion``), whichever operator is used
(scheduler/feasible/feasible.go ``checkVersionMatch``). Parsed versions and constraints are
cached by their raw text, as Nomad's ``EvalCache`` does, so a vectorised caller pays once per
distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import msgspec

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_GO_INT = re.compile(r"[+-]?[0-9]+")

# go-version VersionRegexpRaw / SemverRegexpRaw. The strict form differs only in requiring the
# "-" before a prerelease that starts with a letter. Groups: 1 segments, 4 and 7 prerelease,
# 10 metadata (same numbering as Go's FindStringSubmatch).
_SEGMENTS = r"v?([0-9]+(\.[0-9]+)*?)"
_PRE_NUMERIC = r"-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)"
_PRE_ALPHA = r"([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)"
_META = r"(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))??"
VERSION_RAW = _SEGMENTS + f"({_PRE_NUMERIC}|(-?{_PRE_ALPHA}))?" + _META
SEMVER_RAW = _SEGMENTS + f"({_PRE_NUMERIC}|(-{_PRE_ALPHA}))?" + _META

# Go's regexp \s is ASCII [\t\n\f\r ] (no \v); Python's is Unicode, so spell it out.
_WS = r"[\t\n\f\r ]*"
_VERSION_OPS = r"<=|>=|!=|~>|<|>|=|"
_SEMVER_OPS = r"<=|>=|!=|<|>|=|"

_VERSION_RE = re.compile(VERSION_RAW)
_SEMVER_RE = re.compile(SEMVER_RAW)
_VERSION_TERM_RE = re.compile(f"{_WS}({_VERSION_OPS}){_WS}({VERSION_RAW}){_WS}")
_SEMVER_TERM_RE = re.compile(f"{_WS}({_SEMVER_OPS}){_WS}({SEMVER_RAW}){_WS}")


class VersionError(ValueError):
    """A version or constraint Nomad would reject; the message is go-version's wording."""


def parse_int64(text: str) -> int | None:
    """Go ``strconv.ParseInt(text, 10, 64)``: optional sign, ASCII digits, int64 range."""
    if not _GO_INT.fullmatch(text):
        return None
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


class Version(msgspec.Struct, frozen=True):
    """A parsed go-version ``Version``: segments padded to three, ``si`` = segments written."""

    segments: tuple[int, ...]
    si: int
    pre: str
    metadata: str

    def __str__(self) -> str:
        text = ".".join(map(str, self.segments))
        if self.pre:
            text += "-" + self.pre
        if self.metadata:
            text += "+" + self.metadata
        return text

    def compare(self, other: Version) -> int:
        """go-version ``Compare``: -1, 0 or 1; metadata ignored; see ``_compare_prereleases``."""
        if self is other:
            return 0
        mine, theirs = self.segments, other.segments
        if mine == theirs:
            if not self.pre and not other.pre:
                return 0
            if not self.pre:
                return 1
            if not other.pre:
                return -1
            return _compare_prereleases(self.pre, other.pre)
        for i in range(max(len(mine), len(theirs))):
            if i >= len(mine):
                return -1 if any(theirs[i:]) else 0
            if i >= len(theirs):
                return 1 if any(mine[i:]) else 0
            if mine[i] != theirs[i]:
                return -1 if mine[i] < theirs[i] else 1
        return 0


def _compare_part(mine: str, theirs: str) -> int:
    """go-version ``comparePart``, quirks included.

    A missing part ("") is smaller than a numeric part and greater than a non-numeric one, so
    ``1.0.0-alpha > 1.0.0-alpha.beta``; two different numeric spellings of one number (``01``
    and ``1``) compare as -1 both ways, as in Go.
    """
    if mine == theirs:
        return 0
    mine_int, theirs_int = parse_int64(mine), parse_int64(theirs)
    if mine == "":
        return -1 if theirs_int is not None else 1
    if theirs == "":
        return 1 if mine_int is not None else -1
    if mine_int is not None and theirs_int is None:
        return -1
    if mine_int is None and theirs_int is not None:
        return 1
    if mine_int is None and theirs_int is None and mine > theirs:
        return 1
    if (mine_int or 0) > (theirs_int or 0):
        return 1
    return -1


def _compare_prereleases(mine: str, theirs: str) -> int:
    """go-version ``comparePrereleases``: dot-separated parts, first difference wins."""
    if mine == theirs:
        return 0
    my_parts, their_parts = mine.split("."), theirs.split(".")
    for i in range(max(len(my_parts), len(their_parts))):
        result = _compare_part(
            my_parts[i] if i < len(my_parts) else "",
            their_parts[i] if i < len(their_parts) else "",
        )
        if result:
            return result
    return 0


def _build(match: re.Match[str]) -> Version:
    """go-version ``newVersion`` from a full match of the version pattern."""
    written = match.group(1).split(".")
    segments = []
    for text in written:
        value = parse_int64(text)
        if value is None:
            raise VersionError(
                f'error parsing version: strconv.ParseInt: parsing "{text}": value out of range'
            )
        segments.append(value)
    segments.extend([0] * (3 - len(segments)))
    pre = match.group(7) or match.group(4) or ""
    return Version(tuple(segments), len(written), pre, match.group(10) or "")


def parse_version(text: str) -> Version:
    """go-version ``NewVersion`` (lenient: ``1.0beta1`` and a ``v`` prefix are accepted)."""
    match = _VERSION_RE.fullmatch(text)
    if match is None:
        raise VersionError(f"Malformed version: {text}")
    return _build(match)


def parse_semver(text: str) -> Version:
    """go-version ``NewSemver`` (strict: a prerelease needs its ``-``)."""
    match = _SEMVER_RE.fullmatch(text)
    if match is None:
        raise VersionError(f"Malformed version: {text}")
    return _build(match)


@lru_cache(maxsize=65536)
def lenient_version(text: str) -> Version | None:
    """Cached ``NewVersion`` for node values; ``None`` when Nomad's parse fails."""
    try:
        return parse_version(text)
    except VersionError:
        return None


def _prerelease_check(version: Version, bound: Version) -> bool:
    """go-version ``prereleaseCheck``: a prerelease only satisfies a bound of its own release."""
    if bound.pre and version.pre:
        return version.segments == bound.segments
    return not (version.pre and not bound.pre)


def _pessimistic(version: Version, bound: Version) -> bool:
    """go-version ``constraintPessimistic`` (``~>``)."""
    if not _prerelease_check(version, bound) or (bound.pre and not version.pre):
        return False
    if version.compare(bound) < 0:
        return False
    size = len(bound.segments)
    if size > len(version.segments):
        return False
    if version.segments[: bound.si - 1] != bound.segments[: bound.si - 1]:
        return False
    return bound.segments[size - 1] <= version.segments[size - 1]


Check = Callable[[Version, Version], bool]

_VERSION_CHECKS: dict[str, Check] = {
    "": lambda v, c: v.compare(c) == 0,
    "=": lambda v, c: v.compare(c) == 0,
    "!=": lambda v, c: v.compare(c) != 0,
    ">": lambda v, c: _prerelease_check(v, c) and v.compare(c) == 1,
    "<": lambda v, c: _prerelease_check(v, c) and v.compare(c) == -1,
    ">=": lambda v, c: _prerelease_check(v, c) and v.compare(c) >= 0,
    "<=": lambda v, c: _prerelease_check(v, c) and v.compare(c) <= 0,
    "~>": _pessimistic,
}

# helper/constraints/semver: plain Compare, no prerelease check, no "~>".
_SEMVER_CHECKS: dict[str, Check] = {
    "": lambda v, c: v.compare(c) == 0,
    "=": lambda v, c: v.compare(c) == 0,
    "!=": lambda v, c: v.compare(c) != 0,
    ">": lambda v, c: v.compare(c) == 1,
    "<": lambda v, c: v.compare(c) == -1,
    ">=": lambda v, c: v.compare(c) >= 0,
    "<=": lambda v, c: v.compare(c) <= 0,
}


class Term(msgspec.Struct, frozen=True):
    """One comma-separated term of a constraint, e.g. ``>= 1.0``."""

    op: str
    bound: Version
    check: Check

    def __call__(self, version: Version) -> bool:
        return self.check(version, self.bound)


Constraints = tuple[Term, ...]


def parse_constraint(text: str, *, semver: bool = False) -> Constraints:
    """go-version ``NewConstraint`` or, with ``semver``, Nomad's semver ``NewConstraint``.

    Raises ``VersionError`` with the library's message: ``malformed constraint: <term>``
    (go-version v1.9.0) or ``Malformed constraint: <term>`` (Nomad's semver helper), or
    ``error parsing version: ...`` when a segment overflows int64.
    """
    if semver:
        pattern, checks = _SEMVER_TERM_RE, _SEMVER_CHECKS
    else:
        pattern, checks = _VERSION_TERM_RE, _VERSION_CHECKS
    malformed = "Malformed constraint" if semver else "malformed constraint"
    terms = []
    for single in text.split(","):
        match = pattern.fullmatch(single)
        if match is None:
            raise VersionError(f"{malformed}: {single}")
        op = match.group(1)
        bound = parse_semver(match.group(2)) if semver else parse_version(match.group(2))
        terms.append(Term(op, bound, checks[op]))
    return tuple(terms)


@lru_cache(maxsize=16384)
def cached_constraint(text: str, semver: bool) -> Constraints | None:
    """Parsed constraint for the run-time path; ``None`` (never matches) when it is invalid."""
    try:
        return parse_constraint(text, semver=semver)
    except VersionError:
        return None


def version_matches(version_text: str, constraint_text: str, *, semver: bool) -> bool:
    """``checkVersionMatch`` after the type checks: lenient LHS, every term must hold."""
    version = lenient_version(version_text)
    if version is None:
        return False
    terms = cached_constraint(constraint_text, semver)
    if terms is None:
        return False
    return all(term(version) for term in terms)
