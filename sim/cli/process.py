"""The ``nomad-sim`` process: the command, then an exit that leaves the heap to the OS.

At the end of a command the interpreter would free its objects one by one (every node, job
and table of a 100,000-node check, some tenths of a second) only for the process to end.
``run``, the console script, ends the process as soon as the command's output is flushed and
the exit handlers have run. ``main``, for callers in their own process (tests, notebooks),
returns or raises as usual and frees everything.

Two settings of the process, each unless the user set it, made before numpy and pydantic
load: one OpenBLAS thread (``OPENBLAS_NUM_THREADS``; the simulator does no linear algebra,
and OpenBLAS would start a thread per core at import, a fifth of numpy's import time), and
no pydantic plugins (``PYDANTIC_DISABLE_PLUGINS``; finding them reads the metadata of every
installed distribution, and no plugin has a part in a command's run). Child processes (the
Monte Carlo workers) inherit them.

With every plugin disabled, pydantic's plugin loader finds none, yet importing it imports
``importlib.metadata`` (about 15 ms, a job's first validation pays it). So a stand-in with the
loader's one function, answering as the loader does then (no plugins), takes its place in the
process: ``pydantic.plugin._loader.get_plugins``, private API, which is why pyproject pins
pydantic below 3 and ``tests/cli/test_process.py`` holds the stand-in to the loader's answer.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import types
from collections import deque
from collections.abc import Callable
from typing import NoReturn

PROCESS_SETTINGS = {"OPENBLAS_NUM_THREADS": "1", "PYDANTIC_DISABLE_PLUGINS": "__all__"}
_ALL_PLUGINS_DISABLED = ("__all__", "1", "true")  # the loader's own test of the setting
_PLUGIN_LOADER = "pydantic.plugin._loader"

# A command's last inputs and results, held to the end of the process by ``run`` (a whatif
# hands over four: two clusters, two runs; older ones are let go as newer come).
_KEPT: deque[object] = deque(maxlen=4)
_keeping = False


def keep_to_exit(value: object) -> None:
    """Hold ``value`` (a cluster read, a simulation's result) until the process ends, when
    ``run`` ends it: then its memory goes back with the process instead of being freed object
    by object as the command returns (a 10,000-node cluster and its run are some 100,000
    objects). Outside ``run`` nothing is held."""
    if _keeping:
        _KEPT.append(value)


def exit_status(code: object) -> int:
    """The status the interpreter gives ``SystemExit(code)``: None is 0, an int is itself,
    anything else is printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _no_plugins_loader() -> types.ModuleType:
    """A stand-in for pydantic's plugin loader while every plugin is disabled."""
    loader = types.ModuleType(_PLUGIN_LOADER)
    loader.get_plugins = tuple  # type: ignore[attr-defined]  # () as the loader answers
    return loader


def run() -> NoReturn:
    """``main``, then ``os._exit`` with its status once stdout and stderr are flushed.

    Anything unusual takes the interpreter's ordinary way out: an exception other than
    ``SystemExit`` (its traceback), a thread still running (joined at exit), a flush that
    fails (a closed pipe: the interpreter reports it as it always does).
    """
    global _keeping
    for name, value in PROCESS_SETTINGS.items():
        os.environ.setdefault(name, value)
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _ALL_PLUGINS_DISABLED:
        sys.modules.setdefault(_PLUGIN_LOADER, _no_plugins_loader())
    from . import main  # numpy, pydantic and the app load now, after the settings

    _keeping = True
    try:
        status = _finished(main)
    except BaseException:
        _keeping = False
        _KEPT.clear()
        raise
    os._exit(status)


def _finished(main: Callable[[], None]) -> int:
    """Run ``main``, the exit handlers and the flushes: the status for a quick exit, or
    ``SystemExit`` for the interpreter's own."""
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = None
    if threading.active_count() > 1:
        raise SystemExit(code)
    status = exit_status(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(status) from None
    return status
