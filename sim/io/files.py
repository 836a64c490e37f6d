"""Reading input files: every OS or encoding failure becomes an InputError naming the file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from ..core import limits
from ..core.errors import InputError
from .nesting import check_json_nesting


def read_text(path: str | Path) -> str:
    """The file's text (UTF-8, BOM tolerated); never a traceback for a missing or binary file."""
    path = Path(path)
    try:
        return read_bounded(path).decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", source=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", source=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", source=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None


def read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing devices and anything beyond the input-size limit.

    A pipe (``--job <(…)``) is read up to one byte past the limit; a regular file is
    measured first, so an oversized one is never read.
    """
    mode = path.stat().st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise InputError("not a regular file (a device or socket)", source=path)
    limit = limits.INPUT_BYTES.value()
    if limit and stat.S_ISREG(mode) and path.stat().st_size > limit:
        raise InputError(limits.INPUT_BYTES.message(path.stat().st_size), source=path)
    with path.open("rb") as handle:
        data = handle.read(limit + 1) if limit else handle.read()
    if limit and len(data) > limit:
        message = limits.INPUT_BYTES.message(len(data), "input size in bytes, at least,")
        raise InputError(message, path)
    return data


def looks_like_json(text: str) -> bool:
    """JSON documents start with ``{`` or ``[``; an HCL file never does (jobspec2 ``isJSON``)."""
    return text.lstrip()[:1] in ("{", "[")


def parse_json(text: str, source: str | Path) -> Any:
    check_json_nesting(text, source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", source, exc.lineno
        ) from None
