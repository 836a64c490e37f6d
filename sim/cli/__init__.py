"""The ``nomad-sim`` command line: parse arguments, call the library, render.

Its imports run with the cyclic GC paused (``gc_paused``): the objects they create live as
long as the process, and the collections they would trigger only rescan them.
"""

from ..core.gcpause import gc_paused

with gc_paused():
    from .app import app, main

__all__ = ["app", "main"]
