"""The ``nomad-sim`` command line: parse arguments, call the library, render.

``run`` is the console script (process settings, ``main``, then a quick exit); ``main`` is for
callers in their own process. ``app`` and ``main`` load on first access (``sim.core.lazy``;
``sim.cli.app`` stays the Typer app whichever is imported first), so ``run`` can make the
process's settings before numpy and pydantic are imported. The app's imports run with the
cyclic GC paused (``gc_paused``): the objects they create live as long as the process, and
the collections they would trigger only rescan them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.gcpause import gc_paused
from ..core.lazy import lazy_exports
from .process import run

if TYPE_CHECKING:
    from .app import app, main

__all__ = ["app", "main", "run"]

_load, __dir__ = lazy_exports(__name__, {"app": ".app", "main": ".app"}, globals())


def __getattr__(name: str) -> Any:
    with gc_paused():
        return _load(name)
