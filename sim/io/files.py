"""Reading input files: every OS or encoding failure becomes an InputError naming the file."""

from __future__ import annotations

import codecs
import contextlib
import json
import mmap
import stat
from pathlib import Path
from typing import Any

import msgspec

from ..core import limits
from ..core.errors import InputError
from .nesting import check_json_nesting

_BOM = codecs.BOM_UTF8
_CHUNK = 1 << 25
_CHECK_CHUNK = 1 << 16  # UTF-8 checked in cache-sized pieces: several times faster than 32 MB


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
        """The mapped file when ``read_text`` would read it, else ``None`` (it words why:
        a missing or unreadable file, a device, a pipe, one past the input-size limit)."""
        try:
            info = Path(path).stat()
            if not stat.S_ISREG(info.st_mode) or limits.INPUT_BYTES.exceeded(info.st_size):
                return None
            with open(path, "rb") as fh:
                mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        text = cls(mapped, len(_BOM) if mapped[: len(_BOM)] == _BOM else 0)
        if not text._utf8():
            text.close()
            return None
        return text

    def _utf8(self) -> bool:
        """Whether the text is valid UTF-8, releasing pages as the check moves on.

        A piece of plain ASCII, with no multi-byte sequence open before it, is valid as it
        stands: numpy finds those (a node file is nearly all ASCII) several times faster than
        the decoder reads them; the decoder checks the rest, in order."""
        import numpy as np  # loaded by every command that reads node files anyway

        check = codecs.getincrementaldecoder("utf-8")()
        octets = np.frombuffer(self.data, dtype=np.uint8)
        try:
            for start in range(0, len(octets), _CHECK_CHUNK):
                piece = slice(start, start + _CHECK_CHUNK)
                if octets[piece].max() >= 0x80 or check.getstate()[0]:
                    check.decode(self.data[piece])
                if start % _CHUNK == 0:
                    self.release(start)
            check.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        finally:
            del octets  # the array holds an export of the map, which must end before close
        return True

    def release(self, upto: int) -> None:
        end = (self._start + upto) // mmap.PAGESIZE * mmap.PAGESIZE
        if end > 0 and hasattr(self._map, "madvise"):
            self._map.madvise(mmap.MADV_DONTNEED, 0, end)

    def close(self) -> None:
        """Unmap now, or (while decoded nodes still hold raw slices of it, read on demand)
        once the last of them is gone."""
        with contextlib.suppress(BufferError):
            self.data.release()
            self._map.close()


def looks_like_json(text: str) -> bool:
    """JSON documents start with ``{`` or ``[``; an HCL file never does (jobspec2 ``isJSON``)."""
    return text.lstrip()[:1] in ("{", "[")


def parse_json(text: str, source: str | Path) -> Any:
    """The JSON value of ``text`` (nesting bounded first), decoded in C by msgspec; what
    msgspec refuses (NaN, an out-of-range float, a malformed document) goes to ``json.loads``,
    which decides and words the error as before."""
    check_json_nesting(text, source)
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
