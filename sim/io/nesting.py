"""Nesting depth and alias expansion, bounded before a parser or a tree walk can blow up.

libyaml's composer recurses in C (a document nested 50,000 levels deep crashes the process)
and its flow parser slows quadratically with depth; ``json.loads`` and every recursive walk
of a parsed tree raise RecursionError on deep input. A YAML alias re-uses a node, so a small
file can expand to billions of values (billion laughs) or to itself (``&a [*a]``). These
checks run on the text and on libyaml's event stream, which are linear and never recurse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..core import limits
from ..core.errors import InputError

if TYPE_CHECKING:
    import yaml

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_YAML_QUOTED_OR_COMMENT = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'|(?:^|(?<=\s))#.*$', re.M
)
_YAML_INDENT = re.compile(r"^[ \t?-]*", re.M)
_YAML_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[^\s,\[\]{}]")
_HCL_STRING_OR_HEREDOC = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|<<-?(\w+)\n[\s\S]*?^[ \t]*\1[ \t]*$|(?:#|//)[^\n]*', re.M
)
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def bracket_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of ``text``, counting every bracket (strings too)."""
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    if not len(data):
        return 0
    steps = _OPEN[data]
    if not steps.any():
        return 0
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def check_json_nesting(text: str, source: str | Path) -> None:
    """Refuse JSON nested deeper than the limit, before ``json.loads`` recurses into it."""
    limit = limits.NESTING.value()
    if not limit or bracket_depth(text) <= limit:
        return
    depth = bracket_depth(_JSON_STRING.sub('""', text))  # brackets inside strings do not nest
    if depth > limit:
        raise InputError(limits.NESTING.message(depth, "JSON nesting depth"), source)


def check_hcl_nesting(text: str, source: str | Path) -> None:
    """Refuse HCL nested deeper than the limit: the HCL parser recurses on each level."""
    limit = limits.NESTING.value()
    if not limit or bracket_depth(text) <= limit:
        return
    depth = bracket_depth(_HCL_STRING_OR_HEREDOC.sub("", text))
    if depth > limit:
        raise InputError(limits.NESTING.message(depth, "HCL nesting depth"), source)


def check_yaml_text(text: str, source: str | Path) -> None:
    """Refuse YAML whose nesting or aliases could blow up, before libyaml composes it.

    Fast path: a bound on the depth from the text (flow brackets outside quotes, plus the
    deepest indentation) within the limit and no alias (``*``) needs no event pass.
    """
    limit = limits.NESTING.value()
    bare = _YAML_QUOTED_OR_COMMENT.sub("", text)
    flow = bracket_depth(bare)
    if limit and flow > limit:
        raise InputError(limits.NESTING.message(flow, "YAML nesting depth"), source)
    indent = max((len(m) for m in _YAML_INDENT.findall(text)), default=0)
    if (not limit or flow + indent <= limit) and not _YAML_ALIAS.search(bare):
        return
    _check_events(text, source, limit)


def _check_events(text: str, source: str | Path, depth_limit: int) -> None:
    """One pass over the events: depth, aliases to open anchors, and the expanded size."""
    import yaml  # only for YAML that needs the event pass: JSON and HCL readers never do

    size_limit = limits.YAML_NODES.value()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    open_: list[tuple[str | None, int]] = []  # (anchor, expanded count at its start)
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    expanded = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in open_):
                    raise _at(event, f"alias *{event.anchor} refers to its own anchor", source)
                expanded += sizes.get(event.anchor or "", 1)
            elif isinstance(event, yaml.CollectionStartEvent):
                open_.append((event.anchor, expanded))
                expanded += 1
                if depth_limit and len(open_) > depth_limit:
                    message = limits.NESTING.message(len(open_), "YAML nesting depth")
                    raise _at(event, message, source)
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, start = open_.pop()
                if anchor is not None:
                    sizes[anchor] = expanded - start
            elif isinstance(event, yaml.ScalarEvent):
                expanded += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            if size_limit and expanded > size_limit:
                raise _at(event, limits.YAML_NODES.message(expanded), source)
    except yaml.YAMLError:
        return  # malformed: the composer reports it, with its line where it has one
    finally:
        loader.dispose()


def _at(event: yaml.Event, message: str, source: str | Path) -> InputError:
    return InputError(message, source, event.start_mark.line + 1 if event.start_mark else None)
