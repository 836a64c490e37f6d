"""Reading a written report back: a strict HTML5 parse and the text of its sections."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"


def parse(path: Path) -> Element:
    """The document tree; html5lib's strict mode raises on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(path.read_bytes(), transport_encoding="utf-8")


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def by_id(root: Element, ident: str) -> Element:
    found = [e for e in root.iter() if e.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def section(root: Element, heading_id: str) -> Element:
    """The <section> whose heading has this id."""
    for element in root.iter(f"{NS}section"):
        if any(child.get("id") == heading_id for child in element):
            return element
    raise AssertionError(f"no section headed #{heading_id}")


def table_rows(table: Element) -> list[list[str]]:
    body = table.find(f"{NS}tbody")
    assert body is not None
    return [[text(cell) for cell in row] for row in body.iter(f"{NS}tr")]
