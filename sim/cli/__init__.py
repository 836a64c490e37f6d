"""The ``nomad-sim`` command line: parse arguments, call the library, render."""

from .app import app, main

__all__ = ["app", "main"]
