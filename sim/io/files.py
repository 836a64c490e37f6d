"""Reading input files: every OS or encoding failure becomes an InputError naming the file."""

from __future__ import annotations

import codecs
import contextlib
import json
import mmap
from pathlib import Path
from typing import Any

import msgspec

from ..core.errors import InputError

_BOM = codecs.BOM_UTF8
_CHUNK = 1 << 25


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


class MappedText:
    """A UTF-8 file read through a read-only memory map, for decoders that take bytes.

    ``release(n)`` hands the pages of the first ``n`` bytes back to the OS: a 300 MB node file
    is then never resident whole next to the nodes built from it (they are read again from
    the page cache if touched later, so releasing early is never wrong, only slower).
    """

    def __init__(self, mapped: mmap.mmap, start: int):
        self._map = mapped
        self.data = memoryview(mapped)[start:]
        self._start = start

    @classmethod
    def open(cls, path: str | Path) -> MappedText | None:
        """The mapped file when ``read_text`` would read it, else ``None`` (it words why)."""
        try:
            with open(path, "rb") as fh:
                mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        text = cls(mapped, len(_BOM) if mapped[: len(_BOM)] == _BOM else 0)
        check = codecs.getincrementaldecoder("utf-8")()
        try:
            for start in range(0, len(text.data), _CHUNK):
                check.decode(text.data[start : start + _CHUNK])
                text.release(start)
            check.decode(b"", final=True)
        except UnicodeDecodeError:
            text.close()
            return None
        return text

    def release(self, upto: int) -> None:
        end = (self._start + upto) // mmap.PAGESIZE * mmap.PAGESIZE
        if end > 0 and hasattr(self._map, "madvise"):
            self._map.madvise(mmap.MADV_DONTNEED, 0, end)

    def close(self) -> None:
        self.data.release()
        with contextlib.suppress(BufferError):  # raw slices still point into the map
            self._map.close()


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
