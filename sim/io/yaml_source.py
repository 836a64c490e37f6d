"""YAML with positions: parse once, keep the node tree so a field path maps back to a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml

from ..core.errors import InputError
from .nesting import check_yaml_text

# libyaml when available: the pure-Python composer is most of a scenario's load time.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlDocument(msgspec.Struct, frozen=True):
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """1-based line of the deepest node on ``loc`` that exists in the file."""
        node, line = self.root, None
        for part in loc:
            if node is None:
                break
            line = node.start_mark.line + 1
            node = _child(node, part)
        return node.start_mark.line + 1 if node is not None else line


def _child(node: yaml.Node, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == str(part)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def parse_yaml(text: str, source: str | Path) -> YamlDocument:
    """The document, refusing alias bombs, self-referring aliases, deep nesting and repeated
    keys (YAML 1.2 requires unique keys; PyYAML would keep the last one silently)."""
    check_yaml_text(text, source)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        _refuse_repeated_keys(root, source)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"invalid YAML: {problem}", source, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:  # ReaderError (control characters) has no mark
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"invalid YAML: {first}", source) from None
    finally:
        loader.dispose()
    return YamlDocument(data, root)


def _refuse_repeated_keys(root: yaml.Node | None, source: str | Path) -> None:
    """Every mapping's keys are distinct; each node is visited once (aliases share nodes).
    Scalars are never pushed (they hold no keys), and a mapping is looked at key by key only
    when its keys are not all distinct."""
    stack = [root] if isinstance(root, (yaml.MappingNode, yaml.SequenceNode)) else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys = [
                (key.tag, key.value)
                for key, _ in node.value
                if isinstance(key, yaml.ScalarNode) and key.value != "<<"
            ]
            if len(set(keys)) != len(keys):
                _refuse_repeated_key(node, source)
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    stack.append(key)
                if not isinstance(value, yaml.ScalarNode):
                    stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(v for v in node.value if not isinstance(v, yaml.ScalarNode))


def _refuse_repeated_key(node: yaml.MappingNode, source: str | Path) -> None:
    """The first repeated key of a mapping, with the line where it was first given."""
    first: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value != "<<":
            line = key.start_mark.line + 1
            if (key.tag, key.value) in first:
                raise InputError(
                    f"duplicate key {key.value!r} (first given on line "
                    f"{first[key.tag, key.value]})",
                    source,
                    line,
                )
            first[key.tag, key.value] = line
