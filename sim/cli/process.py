"""The ``nomad-sim`` process: the command, then an exit that leaves the heap to the OS.

At the end of a command the interpreter would free its objects one by one (every node, job
and table of a 100,000-node check, some tenths of a second) only for the process to end.
``run``, the console script, ends the process as soon as the command's output is flushed and
the exit handlers have run. ``main``, for callers in their own process (tests, notebooks),
returns or raises as usual and frees everything.

The process also loads no pydantic plugins (``PYDANTIC_DISABLE_PLUGINS``, unless the user
set it): finding them reads the metadata of every installed distribution before the first
validator is built, and no plugin has a part in a command's run.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

from .app import main


def exit_status(code: object) -> int:
    """The status the interpreter gives ``SystemExit(code)``: None is 0, an int is itself,
    anything else is printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run() -> NoReturn:
    """``main``, then ``os._exit`` with its status once stdout and stderr are flushed.

    Anything unusual takes the interpreter's ordinary way out: an exception other than
    ``SystemExit`` (its traceback), a thread still running (joined at exit), a flush that
    fails (a closed pipe: the interpreter reports it as it always does).
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
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
    os._exit(status)
