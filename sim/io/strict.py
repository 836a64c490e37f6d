"""Unknown keys in the project's own files are errors: ``node_clas: c`` must not vanish.

The models ignore unknown keys so that Nomad's API JSON, which carries far more than the
scheduler reads, loads as it is. A scenario's node templates and inline jobs are written by
hand, so there a key the model does not know is a typo, reported with the closest known name.
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from typing import Any

from pydantic import AliasChoices, BaseModel

# Keys a model reads in a ``mode="before"`` validator rather than through a field.
_READ_BEFORE: dict[str, frozenset[str]] = {
    "Node": frozenset({"Resources", "Reserved"}),  # models/node.py _legacy_resources
}


def unknown_key(model: type[BaseModel], data: Any) -> tuple[tuple[Any, ...], str] | None:
    """The path of the first key ``model`` would silently drop, and a hint; None if none."""
    return _walk(model, data, ())


_Shape = tuple[type[BaseModel] | None, Any, tuple[Any, ...]]
# Shapes by annotation identity (some annotations are unhashable); the annotation is kept in
# the entry so that its id cannot be reused. A scenario's node templates repeat the same few
# model fields thousands of times.
_SHAPES: dict[int, tuple[Any, _Shape]] = {}


def _shape(annotation: Any) -> _Shape:
    """(model, origin, args) of an annotation, worked out once per annotation."""
    entry = _SHAPES.get(id(annotation))
    if entry is None or entry[0] is not annotation:
        shape = (_model_of(annotation), typing.get_origin(annotation), typing.get_args(annotation))
        entry = _SHAPES[id(annotation)] = (annotation, shape)
    return entry[1]


def _walk(annotation: Any, data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], str] | None:
    model, origin, args = _shape(annotation)
    if model is not None and isinstance(data, dict):
        return _walk_model(model, data, loc)
    if origin in (list, tuple) and args and isinstance(data, list):
        for i, item in enumerate(data):
            found = _walk(args[0], item, (*loc, i))
            if found:
                return found
    if origin is dict and len(args) == 2 and isinstance(data, dict):
        for key, item in data.items():
            found = _walk(args[1], item, (*loc, key))
            if found:
                return found
    return None


def _walk_model(
    model: type[BaseModel], data: dict[str, Any], loc: tuple[Any, ...]
) -> tuple[tuple[Any, ...], str] | None:
    names = _accepted_names(model)
    for key, value in data.items():
        field = names.get(key)
        if field is None:
            if key in _READ_BEFORE.get(model.__name__, ()):
                continue
            close = difflib.get_close_matches(key, sorted(names), n=1)
            hint = f"unknown field (did you mean {close[0]!r}?)" if close else "unknown field"
            return (*loc, key), hint
        found = _walk(model.model_fields[field].annotation, value, (*loc, key))
        if found:
            return found
    return None


@functools.cache
def _accepted_names(model: type[BaseModel]) -> dict[str, str]:
    """Every spelling of every field (name, alias, validation aliases) → the field name."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        choices = info.validation_alias
        spellings: list[object] = [name, info.alias]
        if isinstance(choices, AliasChoices):
            spellings.extend(choices.choices)
        elif isinstance(choices, str):
            spellings.append(choices)
        for spelling in spellings:
            if isinstance(spelling, str):
                names[spelling] = name
    return names


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model in ``Model``, ``Model | None`` or ``Annotated[Model, ...]``."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None
