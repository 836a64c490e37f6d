"""Datacenter patterns as ryanuber/go-glob v1.0.0 matches them: only ``*`` is special."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def glob_match(pattern: str, subject: str) -> bool:
    """go-glob ``Glob``: ``*`` matches any run (including none); no ``?``, no classes.

    A pattern without ``*`` must equal the subject; the empty pattern matches only "".
    Parts between stars are matched left to right at their first occurrence.
    """
    if pattern == "*":
        return True
    parts = pattern.split("*")
    if len(parts) == 1:
        return subject == pattern
    if not pattern.startswith("*") and not subject.startswith(parts[0]):
        return False
    rest = subject[len(parts[0]) :] if parts[0] else subject
    for part in parts[1:-1]:
        index = rest.find(part)
        if index < 0:
            return False
        rest = rest[index + len(part) :]
    return pattern.endswith("*") or rest.endswith(parts[-1])
