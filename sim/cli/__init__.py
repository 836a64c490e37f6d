"""The ``nomad-sim`` command line: parse arguments, call the library, render.

Its imports run with the cyclic GC paused (``gc_paused``): the objects they create live as
long as the process, and the collections they would trigger only rescan them. ``run`` is the
console script (``main``, then a quick exit); ``main`` is for callers in their own process.
"""

from ..core.gcpause import gc_paused

with gc_paused():
    from .app import app, main
    from .process import run

__all__ = ["app", "main", "run"]
