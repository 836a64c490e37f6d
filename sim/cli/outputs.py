"""Output files checked before any work starts: a writable place, a format that agrees."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from ..core.errors import InputError

IMAGE_SUFFIXES = (".png", ".svg")


# The formats sim.graph.export writes (its FORMATS; a test keeps the two equal), named here
# so that the CLI need not import networkx before a graph is asked for.
GraphFormat = StrEnum("GraphFormat", ["graphml", "json", "dot", "png", "svg"])


def writable(path: Path) -> Path:
    """``path`` names a file that can be created or replaced (the folder exists, is writable)."""
    if path.is_dir():
        raise InputError("is a directory; expected the name of a file to write", path)
    if path.exists() and not path.is_file():
        raise InputError(
            "not a regular file (a device, pipe or socket): refusing to replace it", path
        )
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write: the folder {str(folder)!r} does not exist", path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write: no permission to create files in {str(folder)!r}", path)
    return path


def graph_format(path: Path, fmt: GraphFormat | None) -> GraphFormat:
    """``--format`` when given, else the file suffix; a suffix naming another format is an error."""
    suffix = path.suffix.lower().lstrip(".")
    named = GraphFormat(suffix) if suffix in {f.value for f in GraphFormat} else None
    if fmt is None:
        if named is None:
            choices = ", ".join(f".{f}" for f in GraphFormat)
            raise InputError(
                f"cannot tell the graph format from the file name: give --format or end it "
                f"in {choices}",
                path,
            )
        return named
    if named is not None and named is not fmt:
        raise InputError(
            f"--format {fmt} contradicts the file name (a .{suffix} file): rename the file or "
            "change --format",
            path,
        )
    return fmt


def image_path(path: Path) -> Path:
    """A plot's file: PNG or SVG by its suffix, in a writable folder."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise InputError(
            f"unsupported image type {path.suffix or '(no suffix)'!r}: name the plot "
            f"{' or '.join('*' + s for s in IMAGE_SUFFIXES)}",
            path,
        )
    return writable(path)
