"""The docstring examples of sim.graph are part of its documentation: keep them true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["__init__", "aggregate", "analyses", "build", "capacity", "draw", "examples", "export"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module("sim.graph" if name == "__init__" else f"sim.graph.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
