"""One exception family for bad input, so the CLI can print one line and exit non-zero.

Every error names the file (when there is one), the location where known, and what was
expected. Library code raises these; it never prints or exits.
"""

from __future__ import annotations

from pathlib import Path


class NomadSimError(Exception):
    """Base of every error the project raises on purpose."""


class InputError(NomadSimError):
    """A file or value that cannot be used: malformed, missing, of the wrong shape or type."""

    def __init__(self, message: str, source: str | Path | None = None, line: int | None = None):
        # One line, always: a library's multi-line text is joined so the CLI prints one line.
        self.message = " ".join(part.strip() for part in message.splitlines() if part.strip())
        self.source = str(source) if source is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message
