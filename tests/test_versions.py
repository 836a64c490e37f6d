"""go-version parsing, Compare and both constraint grammars (version and Nomad's semver)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.core.versions import (
    VersionError,
    cached_constraint,
    lenient_version,
    parse_constraint,
    parse_int64,
    parse_semver,
    parse_version,
    version_matches,
)

TABLES = json.loads((Path(__file__).parent / "conformance" / "go_version_test.json").read_text())


@pytest.mark.parametrize(
    ("text", "segments", "pre", "metadata"),
    [
        ("1.2.3", (1, 2, 3), "", ""),
        ("1.2", (1, 2, 0), "", ""),
        ("v1", (1, 0, 0), "", ""),
        ("1.2.3.4.5", (1, 2, 3, 4, 5), "", ""),
        ("17.03.0-ce", (17, 3, 0), "ce", ""),
        ("1.0beta1", (1, 0, 0), "beta1", ""),
        ("1.0-", (1, 0, 0), "-", ""),
        ("4.15.0-1051-aws", (4, 15, 0), "1051-aws", ""),
        ("1.2.0-metadata-1.2.0+metadata~dist", (1, 2, 0), "metadata-1.2.0", "metadata~dist"),
        ("1.3.0-beta1+ent", (1, 3, 0), "beta1", "ent"),
        ("1.4.9223372036854775807", (1, 4, 9223372036854775807), "", ""),
    ],
)
def test_parse_version(text: str, segments: tuple[int, ...], pre: str, metadata: str) -> None:
    version = parse_version(text)
    assert (version.segments, version.pre, version.metadata) == (segments, pre, metadata)


@pytest.mark.parametrize(
    "text",
    ["", "1.2.beta", "foo", "\n1.2", "1.2\n", " 1.2", "1.2 ", "1.x", "1.4.9223372036854775808"],
)
def test_parse_version_rejects(text: str) -> None:
    with pytest.raises(VersionError):
        parse_version(text)
    assert lenient_version(text) is None


def test_segment_overflow_message() -> None:
    with pytest.raises(VersionError, match=r'^error parsing version: strconv.ParseInt: parsing "9'):
        parse_version("99999999999999999999")


@pytest.mark.parametrize(("text", "ok"), [("1.7rc2", False), ("1.0-", False), ("1.0-rc1", True)])
def test_semver_is_strict(text: str, ok: bool) -> None:
    if ok:
        assert parse_semver(text).pre == "rc1"
    else:
        with pytest.raises(VersionError, match=r"^Malformed version: "):
            parse_semver(text)


@pytest.mark.parametrize("case", TABLES["TestVersionCompare"] + TABLES["TestComparePreReleases"])
def test_compare_table(case: dict[str, object]) -> None:
    v1, v2 = parse_version(str(case["v1"])), parse_version(str(case["v2"]))
    assert v1.compare(v2) == case["expected"]
    assert v2.compare(v1) == -int(str(case["expected"]))


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("1.0.0-alpha", "1.0.0-alpha.1", -1),
        ("1.0.0-alpha", "1.0.0-alpha.beta", 1),  # go-version quirk (SemVer says -1)
        ("1.0.0-rc.1", "1.0.0", -1),
        ("1.0.0-01", "1.0.0-1", -1),  # two spellings of one number: -1 both ways
        ("1.0.0-1", "1.0.0-01", -1),
        ("1.2.0.0-beta", "1.2-alpha", 0),  # segment counts differ: prereleases never looked at
        ("1.0.0+a", "1.0.0+b", 0),
        ("1.2.0.0-c", "1.2-b", 0),
        ("1.2.0.0-c", "1.2.0.0-a", 1),  # so Compare is not transitive across segment counts
    ],
)
def test_compare_quirks(left: str, right: str, expected: int) -> None:
    assert parse_version(left).compare(parse_version(right)) == expected


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("4.15.0-1051-aws", ">= 4.0", False),
        ("1.3.0-beta1", ">= 0.6.1", False),
        ("1.3.0-beta1", "!= 0.6.1", True),  # = and != have no prerelease check
        ("1.7.0-alpha1", ">= 1.6.0-beta1", False),  # prerelease needs the same segments
        ("1.6.0-beta2", ">= 1.6.0-beta1", True),
        ("1.6.0", ">= 1.6.0-beta1", True),
        ("1.0.7", "~> 1.0.7", True),
        ("1.1.0", "~> 1.0.7", False),
        ("1.9", "~> 1.0", True),
        ("2.0", "~> 1.0", False),
        ("1.2.3", "~> 1", True),
        ("1.0.9.5.1", "~> 1.0.9.5", True),
        ("2.1.0-beta", "~> 2.1.0-a", True),
        ("2.1.0", "~> 2.1.0-a", False),
        ("1.2.3", ">=1.0,<2.0", True),
        ("1.2.3", "  >= 1.0 ,  < 2.0  ", True),
        ("1.2.3", "1.2.3", True),
        ("1.2.3", "v1.2.3", True),
        ("1.2.3", ">= 1.0beta1", True),  # lenient bounds in version
    ],
)
def test_version_operator(version: str, constraint: str, expected: bool) -> None:
    assert version_matches(version, constraint, semver=False) is expected


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("4.15.0-1051-aws", ">= 4.0", True),
        ("1.7.0-beta", ">= 1.7.0", False),
        ("1.7.0", ">= 1.7.0-dev", True),
        ("1.0.0-alpha", "> 1.0.0-alpha.beta", True),
        ("1.2.3", "~> 1.0", False),
        ("1.2.3", ">= 1.0beta1", False),
        ("1.0beta1", "= 1.0.0-beta1", True),
    ],
)
def test_semver_operator(version: str, constraint: str, expected: bool) -> None:
    assert version_matches(version, constraint, semver=True) is expected


@pytest.mark.parametrize(
    ("text", "semver", "message"),
    [
        (">= 1.x", False, "malformed constraint: >= 1.x"),
        (">= 1.x", True, "Malformed constraint: >= 1.x"),
        ("~> 1.0", True, "Malformed constraint: ~> 1.0"),
        (">= 1.0beta1", True, "Malformed constraint: >= 1.0beta1"),
        ("", False, "malformed constraint: "),
        (">= 1.0, foo", False, "malformed constraint:  foo"),
        ("\v>= 1.0", False, "malformed constraint: \v>= 1.0"),  # Go's \s has no \v
        (">= 1.0,", False, "malformed constraint: "),
        ("=> 1.0", False, "malformed constraint: => 1.0"),
        ("== 1.0", False, "malformed constraint: == 1.0"),
    ],
)
def test_constraint_errors(text: str, semver: bool, message: str) -> None:
    with pytest.raises(VersionError) as err:
        parse_constraint(text, semver=semver)
    assert str(err.value) == message
    assert cached_constraint(text, semver) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("-12", -12), ("+7", 7), ("9223372036854775807", 2**63 - 1), ("007", 7)],
)
def test_parse_int64(text: str, expected: int) -> None:
    assert parse_int64(text) == expected


@pytest.mark.parametrize("text", ["", " 1", "1_0", "0x1", "9223372036854775808", "1.0", "٣", "+"])
def test_parse_int64_rejects(text: str) -> None:
    assert parse_int64(text) is None


def test_constraints_are_cached() -> None:
    assert cached_constraint(">= 1.0", False) is cached_constraint(">= 1.0", False)
    assert lenient_version("1.2.3") is lenient_version("1.2.3")


# --- properties ------------------------------------------------------------------------------

ident = st.from_regex(r"[0-9A-Za-z~-]{1,4}", fullmatch=True)
versions = st.builds(
    lambda segs, pre, meta: (
        ".".join(map(str, segs))
        + (("-" + ".".join(pre)) if pre else "")
        + (("+" + meta) if meta else "")
    ),
    st.lists(st.integers(0, 30), min_size=1, max_size=5),
    st.lists(ident, max_size=3),
    st.none() | ident,
)


@given(versions)
def test_version_equals_itself(text: str) -> None:
    assert version_matches(text, f"= {text}", semver=False)
    assert version_matches(text, text, semver=False)


# At most three segments and single-part prereleases with canonical numbers: the domain on
# which go-version's Compare is a total preorder. Outside it transitivity fails: multi-part
# prereleases, "01" vs "1", and four-segment versions (whose prerelease is ignored against a
# three-segment one: 1.2.0.0-c = 1.2-b = 1.2.0.0-a, yet 1.2.0.0-c > 1.2.0.0-a).
single_pre = st.from_regex(r"[A-Za-z~-][0-9A-Za-z~-]{0,3}|[1-9][0-9]{0,2}", fullmatch=True)
ordered_versions = st.builds(
    lambda segs, pre: ".".join(map(str, segs)) + (f"-{pre}" if pre else ""),
    st.lists(st.integers(0, 5), min_size=1, max_size=3),
    st.none() | single_pre,
)


@given(ordered_versions, ordered_versions)
def test_compare_is_total_and_antisymmetric(left: str, right: str) -> None:
    a, b = parse_version(left), parse_version(right)
    assert a.compare(a) == 0
    assert a.compare(b) in (-1, 0, 1)
    assert a.compare(b) == -b.compare(a)


@given(ordered_versions, ordered_versions, ordered_versions)
def test_compare_is_transitive(x: str, y: str, z: str) -> None:
    a, b, c = (parse_version(t) for t in (x, y, z))
    if a.compare(b) <= 0 and b.compare(c) <= 0:
        assert a.compare(c) <= 0
