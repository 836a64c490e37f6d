"""A report for design reviews: one self-contained HTML page of a scenario's answers.

``collect`` runs the library's analyses (the ones the CLI's commands print); ``render`` and
``write_report`` (:mod:`sim.report.page`) turn them into one page with its styles, script and
pictures inlined. They load Jinja2 and matplotlib on first use, so importing this package
(the CLI does, for every command) stays cheap.
"""

from typing import Any

from .content import Content, Request, collect

__all__ = ["Content", "Request", "collect", "render", "write_report"]


def __getattr__(name: str) -> Any:
    if name in ("render", "write_report"):
        from . import page

        return getattr(page, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
