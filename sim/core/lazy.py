"""Package names imported on first use (PEP 562 module ``__getattr__``).

A command pays only for the modules it touches: ``nomad-sim check`` does not import the
graph library, the HTTP client or the planning code because a package re-exports them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any


class _FunctionsOverSubmodules(ModuleType):
    """A package exporting a function named like the submodule it lives in
    (``sim.whatif.sweep``, ``sim.planning.capacity``).

    Importing a submodule binds it to its package's attribute of that name; an eager
    ``from .sweep import sweep`` then rebinds the name to the function. Loaded lazily, the
    submodule may be imported first (by a sibling), so the binding is redirected here: the
    package's name stays the function, whichever is imported first.
    """

    __exports__: frozenset[str]

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            isinstance(value, ModuleType)
            and name in self.__exports__
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_exports(
    package: str, homes: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: each name in ``homes`` is imported from
    its (relative) module on first access and then kept in the package's ``namespace``."""
    shadowed = frozenset(name for name, home in homes.items() if home == f".{name}")
    if shadowed:
        namespace["__exports__"] = shadowed
        sys.modules[package].__class__ = _FunctionsOverSubmodules

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
