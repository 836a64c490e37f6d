"""HCL2 expressions evaluated over python-hcl2's raw Lark tree, as jobspec2 evaluates them.

jobspec2 (jobspec2/types.config.go ``EvalContext``) evaluates with hcl/v2's ``hclsyntax``: the
variables ``var`` and ``local``, the functions of jobspec2/functions.go, and an
``UndefinedVariable`` hook that turns any other root name (``attr``, ``node``, ``meta``,
``env``, ``NOMAD_*``) into its own source text re-wrapped as ``${…}``, so runtime
interpolations survive parsing. Values are plain Python: ``str``, ``int``/``float``
(cty numbers), ``bool``, ``None`` (null), ``list`` (tuples, lists, sets), ``dict``
(objects, maps).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lark import Token, Tree

from .hcl_values import (
    HclError,
    convert,
    number,
    to_bool,
    to_number,
    to_string,
    type_name,
    values_equal,
)
from .interpolate import closing_brace


@dataclass
class Scope:
    """What an expression may name: variables (``var``, ``local``, iterators) and functions.

    ``src`` is the text the tree was parsed from, for ``UndefinedVariable``'s source slices.
    """

    variables: Mapping[str, Any]
    functions: Mapping[str, Callable[..., Any]]
    src: str
    line_offset: int = 0
    lazy: Mapping[str, Callable[[Any, Scope], Any]] = field(default_factory=dict)
    closed: bool = False
    """No evaluation context at all (hcl ``Expr.Value(nil)``): names and calls are errors."""

    def child(self, names: Mapping[str, Any]) -> Scope:
        return replace(self, variables={**self.variables, **names})


def line_of(node: Any, scope: Scope | None = None) -> int | None:
    meta = getattr(node, "meta", None)
    line = getattr(node, "line", None) if isinstance(node, Token) else getattr(meta, "line", None)
    if line is None:
        return None
    return line + (scope.line_offset if scope else 0)


def evaluate(node: Any, scope: Scope) -> Any:
    """The value of one expression node."""
    if isinstance(node, Token):
        raise HclError(f"unexpected token {node!s}", line_of(node, scope))
    handler = _HANDLERS.get(node.data)
    if handler is None:
        raise HclError(f"unsupported HCL construct {node.data}", line_of(node, scope))
    return handler(node, scope)


def _trees(node: Tree) -> list[Tree]:
    """Children that are rules, without comments and line breaks."""
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _expr_term(node: Tree, scope: Scope) -> Any:
    inner = _trees(node)
    return evaluate(inner[0], scope)


def _conditional(node: Tree, scope: Scope) -> Any:
    cond, yes, no = _trees(node)
    chosen = to_bool(evaluate(cond, scope), "The condition value")
    return evaluate(yes if chosen else no, scope)


def _binary_op(node: Tree, scope: Scope) -> Any:
    left_node, term = _trees(node)[:2]
    operator_node, right_node = _trees(term)
    operator = str(operator_node.children[0])
    left = evaluate(left_node, scope)
    if operator in ("&&", "||"):
        left_bool = to_bool(left, "The left operand")
        if operator == "&&" and not left_bool:
            to_bool(evaluate(right_node, scope), "The right operand")
            return False
        right_bool = to_bool(evaluate(right_node, scope), "The right operand")
        return left_bool and right_bool if operator == "&&" else left_bool or right_bool
    right = evaluate(right_node, scope)
    try:
        return _apply(operator, left, right)
    except HclError as exc:
        raise HclError(str(exc), line_of(node, scope)) from None


def _apply(operator: str, left: Any, right: Any) -> Any:
    if operator == "==":
        return values_equal(left, right)
    if operator == "!=":
        return not values_equal(left, right)
    a = to_number(left, "Invalid operand")
    b = to_number(right, "Invalid operand")
    if operator == "<":
        return a < b
    if operator == ">":
        return a > b
    if operator == "<=":
        return a <= b
    if operator == ">=":
        return a >= b
    if operator == "+":
        return number(a + b)
    if operator == "-":
        return number(a - b)
    if operator == "*":
        return number(a * b)
    if b == 0 and operator in ("/", "%"):
        raise HclError("Zero divisor; Can't divide by zero.")
    if operator == "/":
        return number(a / b)
    # cty's Modulo keeps the dividend's sign, like Go's math.Mod
    return (
        number(math.fmod(a, b))
        if isinstance(a, float) or isinstance(b, float)
        else number(int(math.copysign(abs(a) % abs(b), a)))
    )


def _unary_op(node: Tree, scope: Scope) -> Any:
    operator = str(node.children[0])
    value = evaluate(_trees(node)[0], scope)
    if operator == "!":
        return not to_bool(value, "The operand")
    return number(-to_number(value, "Invalid operand"))


def _int_lit(node: Tree, scope: Scope) -> Any:
    return int(str(node.children[0]))


def _float_lit(node: Tree, scope: Scope) -> Any:
    return number(float(str(node.children[0])))


def _literal_value(node: Tree, scope: Scope) -> Any:
    return {"true": True, "false": False, "null": None}[str(node.children[0])]


def _tuple(node: Tree, scope: Scope) -> list[Any]:
    return [evaluate(item, scope) for item in _trees(node)]


def _object(node: Tree, scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for elem in _trees(node):
        key_node, value_node = _trees(elem)
        out[object_key(key_node, scope)] = evaluate(value_node, scope)
    return out


def object_key(key_node: Tree, scope: Scope) -> str:
    """An object key: a bare name is the name itself (``{a = 1}``), anything else is evaluated."""
    inner = _trees(key_node)
    if not inner:  # a keyword token used as a key: ``{ in = 1 }``
        return str(key_node.children[0])
    expr = inner[0]
    if expr.data == "keyword":
        return str(expr.children[0])
    if expr.data == "expr_term":
        term = _trees(expr)
        if len(term) == 1 and term[0].data == "identifier" and len(expr.children) == 1:
            return str(term[0].children[0])
        if len(term) == 1 and term[0].data == "literal_value":
            return str(term[0].children[0])
    value = evaluate(expr, scope)
    return to_string(value, "Object key")


# -- traversals: names, attributes, indexes, splats


_STEP_NODES = ("get_attr_expr_term", "index_expr_term")


def _no_variables(node: Tree, scope: Scope) -> HclError:
    return HclError("Variables not allowed; Variables may not be used here.", line_of(node, scope))


def _identifier(node: Tree, scope: Scope) -> Any:
    name = str(node.children[0])
    if scope.closed:
        raise _no_variables(node, scope)
    if name in scope.variables:
        return scope.variables[name]
    return _undefined(node, scope)


def _undefined(whole: Tree, scope: Scope) -> str:
    """jobspec2's ``UndefinedVariable``: the traversal's source, inside its ``${ … }``."""
    start, end = whole.meta.start_pos, whole.meta.end_pos
    src = scope.src
    text = src[start:end]
    i = start - 1
    while i >= 1 and src[i] == " ":
        i -= 1
    if i >= 1 and src[i] == "{" and src[i - 1] == "$":
        text = src[i - 1 : start] + text
        j = end
        while j < len(src) and src[j] == " ":
            j += 1
        return text + src[end:j] + "}"
    return "${" + text + "}"


def _chain(node: Tree) -> tuple[Tree, list[Tree]]:
    """The root term and the steps (``get_attr`` / index nodes) of an attribute/index chain."""
    steps: list[Tree] = []
    current = node
    while current.data in _STEP_NODES or (
        current.data == "expr_term" and len(current.children) == 1
    ):
        if current.data == "expr_term":
            current = current.children[0]
            continue
        base, step = _trees(current)
        steps.append(step)
        current = base
    steps.reverse()
    return current, steps


def _static_step(step: Tree) -> bool:
    if step.data in ("get_attr", "short_index"):
        return True
    key = _trees(step)[0]
    term = _trees(key) if key.data == "expr_term" else []
    return len(term) == 1 and term[0].data in ("string", "int_lit")


def _traverse(node: Tree, scope: Scope) -> Any:
    root, steps = _chain(node)
    if scope.closed and root.data == "identifier":
        raise _no_variables(node, scope)
    if root.data == "identifier" and str(root.children[0]) not in scope.variables:
        static = 0
        while static < len(steps) and _static_step(steps[static]):
            static += 1
        whole = _span_node(root, steps[:static])
        value: Any = _undefined(whole, scope)
        rest = steps[static:]
    else:
        value = evaluate(root, scope)
        rest = steps
    for step in rest:
        value = _step(value, step, scope)
    return value


def _span_node(root: Tree, steps: list[Tree]) -> Tree:
    """A stand-in node covering the root and the given steps, for source slicing."""
    end = steps[-1].meta.end_pos if steps else root.meta.end_pos
    stand_in: Tree[Any] = Tree("span", [])
    stand_in.meta.start_pos = root.meta.start_pos
    stand_in.meta.end_pos = end
    return stand_in


def _step(value: Any, step: Tree, scope: Scope) -> Any:
    if step.data == "get_attr":
        name_node = _trees(step)[0]
        return get_attr(value, str(name_node.children[0]), line_of(step, scope))
    if step.data == "short_index":
        key: Any = int(str(step.children[-1]))
    else:
        key = evaluate(_trees(step)[0], scope)
    return index(value, key, line_of(step, scope))


def get_attr(value: Any, name: str, line: int | None = None) -> Any:
    if isinstance(value, dict):
        if name not in value:
            raise HclError(
                f'Unsupported attribute; This object does not have an attribute named "{name}".',
                line,
            )
        return value[name]
    if isinstance(value, list) and name.isdigit():
        return index(value, int(name), line)
    if value is None:
        raise HclError("Attempt to get attribute from null value", line)
    raise HclError(
        f"Unsupported attribute; Can't access attributes on a primitive-typed value "
        f"({type_name(value)}).",
        line,
    )


def index(value: Any, key: Any, line: int | None = None) -> Any:
    if isinstance(value, dict):
        name = to_string(key, "Invalid index")
        if name not in value:
            raise HclError(
                f"Invalid index; The given key does not identify an element in this "
                f'collection value: "{name}".',
                line,
            )
        return value[name]
    if isinstance(value, list):
        position = to_number(key, "Invalid index")
        if not float(position).is_integer() or not 0 <= position < len(value):
            raise HclError(
                "Invalid index; The given key does not identify an element in this collection "
                "value.",
                line,
            )
        return value[int(position)]
    if value is None:
        raise HclError("Attempt to index null value", line)
    raise HclError(
        f"Invalid index; This value does not have any indices ({type_name(value)}).", line
    )


def _splat(node: Tree, scope: Scope) -> Any:
    base, splat = _trees(node)
    value = evaluate(base, scope)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    steps = _trees(splat)
    out = []
    for item in items:
        for step in steps:
            item = _step(item, step, scope)
        out.append(item)
    return out


# -- function calls


def _function_call(node: Tree, scope: Scope) -> Any:
    parts = _trees(node)
    name = str(parts[0].children[0])
    if scope.closed:
        raise HclError(
            "Function calls not allowed; Functions may not be called here.", line_of(node, scope)
        )
    if len(parts) > 1 and parts[1].data == "identifier":
        raise HclError(
            f'Call to unknown function; There is no function named "{name}::…".',
            line_of(node, scope),
        )
    lazy = scope.lazy.get(name)
    function = scope.functions.get(name)
    if function is None and lazy is None:
        raise HclError(
            f'Call to unknown function; There is no function named "{name}".', line_of(node, scope)
        )
    args_node = next((p for p in parts if p.data == "arguments"), None)
    arg_nodes = _trees(args_node) if args_node is not None else []
    expand = args_node is not None and any(
        isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children
    )
    try:
        if lazy is not None:
            return lazy(arg_nodes, scope)
        args = [evaluate(a, scope) for a in arg_nodes]
        if expand:
            if not isinstance(args[-1], list):
                raise HclError(
                    "Invalid expanding argument value; The expanding argument (indicated "
                    "by ...) must be of a tuple, list, or set type."
                )
            args = args[:-1] + list(args[-1])
        assert function is not None
        return function(*args)
    except HclError as exc:
        if exc.line is None:
            raise HclError(
                f'Error in function call; Call to function "{name}" failed: {exc}',
                line_of(node, scope),
            ) from None
        raise
    except TypeError as exc:
        raise HclError(
            f'Invalid function argument; Call to function "{name}": {exc}', line_of(node, scope)
        ) from None


# -- for expressions


def _for_intro(node: Tree) -> tuple[str | None, str, Tree]:
    names = [str(c.children[0]) for c in _trees(node) if c.data == "identifier"]
    collection = next(c for c in _trees(node) if c.data != "identifier")
    if len(names) == 2:
        return names[0], names[1], collection
    return None, names[0], collection


def _for_items(intro: Tree, scope: Scope) -> list[Scope]:
    key_name, value_name, collection_node = _for_intro(intro)
    collection = evaluate(collection_node, scope)
    if isinstance(collection, dict):
        pairs = list(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        raise HclError(
            "Iteration over non-iterable value; A value of type "
            f"{type_name(collection)} cannot be used as the collection in a 'for' "
            "expression.",
            line_of(intro, scope),
        )
    scopes = []
    for key, value in pairs:
        names = {value_name: value}
        if key_name is not None:
            names[key_name] = key
        scopes.append(scope.child(names))
    return scopes


def _for_parts(node: Tree) -> tuple[Tree, list[Tree], Tree | None, bool]:
    parts = _trees(node)
    intro = parts[0]
    cond = next((p for p in parts if p.data == "for_cond"), None)
    body = [p for p in parts[1:] if p.data != "for_cond"]
    grouped = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
    return intro, body, cond, grouped


def _keep(cond: Tree | None, scope: Scope) -> bool:
    if cond is None:
        return True
    return to_bool(evaluate(_trees(cond)[0], scope), "The 'if' clause value")


def _for_tuple(node: Tree, scope: Scope) -> list[Any]:
    intro, body, cond, _ = _for_parts(node)
    return [evaluate(body[0], inner) for inner in _for_items(intro, scope) if _keep(cond, inner)]


def _for_object(node: Tree, scope: Scope) -> dict[str, Any]:
    intro, body, cond, grouped = _for_parts(node)
    out: dict[str, Any] = {}
    for inner in _for_items(intro, scope):
        if not _keep(cond, inner):
            continue
        key = to_string(evaluate(body[0], inner), "Invalid object key")
        value = evaluate(body[1], inner)
        if grouped:
            out.setdefault(key, []).append(value)
        elif key in out:
            raise HclError(
                f'Duplicate object key; Two different items produced the key "{key}" in this '
                "'for' expression. If duplicates are expected, use the ellipsis (...) after the "
                "value expression to enable grouping by key.",
                line_of(node, scope),
            )
        else:
            out[key] = value
    return out


# -- strings and templates

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)


def unescape(text: str) -> str:
    """HCL quoted-string escapes (hclsyntax ``scanStringLit``)."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        char = match.group(3)
        if char in _ESCAPES:
            return _ESCAPES[char]
        raise HclError(
            f"Invalid escape sequence; The symbol {char!r} is not a valid escape sequence selector."
        )

    return _ESCAPE.sub(replace, text) if "\\" in text else text


@dataclass
class _Part:
    kind: str  # lit, interp, if, else, endif, for, endfor
    text: str = ""
    node: Any = None
    strip_left: bool = False
    strip_right: bool = False
    names: tuple[str, ...] = ()


def _string_parts(node: Tree) -> list[_Part]:
    parts: list[_Part] = []
    for child in _trees(node):
        (inner,) = child.children
        if isinstance(inner, Token):
            text = str(inner)
            if inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(_Part("lit", text[1:]))
            else:
                parts.append(_Part("lit", unescape(text)))
            continue
        parts.append(_directive(inner))
    return parts


def _directive(inner: Tree) -> _Part:
    tokens = [c for c in inner.children if isinstance(c, Token)]
    strips = [t for t in tokens if t.type == "STRIP_MARKER"]
    strip_left = bool(strips) and inner.children.index(strips[0]) == 1
    strip_right = bool(strips) and inner.children.index(strips[-1]) == len(inner.children) - 2
    kind = {
        "interpolation": "interp",
        "template_if_start": "if",
        "template_else": "else",
        "template_endif": "endif",
        "template_for_start": "for",
        "template_endfor": "endfor",
    }[inner.data]
    exprs = [c for c in _trees(inner) if c.data != "identifier"]
    names = tuple(str(c.children[0]) for c in _trees(inner) if c.data == "identifier")
    return _Part(
        kind,
        node=exprs[0] if exprs else None,
        strip_left=strip_left,
        strip_right=strip_right,
        names=names,
    )


def _strip(parts: list[_Part]) -> None:
    """``~`` markers trim the whitespace of the literal next to them."""
    for i, part in enumerate(parts):
        if part.strip_left and i > 0 and parts[i - 1].kind == "lit":
            parts[i - 1].text = parts[i - 1].text.rstrip()
        if part.strip_right and i + 1 < len(parts) and parts[i + 1].kind == "lit":
            parts[i + 1].text = parts[i + 1].text.lstrip()


def render_parts(parts: list[_Part], scope: Scope, line: int | None) -> Any:
    _strip(parts)
    if len(parts) == 1 and parts[0].kind == "interp":
        return evaluate(parts[0].node, scope)  # a lone interpolation keeps its type
    out, _end = _render(parts, 0, scope, line, ())
    return out


def _render(
    parts: list[_Part], i: int, scope: Scope, line: int | None, stop: tuple[str, ...]
) -> tuple[str, int]:
    out: list[str] = []
    while i < len(parts):
        part = parts[i]
        if part.kind in stop:
            return "".join(out), i
        if part.kind == "lit":
            out.append(part.text)
            i += 1
        elif part.kind == "interp":
            value = evaluate(part.node, scope)
            out.append(template_string(value, line))
            i += 1
        elif part.kind == "if":
            chosen = to_bool(evaluate(part.node, scope), "The condition value")
            yes, i = _render(parts, i + 1, scope, line, ("else", "endif"))
            no = ""
            if i < len(parts) and parts[i].kind == "else":
                no, i = _render(parts, i + 1, scope, line, ("endif",))
            if i >= len(parts):
                raise HclError("Unterminated template if directive", line)
            out.append(yes if chosen else no)
            i += 1
        elif part.kind == "for":
            end = _matching_endfor(parts, i, line)
            names = part.names
            collection = evaluate(part.node, scope)
            pairs = (
                collection.items() if isinstance(collection, dict) else enumerate(collection or [])
            )
            for key, value in pairs:
                bound = {names[-1]: value}
                if len(names) == 2:
                    bound[names[0]] = key
                text, _ = _render(parts[:end], i + 1, scope.child(bound), line, ("endfor",))
                out.append(text)
            i = end + 1
        else:
            raise HclError(f"Unexpected template directive {part.kind}", line)
    return "".join(out), i


def _matching_endfor(parts: list[_Part], start: int, line: int | None) -> int:
    depth = 0
    for j in range(start, len(parts)):
        if parts[j].kind == "for":
            depth += 1
        elif parts[j].kind == "endfor":
            depth -= 1
            if depth == 0:
                return j
    raise HclError("Unterminated template for directive", line)


def template_string(value: Any, line: int | None) -> str:
    if value is None:
        raise HclError(
            "Invalid template interpolation value; The expression result is null. "
            "Cannot include a null value in a string template.",
            line,
        )
    if isinstance(value, list | dict):
        raise HclError(
            "Invalid template interpolation value; Cannot include the given value in a "
            f"string template: string required, got {type_name(value)}.",
            line,
        )
    return to_string(value, "Invalid template interpolation value")


def _string(node: Tree, scope: Scope) -> Any:
    return render_parts(_string_parts(node), scope, line_of(node, scope))


def _template_string(node: Tree, scope: Scope) -> Any:
    text = str(node.children[0])
    return unescape(text[2:-2])


_HEREDOC = re.compile(r"<<(-?)([A-Za-z][\w.-]*)\r?\n(.*?)^[ \t]*\2\r?\n?\Z", re.S | re.M)


def _heredoc(node: Tree, scope: Scope) -> Any:
    token = node.children[0]
    assert isinstance(token, Token)
    match = _HEREDOC.match(str(token))
    if match is None:
        raise HclError("malformed heredoc", line_of(node, scope))
    trim, _, body = match.groups()
    if trim:
        lines = body.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents, default=0)
        body = "\n".join(ln[cut:] for ln in lines)
    if "${" not in body and "%{" not in body:
        return body
    try:
        src, string_node = _template_tree(body)
    except HclError as exc:
        raise HclError(str(exc), line_of(node, scope)) from None
    offset = token.line or 1  # the body starts on the line after ``<<EOF``
    inner = replace(scope, src=src, line_offset=offset)
    return render_parts(_string_parts(string_node), inner, line_of(node, scope))


def _template_tree(body: str) -> tuple[str, Tree]:
    """A heredoc body as the ``string`` node of ``x = "…"``: literal runs are escaped, the
    ``${…}``/``%{…}`` sequences kept verbatim, so the one grammar parses both."""
    from hcl2.api import parses_to_tree

    pieces: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith(("$${", "%%{"), i):
            pieces.append(body[i : i + 3])
            i += 3
            continue
        if body.startswith(("${", "%{"), i):
            end = closing_brace(body, i + 2)
            if end is not None:
                pieces.append(body[i : end + 1])
                i = end + 1
                continue
        char = body[i]
        pieces.append(
            {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, char)
        )
        i += 1
    src = 'x = "' + "".join(pieces) + '"\n'
    try:
        tree = parses_to_tree(src)
    except Exception as exc:
        raise HclError(f"Invalid heredoc template: {str(exc).splitlines()[0]}") from None
    attribute = next(tree.find_data("attribute"))
    return src, _trees(_trees(attribute)[-1])[0]


_HANDLERS: dict[str, Callable[[Tree, Scope], Any]] = {
    "expr_term": _expr_term,
    "conditional": _conditional,
    "binary_op": _binary_op,
    "unary_op": _unary_op,
    "int_lit": _int_lit,
    "float_lit": _float_lit,
    "literal_value": _literal_value,
    "tuple": _tuple,
    "object": _object,
    "identifier": _identifier,
    "get_attr_expr_term": _traverse,
    "index_expr_term": _traverse,
    "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat,
    "function_call": _function_call,
    "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
    "string": _string,
    "template_string": _template_string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
}


def _try(arg_nodes: list[Tree], scope: Scope) -> Any:
    """hcl ext/tryfunc ``try``: the first argument that evaluates without an error."""
    if not arg_nodes:
        raise HclError("at least one argument is required")
    for node in arg_nodes:
        try:
            return evaluate(node, scope)
        except HclError:
            continue
    raise HclError("no expression succeeded")


def _can(arg_nodes: list[Tree], scope: Scope) -> bool:
    """hcl ext/tryfunc ``can``: whether the argument evaluates without an error."""
    if len(arg_nodes) != 1:
        raise HclError("can takes exactly one argument")
    try:
        evaluate(arg_nodes[0], scope)
    except HclError:
        return False
    return True


def _convert(arg_nodes: list[Tree], scope: Scope) -> Any:
    """hcl ext/typeexpr ``convert(value, type)``: the second argument is a type expression."""
    from .hcl_typeexpr import type_of_expression

    if len(arg_nodes) != 2:
        raise HclError("convert takes a value and a type")
    return convert(evaluate(arg_nodes[0], scope), type_of_expression(arg_nodes[1]))


LAZY_FUNCTIONS: dict[str, Callable[[list[Tree], Scope], Any]] = {
    "try": _try,
    "can": _can,
    "convert": _convert,
}
"""Functions that see their arguments unevaluated."""
