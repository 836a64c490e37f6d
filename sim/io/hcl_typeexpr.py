"""Type constraints as written in ``variable`` blocks (hcl ext/typeexpr ``Type``):
``string``, ``number``, ``bool``, ``any``, ``list(T)``, ``set(T)``, ``map(T)``,
``tuple([T, …])``, ``object({name = T, …})`` with ``optional(T)`` attributes."""

from __future__ import annotations

from lark import Token, Tree

from .hcl_values import PRIMITIVES, HclError, Type


def _inner(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _unwrap(node: Tree) -> Tree:
    while node.data == "expr_term" and len(_inner(node)) == 1 and len(node.children) == 1:
        node = _inner(node)[0]
    return node


def _fail(node: Tree, detail: str) -> HclError:
    line = getattr(node.meta, "line", None) if not isinstance(node, Token) else None
    return HclError(f"Invalid type specification; {detail}", line)


def type_of_expression(node: Tree) -> Type:
    node = _unwrap(node)
    if node.data == "identifier":
        name = str(node.children[0])
        if name in PRIMITIVES:
            return (name,)
        if name in ("list", "set", "map"):
            raise _fail(
                node,
                f"The {name} type constructor requires one argument specifying the element type.",
            )
        raise _fail(node, f'The keyword "{name}" is not a valid type specification.')
    if node.data != "function_call":
        raise _fail(
            node,
            "A type specification is either a primitive type keyword (bool, "
            "number, string) or a complex type constructor call, like list(string).",
        )
    parts = _inner(node)
    name = str(parts[0].children[0])
    args = _inner(parts[1]) if len(parts) > 1 else []
    if len(args) != 1:
        raise _fail(node, f"The {name} type constructor requires one argument.")
    arg = _unwrap(args[0])
    if name in ("list", "set", "map"):
        return (name, type_of_expression(arg))
    if name == "tuple":
        if arg.data != "tuple":
            raise _fail(node, "The tuple type constructor requires a list of element types.")
        return ("tuple", [type_of_expression(item) for item in _inner(arg)])
    if name == "object":
        if arg.data != "object":
            raise _fail(node, "The object type constructor requires an object of attribute types.")
        attributes: dict[str, Type] = {}
        optional: set[str] = set()
        for elem in _inner(arg):
            key_node, value_node = _inner(elem)
            key = _unwrap(_inner(key_node)[0]) if _inner(key_node) else key_node
            attr = str(key.children[0]).strip('"') if isinstance(key, Tree) else str(key)
            if key.data == "string":
                attr = "".join(str(p.children[0]) for p in _inner(key))
            value = _unwrap(value_node)
            if value.data == "function_call" and str(_inner(value)[0].children[0]) == "optional":
                optional.add(attr)
                value = _inner(_inner(value)[1])[0]
            attributes[attr] = type_of_expression(value)
        return ("object", attributes, frozenset(optional))
    raise _fail(node, f'Keyword "{name}" is not a valid type constructor.')
