"""Plain-text tables and the table/json/markdown switch every command shares."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Left-aligned columns separated by two spaces, header underlined."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(c) for c in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def table(fmt: OutputFormat, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if fmt is OutputFormat.markdown:
        return markdown_table(header, rows)
    return text_table(header, rows)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str)


def records(
    fmt: OutputFormat, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
) -> str:
    """Rows under ``(json_key, HEADER)`` columns: objects keyed by stable snake_case
    identifiers in JSON, the readable headers in a table."""
    if fmt is OutputFormat.json:
        return to_json([dict(zip((key for key, _ in columns), row)) for row in rows])
    return table(fmt, [header for _, header in columns], rows)
