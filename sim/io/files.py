"""Reading input files: every OS or encoding failure becomes an InputError naming the file."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import msgspec

from ..core.errors import InputError

_BOM = codecs.BOM_UTF8
_UTF8_CHUNK = 1 << 24


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


def read_utf8_bytes(path: str | Path) -> bytes | None:
    """The file's bytes (BOM removed) when ``read_text`` would succeed on it, else ``None``.

    For decoders that take bytes (msgspec): the UTF-8 check runs in chunks, so a 300 MB file
    is never held as text, and a file ``read_text`` rejects is left to it to word the error.
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    check = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _UTF8_CHUNK):
            check.decode(view[start : start + _UTF8_CHUNK])
        check.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return data


def looks_like_json(text: str) -> bool:
    """JSON documents start with ``{`` or ``[``; an HCL file never does (jobspec2 ``isJSON``)."""
    return text.lstrip()[:1] in ("{", "[")


def parse_json(text: str, source: str | Path) -> Any:
    """The JSON value of ``text``, decoded in C by msgspec; what msgspec refuses (NaN, an
    out-of-range float, a malformed document) goes to ``json.loads``, which decides and
    words the error as before."""
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", source, exc.lineno
        ) from None
