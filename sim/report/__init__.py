"""A report for design reviews: one self-contained HTML page of a scenario's answers.

``collect`` runs the library's analyses (the ones the CLI's commands print); ``render`` and
``write_report`` turn them into one page with its styles, script and pictures inlined.
"""

from .content import Content, Request, collect
from .page import render, write_report

__all__ = ["Content", "Request", "collect", "render", "write_report"]
