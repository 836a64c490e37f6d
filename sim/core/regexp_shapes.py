"""Shortcuts for the commonest regexp constraint shapes, exact under RE2's semantics.

Pinning a job to hosts is usually written ``^(web-1|web-2)$`` or ``^web-``. Against a
``unique.`` column with one distinct value per node, RE2 would run once per node; these
shapes answer with a set lookup, or rule most values out with ``str.startswith`` first.
Only plain literals qualify (characters that are never special outside a class), so the
shortcut and RE2 agree on every input.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_LITERAL = r"[A-Za-z0-9_\-/:@=,%!~ ]"
_EXACT = re.compile(rf"\^(?:\((?:\?:)?({_LITERAL}+(?:\|{_LITERAL}+)*)\)|({_LITERAL}+))\$")
_PREFIX = re.compile(rf"\^({_LITERAL}+)")
_QUANTIFIERS = "*+?{"


def exact_values(pattern: str) -> frozenset[str] | None:
    """``^lit$`` or ``^(a|b|c)$``: the whole set of strings the pattern matches."""
    match = _EXACT.fullmatch(pattern)
    if match is None:
        return None
    return frozenset((match.group(1) or match.group(2)).split("|"))


def required_prefix(pattern: str) -> str:
    """A literal every match must start with (``^web-`` → ``web-``), or "" when unknown.

    A literal directly followed by a quantifier is optional or repeatable, so it is dropped;
    any ``|`` could put an unanchored branch beside the prefix, so it disables the prefix.
    """
    match = _PREFIX.match(pattern)
    if match is None or "|" in pattern:
        return ""
    prefix = match.group(1)
    rest = pattern[match.end() :]
    if rest[:1] and rest[0] in _QUANTIFIERS:
        prefix = prefix[:-1]
    return prefix


def shortcut(pattern: str, search: Callable[[str], bool]) -> Callable[[str], bool]:
    """``search``, or an equivalent that skips RE2 for the shapes above."""
    values = exact_values(pattern)
    if values is not None:
        return values.__contains__
    prefix = required_prefix(pattern)
    if prefix:
        return lambda value: value.startswith(prefix) and search(value)
    return search
