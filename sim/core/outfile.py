"""Output files appear whole or not at all, with the mode any new file gets.

Every writer renders into a temporary file beside the target, which then replaces it: a
crash or a bad format never leaves half a file, and the previous file stays until the new one
is complete. ``mkstemp`` creates its file 0600; the finished file gets 0666 less the umask, as
``open()`` would have given it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import InputError


def new_file_mode() -> int:
    """0666 less the process umask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_whole(path: str | Path, write: Callable[[Path], object], suffix: str = ".tmp") -> Path:
    """Call ``write(temporary_path)``, then move the result onto ``path`` in one step.

    A symbolic link is written through (the link stays, its target is replaced); a device,
    pipe or socket is refused, never replaced by a file (``-o /dev/null`` would be).
    """
    named = Path(path)
    path = Path(os.path.realpath(named))
    if path.exists() and not path.is_file():
        raise InputError("not a regular file: refusing to replace it", named)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return named
