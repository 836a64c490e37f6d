"""A jobspec's bodies, blocks and attributes read from python-hcl2's raw Lark tree, with their
lines; ``dynamic`` blocks expanded (hcl ext/dynblock, which jobspec2/types.config.go
``decodeJob`` applies to the job body); and a body evaluated into the plain nested dict the
jobspec converter walks (blocks as lists of dicts, labels as keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from lark import Token, Tree
from lark.exceptions import LarkError

from ..core.errors import InputError
from .hcl_eval import Scope, evaluate, line_of, unescape
from .hcl_values import HclError, to_string, type_name
from .nesting import check_hcl_nesting


@dataclass
class Attribute:
    name: str
    expr: Tree
    line: int | None


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    line: int | None
    bindings: Mapping[str, Any] = field(default_factory=dict)
    """Names a ``dynamic`` block's iterator adds to the scope of this block's expressions."""


@dataclass
class Body:
    attributes: list[Attribute] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


class Document(msgspec.Struct, frozen=True):
    """An HCL2 file: its text (expressions are evaluated against it) and its top-level body."""

    text: str
    body: Body


def parse_document(text: str, source: str | Path) -> Document:
    """An HCL2 file read once; syntax errors as InputError with their line."""
    from hcl2.api import parses_to_tree

    check_hcl_nesting(text, source)
    text = _heredoc_markers_trimmed(text)
    try:
        tree = parses_to_tree(text)
    except LarkError as exc:
        line = getattr(exc, "line", None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"HCL syntax error: {first}",
            source,
            line if isinstance(line, int) and line > 0 else None,
        ) from None
    return Document(text, read_body(tree.children[0]))


_HEREDOC_START = re.compile(r"<<-?([A-Za-z][\w.-]*)[ \t]+$")


def _heredoc_markers_trimmed(text: str) -> str:
    """Heredoc markers with trailing blanks (``EOH `` on its own line), which hclsyntax accepts
    and python-hcl2's grammar does not, with the blanks removed; lines stay where they are."""
    if "<<" not in text:
        return text
    lines = text.split("\n")
    marker: str | None = None
    for i, line in enumerate(lines):
        bare = line.rstrip("\r")
        cr = line[len(bare) :]
        if marker is None:
            start = _HEREDOC_START.search(bare)
            found = re.search(r"<<-?([A-Za-z][\w.-]*)$", bare.rstrip())
            if found:
                marker = found.group(1)
                if start:
                    lines[i] = bare.rstrip() + cr
        elif bare.strip() == marker:
            lines[i] = bare.rstrip() + cr
            marker = None
    return "\n".join(lines)


def _rules(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _name(node: Tree | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(
            unescape(str(p.children[0])) if isinstance(p.children[0], Token) else ""
            for p in _rules(node)
        )
    return str(node.children[0])


def read_body(node: Tree) -> Body:
    body = Body()
    for item in _rules(node):
        if item.data == "attribute":
            name_node, expr = _rules(item)[0], _rules(item)[-1]
            body.attributes.append(Attribute(_name(name_node), expr, line_of(item)))
        elif item.data == "block":
            parts = _rules(item)
            inner = next(p for p in reversed(parts) if p.data == "body")
            names = [_name(p) for p in parts if p is not inner]
            body.blocks.append(Block(names[0], names[1:], read_body(inner), line_of(item)))
    return body


# -- dynamic blocks (hcl ext/dynblock)


def expand_dynamic(body: Body, scope: Scope) -> Body:
    """The body with every ``dynamic "type" {…}`` replaced by the blocks it generates,
    recursively; each generated block carries its iterator in ``bindings``."""
    blocks: list[Block] = []
    for block in body.blocks:
        inner = scope.child(block.bindings) if block.bindings else scope
        if block.type != "dynamic":
            expanded = Block(
                block.type,
                block.labels,
                expand_dynamic(block.body, inner),
                block.line,
                block.bindings,
            )
            blocks.append(expanded)
            continue
        blocks.extend(_dynamic(block, inner))
    return Body(body.attributes, blocks)


def _dynamic(block: Block, scope: Scope) -> list[Block]:
    if len(block.labels) != 1:
        raise HclError(
            "Missing name for dynamic; All dynamic blocks must have 1 labels (type).", block.line
        )
    kind = block.labels[0]
    spec = block.body
    for_each = spec.attribute("for_each")
    if for_each is None:
        raise HclError(
            'Missing required argument; The argument "for_each" is required, but no '
            "definition was found.",
            block.line,
        )
    iterator = kind
    if (named := spec.attribute("iterator")) is not None:
        iterator = _bare_name(named)
    contents = [b for b in spec.blocks if b.type == "content"]
    if len(contents) != 1:
        raise HclError(
            "Missing content block; A dynamic block must have a nested block of type "
            '"content" to describe the body of each generated block.',
            block.line,
        )
    for extra in spec.attributes:
        if extra.name not in ("for_each", "iterator", "labels"):
            raise HclError(
                f'Unsupported argument; An argument named "{extra.name}" is not expected here.',
                extra.line,
            )
    collection = evaluate(for_each.expr, scope)
    if collection is None:
        raise HclError(
            "Invalid dynamic for_each value; Cannot use a null value in for_each.", for_each.line
        )
    if isinstance(collection, dict):
        pairs = list(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        raise HclError(
            f"Invalid dynamic for_each value; Cannot use a {type_name(collection)} "
            "value in for_each. An iterable collection is required.",
            for_each.line,
        )
    out: list[Block] = []
    labels_attr = spec.attribute("labels")
    for key, value in pairs:
        bound = {iterator: {"key": key, "value": value}}
        inner = scope.child(bound)
        labels: list[str] = []
        if labels_attr is not None:
            raw = evaluate(labels_attr.expr, inner)
            if not isinstance(raw, list):
                raise HclError(
                    "Invalid dynamic labels value; labels must be a list of strings",
                    labels_attr.line,
                )
            labels = [to_string(label, "Invalid dynamic block label") for label in raw]
        content = expand_dynamic(contents[0].body, inner)
        out.append(Block(kind, labels, content, contents[0].line, {**block.bindings, **bound}))
    return out


def _bare_name(attr: Attribute) -> str:
    node = attr.expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "identifier":
        return str(node.children[0])
    raise HclError(
        "Invalid expression; A single static variable reference is required: only "
        "attribute access and indexing with constant keys.",
        attr.line,
    )


# -- evaluation into the plain tree


def plain(body: Body, scope: Scope) -> dict[str, Any]:
    """Every attribute evaluated; blocks as lists of dicts, labels as nested keys."""
    out: dict[str, Any] = {}
    for attr in body.attributes:
        out[attr.name] = evaluate(attr.expr, scope)
    for block in body.blocks:
        inner = scope.child(block.bindings) if block.bindings else scope
        value: Any = plain(block.body, inner)
        for label in reversed(block.labels):
            value = {label: value}
        existing = out.setdefault(block.type, [])
        if not isinstance(existing, list):
            raise HclError(
                f"Duplicate {block.type} block; {block.type} may not be defined more than once.",
                block.line,
            )
        existing.append(value)
    return out


def parse_expression(text: str, what: str) -> tuple[str, Tree]:
    """One HCL expression on its own (hclsyntax ``ParseExpression``), for ``-var`` values."""
    from hcl2.api import parses_to_tree

    src = f"x = {text}\n"
    try:
        tree = parses_to_tree(src)
        (attribute,) = _rules(tree.children[0])
    except (LarkError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HclError(f"Invalid expression in {what}: {first}") from None
    return src, _rules(attribute)[-1]
