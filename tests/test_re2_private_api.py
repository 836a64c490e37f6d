"""google-re2's private names that `sim.core.operators` relies on are still where it expects.

The regexp operator calls the compiled pattern's C++ ``Match`` directly (``_regexp.Match``
with ``_Anchor.UNANCHORED``) to skip the wrapper's byte-to-str offset mapping. Those names are
not public API; pyproject caps google-re2 below the next minor series, and this test names
exactly what moved if an upgrade within the range breaks them.
"""

from __future__ import annotations

import importlib.metadata

import pytest
import re2

from sim.core.operators import regexp_match

MOVED = (
    "google-re2 {version}: {what}. sim/core/operators.py (regexp_matcher) uses this private "
    "API; adapt it there, or keep google-re2 at a version that has it."
)


def _moved(what: str) -> str:
    return MOVED.format(version=importlib.metadata.version("google-re2"), what=what)


def test_unanchored_anchor_exists() -> None:
    anchor = getattr(re2, "_Anchor", None)
    if anchor is None or not hasattr(anchor, "UNANCHORED"):
        pytest.fail(_moved("re2._Anchor.UNANCHORED is gone"))


def test_compiled_match_takes_anchor_bytes_and_bounds() -> None:
    compiled = re2.compile("b+")
    match = getattr(getattr(compiled, "_regexp", None), "Match", None)
    if match is None:
        pytest.fail(_moved("compiled patterns no longer have _regexp.Match"))
    text = b"abbc"
    try:
        spans = match(re2._Anchor.UNANCHORED, text, 0, len(text))
    except TypeError as err:
        pytest.fail(_moved(f"_regexp.Match(anchor, bytes, start, end) fails: {err}"))
    if tuple(spans[0]) != (1, 3):
        pytest.fail(_moved(f"_regexp.Match returned {spans!r}, expected the whole match first"))
    if tuple(match(re2._Anchor.UNANCHORED, b"ac", 0, 2)[0]) != (-1, -1):
        pytest.fail(_moved("_regexp.Match no longer reports no match as (-1, -1)"))


def test_operator_search_is_unanchored() -> None:
    assert regexp_match("xx-linux-yy", "linux")
    assert not regexp_match("windows", "^linux")
