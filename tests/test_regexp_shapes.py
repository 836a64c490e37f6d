"""The regexp shortcuts agree with RE2 on every input, shortcut or not."""

from __future__ import annotations

import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.operators import regexp_matcher
from sim.core.regexp_shapes import exact_values, required_prefix

ALPHABET = "ab-1|^$()*+?{}.\n é"
WORDS = st.text(alphabet="ab-1 é", min_size=1, max_size=4)


def re2_search(pattern: str, value: str) -> bool:
    return re2.search(pattern, value) is not None


patterns = st.one_of(
    st.builds(lambda w: f"^{w}$", WORDS),
    st.builds(lambda ws: "^(" + "|".join(ws) + ")$", st.lists(WORDS, min_size=1, max_size=3)),
    st.builds(lambda ws: "^(?:" + "|".join(ws) + ")$", st.lists(WORDS, min_size=1, max_size=3)),
    st.builds(
        lambda w, tail: f"^{w}{tail}",
        WORDS,
        st.sampled_from(["", "*", "+", "?", "{2}", "b$", ".*", "|a"]),
    ),
    st.text(alphabet=ALPHABET, min_size=1, max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(pattern=patterns, values=st.lists(st.text(alphabet="ab-1 \né", max_size=6), max_size=8))
def test_shortcut_equals_re2(pattern: str, values: list[str]) -> None:
    try:
        re2.compile(pattern)
    except re2.error:
        return
    matcher = regexp_matcher(pattern)
    if matcher is None:  # Go rejects a few patterns RE2 accepts
        return
    for value in [*values, pattern.strip("^$()")]:
        assert matcher(value) == re2_search(pattern, value), (pattern, value)


def test_shapes():
    assert exact_values("^(web-1|web-2)$") == {"web-1", "web-2"}
    assert exact_values("^web-1$") == {"web-1"}
    assert exact_values("^(web-1|web-2)x$") is None
    assert exact_values("^web.1$") is None
    assert required_prefix("^web-") == "web-"
    assert required_prefix("^webs?") == "web"
    assert required_prefix("^a|b") == ""
    assert required_prefix("web") == ""
