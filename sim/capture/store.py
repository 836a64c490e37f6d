"""Writing a snapshot whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..core.errors import InputError


def _umask() -> int:
    """The process's umask (read by setting it, then restoring it): mkstemp creates 0600."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def output_folder(path: str | Path) -> Path:
    """The folder a snapshot goes to; checked before a capture so that none is wasted."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise InputError("no such folder", folder)
    return folder


def write_snapshot(document: dict[str, Any], path: str | Path) -> Path:
    """Write ``document`` to ``path`` atomically (``os.replace`` of a finished file)."""
    path = Path(path)
    folder = output_folder(path)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name}.", suffix=".partial"
        )
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror}", path) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, separators=(",", ":"))
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
