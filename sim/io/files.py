"""Reading input files: every OS or encoding failure becomes an InputError naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.errors import InputError


def read_text(path: str | Path) -> str:
    """The file's text (UTF-8, BOM tolerated); never a traceback for a missing or binary file."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", source=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", source=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", source=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None


def looks_like_json(text: str) -> bool:
    """JSON documents start with ``{`` or ``[``; an HCL file never does (jobspec2 ``isJSON``)."""
    return text.lstrip()[:1] in ("{", "[")


def parse_json(text: str, source: str | Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", source, exc.lineno
        ) from None
