"""Writing a snapshot whole or not at all (``sim.core.outfile.write_whole``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.outfile import write_whole


def write_snapshot(document: dict[str, Any], path: str | Path) -> Path:
    """Write ``document`` to ``path``: a temporary file beside it, renamed once complete."""

    def dump(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, separators=(",", ":"))
            handle.write("\n")

    try:
        return write_whole(path, dump, suffix=".partial")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path) from None
